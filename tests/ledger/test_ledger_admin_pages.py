"""The admin dashboard through Django's test client: the compliance officer's list, filters,
search, detail page, exports (selection and filter) and the timeline; read-only for everyone."""

import csv
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


def test_date_drill_down_probes_match_a_full_distinct_scan(user, entry_factory, monkeypatch):
    import datetime as dt

    from django.db.models import QuerySet

    base = entry_factory(user)
    stamps = [dt.datetime(2025, 12, 31, 23, 0, tzinfo=dt.timezone.utc), dt.datetime(2026, 2, 3, tzinfo=dt.timezone.utc),
              dt.datetime(2026, 2, 3, 8, tzinfo=dt.timezone.utc), dt.datetime(2026, 2, 28, tzinfo=dt.timezone.utc)]
    for number, stamp in enumerate(stamps, start=2):  # bypassing the service: only dates matter here
        ContradictionEntry.objects.create(
            ledger_id=f"led_date{number}", seq=number, owner=user, contradiction_type="CONFLICT", memory_a=base.memory_a,
            memory_b=base.memory_b, slot=f"s{number}", thread_id="t", created_at=stamp, prev_hash="x", row_hash="y")
    monkeypatch.setattr(type(ContradictionEntry.objects.all()), "PROBE_ABOVE", 1)  # probe even for 5 rows
    qs = ContradictionEntry.objects.all()
    for kind in ("year", "month", "day"):
        assert qs.datetimes("created_at", kind) == list(QuerySet.datetimes(qs, "created_at", kind)), kind
    february = qs.filter(created_at__year=2026, created_at__month=2)
    assert [d.day for d in february.datetimes("created_at", "day")] == [3, 28]


def test_list_counts_stop_at_the_cap(officer, user, entry_factory, monkeypatch):
    from ledger.admin import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "CAP", 2)
    for _ in range(3):
        entry_factory(user)
    page = officer.get("/admin/ledger/contradictionentry/").content.decode()
    assert "more than 2 contradictions" in page
