"""The admin dashboard through Django's test client: the compliance officer's list, filters,
search, detail page, exports (selection and filter) and the timeline; read-only for everyone."""

import csv
import datetime as dt
import io

import pytest

from ledger.models import ContradictionEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, compliance_user):
    client.force_login(compliance_user)
    return client


def test_officer_sees_every_users_entries_with_the_columns_they_need(officer, user, other_user, entry_factory):
    entry_factory(user, old="Microsoft", new="Amazon", severity="HIGH")
    entry_factory(other_user, old="Oracle", new="SAP")
    page = officer.get("/admin/ledger/contradictionentry/").content.decode()
    for text in ("Microsoft", "Amazon", "Oracle", "SAP", "alice", "bob", "High", "Export filtered (CSV)", "Timeline"):
        assert text in page, text


def test_filters_and_full_text_search_narrow_the_list(officer, user, entry_factory):
    entry_factory(user, old="Microsoft", new="Amazon", contradiction_type="CONFLICT")
    entry_factory(user, slot="location", old="Portland", new="Seattle", contradiction_type="TEMPORAL")
    filtered = officer.get("/admin/ledger/contradictionentry/", {"contradiction_type__exact": "TEMPORAL"})
    assert "Seattle" in filtered.content.decode() and "Amazon" not in filtered.content.decode()
    searched = officer.get("/admin/ledger/contradictionentry/", {"q": "amazon"}).content.decode()
    assert "Amazon" in searched and "Seattle" not in searched


def test_detail_page_shows_both_memories_events_provenance_and_hash(officer, user, entry_factory, api):
    entry = entry_factory(user)
    api.post(f"/api/contradictions/{entry.pk}/resolve/", {"action": "keep_new", "note": "confirmed"}, format="json")
    page = officer.get(f"/admin/ledger/contradictionentry/{entry.pk}/change/").content.decode()
    for text in ("Earlier statement", "Later statement", "I work at Microsoft", "I work at Amazon", "Trust now",
                 "Kept the new statement", "confirmed", "detection-worker", entry.row_hash, entry.prev_hash):
        assert text in page, text
    assert 'name="_save"' not in page


def test_admin_offers_no_add_change_or_delete(officer, user, entry_factory):
    entry = entry_factory(user)
    assert officer.get("/admin/ledger/contradictionentry/add/").status_code == 403
    assert officer.get(f"/admin/ledger/contradictionentry/{entry.pk}/delete/").status_code == 403
    response = officer.post(f"/admin/ledger/contradictionentry/{entry.pk}/change/", {"new_value": "Google"})
    assert response.status_code == 403
    assert ContradictionEntry.objects.get(pk=entry.pk).new_value == "Amazon"
    assert officer.get("/admin/ledger/resolutionevent/").status_code == 200
    assert officer.get("/admin/detection/detectionlog/").status_code == 200


def test_export_action_streams_the_selection(officer, user, entry_factory):
    chosen, _ = entry_factory(user), entry_factory(user)
    response = officer.post("/admin/ledger/contradictionentry/", {"action": "export_selected_csv",
                                                                  "_selected_action": [chosen.pk]})
    assert response.status_code == 200 and response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["ledger_id"] for r in rows] == [chosen.pk]


def test_export_button_streams_the_current_filter(officer, user, entry_factory):
    entry_factory(user, contradiction_type="CONFLICT")
    temporal = entry_factory(user, contradiction_type="TEMPORAL")
    response = officer.get("/admin/ledger/contradictionentry/export/json/", {"contradiction_type__exact": "TEMPORAL"})
    import json

    doc = json.loads(b"".join(response.streaming_content))
    assert [e["ledger_id"] for e in doc["entries"]] == [temporal.pk]
    assert doc["meta"]["via"] == "admin" and doc["meta"]["exported_by"] == "officer"


def test_exports_are_refused_without_the_compliance_permission(client, django_user_model, user, entry_factory):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user("viewer", password="pw-viewer-123", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_contradictionentry"))
    entry = entry_factory(staff)
    client.force_login(staff)
    page = client.get("/admin/ledger/contradictionentry/").content.decode()
    assert "Export filtered" not in page and "export_selected_csv" not in page
    assert client.get("/admin/ledger/contradictionentry/export/csv/").status_code == 403
    response = client.post("/admin/ledger/contradictionentry/", {"action": "export_selected_csv",
                                                                 "_selected_action": [entry.pk]})
    assert not getattr(response, "streaming", False)
    entry_factory(user, old="Hidden Corp")
    assert "Hidden Corp" not in client.get("/admin/ledger/contradictionentry/").content.decode()


def test_timeline_page_charts_contradictions_per_day_by_type(officer, user, entry_factory):
    entry_factory(user, contradiction_type="CONFLICT")
    entry_factory(user, contradiction_type="CONFLICT")
    entry_factory(user, contradiction_type="TEMPORAL")
    page = officer.get("/admin/ledger/contradictionentry/timeline/").content.decode()
    assert "<svg" in page and page.count('class="timeline-bar"') == 2
    assert "<strong>3</strong> contradictions" in page
    bad = officer.get("/admin/ledger/contradictionentry/timeline/", {"start": "tomorrow"})
    assert bad.status_code == 200 and "Dates must look like" in bad.content.decode()


def _dated_entries(user, entry_factory, stamps, **fields):
    """Entries at the given ``created_at`` stamps (bypassing the service: only dates matter here)."""
    base = entry_factory(user)
    made = []
    for stamp in stamps:
        number = ContradictionEntry.objects.order_by("-seq").values_list("seq", flat=True).first() + 1
        made.append(ContradictionEntry.objects.create(
            ledger_id=f"led_date{number}", seq=number, owner=user, memory_a=base.memory_a, memory_b=base.memory_b,
            slot=f"s{number}", thread_id="t", created_at=stamp, prev_hash="x", row_hash="y",
            **{"contradiction_type": "CONFLICT", **fields}))
    return made


STAMPS = [dt.datetime(2025, 12, 31, 23, 0, tzinfo=dt.timezone.utc), dt.datetime(2026, 1, 1, 3, tzinfo=dt.timezone.utc),
          dt.datetime(2026, 2, 3, tzinfo=dt.timezone.utc), dt.datetime(2026, 2, 3, 8, tzinfo=dt.timezone.utc),
          dt.datetime(2026, 2, 28, 23, 59, tzinfo=dt.timezone.utc)]


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize("path", ["one read", "probes"])
def test_date_drill_down_matches_a_full_distinct_scan_in_any_time_zone(user, entry_factory, zone, path):
    from zoneinfo import ZoneInfo

    from django.db.models import Max, Min, QuerySet

    from ledger.selectors import EntryDates

    _dated_entries(user, entry_factory, STAMPS)
    _dated_entries(user, entry_factory, [dt.datetime(2026, 3, 9, 12, tzinfo=dt.timezone.utc)],
                   contradiction_type="DENIAL")
    tz = ZoneInfo(zone)
    count = 0 if path == "one read" else EntryDates.SCAN_MAX + 1  # the caller's count decides the path
    for qs in (ContradictionEntry.objects.all(), ContradictionEntry.objects.filter(contradiction_type="CONFLICT"),
               ContradictionEntry.objects.filter(created_at__year=2026, created_at__month=2)):
        dates = EntryDates(entries=qs, count=count, tzinfo=tz)
        assert dates.is_small is (path == "one read")
        for kind in ("year", "month", "day"):
            assert dates.buckets(kind) == list(QuerySet.datetimes(qs, "created_at", kind, tzinfo=tz)), (kind, qs.query)
        first, last = dates.date_range()
        exact = qs.aggregate(first=Min("created_at"), last=Max("created_at"))
        for got, want in ((first, exact["first"]), (last, exact["last"])):
            want = want.astimezone(tz)
            assert (got.year, got.month, got.day) == (want.year, want.month, want.day)


def test_date_drill_down_of_an_empty_selection_has_no_dates(user, entry_factory):
    from ledger.selectors import EntryDates

    entry_factory(user)
    for count in (None, EntryDates.SCAN_MAX + 1):
        dates = EntryDates(entries=ContradictionEntry.objects.filter(slot="nothing-here"), count=count)
        assert dates.date_range() == (None, None) and dates.buckets("month") == []
    with pytest.raises(ValueError):
        EntryDates(entries=ContradictionEntry.objects.all()).buckets("week")


def test_admin_date_drill_down_links_years_then_months_then_days(officer, user, entry_factory):
    _dated_entries(user, entry_factory, STAMPS)
    url = "/admin/ledger/contradictionentry/"
    years = officer.get(url).content.decode()
    assert "?created_at__year=2025" in years and "?created_at__year=2026" in years
    months = officer.get(url, {"created_at__year": 2026}).content.decode()
    assert "created_at__month=1" in months and "created_at__month=2" in months and "All dates" in months
    days = officer.get(url, {"created_at__year": 2026, "created_at__month": 2}).content.decode()
    assert "created_at__day=3" in days and "created_at__day=28" in days and "created_at__day=4" not in days
    assert "February 3" in days
    one_day = officer.get(url, {"q": "s4"}).content.decode()  # one match (2026-02-03): starts at its days
    assert "created_at__day=3" in one_day and "created_at__year=2025" not in one_day
    bad = officer.get(url, {"created_at__year": "abc"})
    assert bad.status_code == 302 and "e=1" in bad["Location"]


def test_list_reads_only_its_columns_with_a_fixed_number_of_queries(officer, user, other_user, entry_factory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = "/admin/ledger/contradictionentry/"
    entry_factory(user)
    with CaptureQueriesContext(connection) as few:
        officer.get(url)
    for n in range(6):
        entry_factory(other_user if n % 2 else user, old=f"Old{n}", new=f"New{n}")
    with CaptureQueriesContext(connection) as many:
        page = officer.get(url).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)  # no query per row
    listing = [q["sql"] for q in many.captured_queries if "ORDER BY" in q["sql"] and "ledger_contradictionentry" in q["sql"]]
    assert listing and not any("memory_memory" in sql or '"old_text"' in sql or "search_document" in sql
                               for sql in listing)
    newest = ContradictionEntry.objects.order_by("-seq").first()
    assert f'name="_selected_action" value="{newest.pk}" class="action-select"' in page
    assert 'id="action-toggle"' in page and "Old5" in page and "New5" in page and "bob" in page


def test_list_offers_no_facet_counts(officer, user, entry_factory):
    entry_factory(user)
    page = officer.get("/admin/ledger/contradictionentry/", {"_facets": "True"}).content.decode()
    assert "Show counts" not in page and "Hide counts" not in page


def test_every_list_filter_has_an_index_led_by_its_column_then_created_at():
    from django.db import connection

    from ledger.admin import ContradictionEntryAdmin

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, ContradictionEntry._meta.db_table)
    indexed = {tuple(c["columns"][:2]) for c in constraints.values() if c["index"]}
    filters = [f if isinstance(f, str) else f.parameter_name for f in ContradictionEntryAdmin.list_filter]
    assert filters == ["status", "contradiction_type", "severity", "slot"]
    for column in filters:
        assert (column, "created_at") in indexed, column


def test_list_counts_stop_at_the_cap(officer, user, entry_factory, monkeypatch):
    from ledger.admin import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "CAP", 2)
    for _ in range(3):
        entry_factory(user)
    page = officer.get("/admin/ledger/contradictionentry/").content.decode()
    assert "more than 2 contradictions" in page
