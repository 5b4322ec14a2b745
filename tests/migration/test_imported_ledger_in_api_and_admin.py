"""Imported v0.9 contradictions behave like native ones: the ledger API (new and v0.9 paths), the
chat metadata, resolving and undoing through the API, the compliance admin, and the hash chains."""

from __future__ import annotations

import sqlite3

import pytest
from django.core.management import call_command

from ledger.models import ContradictionEntry
from ledger.verification import verify_chains
from memory.models import Memory

from .conftest import run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(v09, user):
    run_import(v09)
    return v09


def _v09_row(files, ledger_id):
    conn = sqlite3.connect(files.ledger_db)
    conn.row_factory = sqlite3.Row
    return conn.execute("SELECT * FROM contradictions WHERE ledger_id = ?", [ledger_id]).fetchone()


def test_imported_entries_are_listed_and_detailed_by_the_ledger_api(api, imported):
    entry = ContradictionEntry.objects.filter(status="resolved").order_by("seq").first()
    listed = api.get("/api/contradictions/", {"status": "resolved", "limit": 200}).json()["results"]
    item = next(i for i in listed if i["ledger_id"] == entry.pk)
    source = _v09_row(imported, entry.pk)
    assert item["timestamp"] == source["timestamp"] and item["summary"] == source["summary"]
    assert item["old_memory_id"] == source["old_memory_id"] and item["new_memory_id"] == source["new_memory_id"]
    assert item["old_text"] == Memory.objects.get(pk=source["old_memory_id"]).text
    assert item["slot"] and item["old_value"] and item["new_value"] and item["rule"] == "v0.9"
    assert item["detector_version"] == "crt-v0.9" and item["row_hash"] == entry.row_hash
    detail = api.get(f"/api/contradictions/{entry.pk}/").json()
    events = detail["events"]
    assert events and events[-1]["to_status"] == "resolved" and {e["via"] for e in events} == {"import"}
    assert events[-1]["actor_name"] == "CRT v0.9 (imported)"


def test_v09_paths_serve_imported_entries_with_their_worklog(api, imported):
    conn = sqlite3.connect(imported.ledger_db)
    ledger_id, asks, first_asked, last_asked = conn.execute(
        "SELECT w.ledger_id, w.ask_count, w.first_asked_at, w.last_asked_at FROM contradiction_worklog w "
        "JOIN contradictions c USING (ledger_id) WHERE c.status IN ('open', 'reflecting') AND w.ask_count >= 1 "
        "ORDER BY w.ask_count DESC LIMIT 1").fetchone()
    entry = ContradictionEntry.objects.get(pk=ledger_id)
    assert entry.status == "asked" and entry.events.filter(action="asked").count() == asks
    body = api.get("/api/contradictions", {"thread_id": entry.thread_id, "limit": 500}).json()
    assert ledger_id in [i["ledger_id"] for i in body["contradictions"]]
    open_items = api.get("/api/ledger/open", {"thread_id": entry.thread_id}).json()["contradictions"]
    assert ledger_id in [i["ledger_id"] for i in open_items]
    item = api.get("/api/contradictions/next", {"thread_id": entry.thread_id}).json()["item"]
    worklog = conn.execute("SELECT ask_count, last_asked_at FROM contradiction_worklog WHERE ledger_id = ?",
                           [item["ledger_id"]]).fetchone() or (0, None)
    assert (item["ask_count"], item["last_asked_at"]) == tuple(worklog)
    assert api.get(f"/api/contradictions/{ledger_id}/").json()["events"][0]["timestamp"] == first_asked


def test_chat_metadata_counts_imported_unresolved_contradictions(api, imported):
    entry = ContradictionEntry.objects.filter(status__in=["open", "asked"]).exclude(
        contradiction_type="REFINEMENT").order_by("seq").first()
    expected = ContradictionEntry.objects.filter(thread_id=entry.thread_id, status__in=["open", "asked"]).exclude(
        contradiction_type="REFINEMENT").count()
    response = api.post("/api/chat/send", {"thread_id": entry.thread_id, "message": "It is sunny today."},
                        format="json")
    assert response.status_code == 200
    assert response.json()["metadata"]["unresolved_contradictions_total"] == expected


def test_an_imported_open_entry_can_be_resolved_and_undone_through_the_api(api, imported):
    entry = ContradictionEntry.objects.filter(status__in=["open", "asked"]).order_by("seq").first()
    new_trust = Memory.objects.get(pk=entry.memory_b_id).trust
    response = api.post(f"/api/contradictions/{entry.pk}/resolve/", {"action": "keep_new", "note": "after import"},
                        format="json")
    assert response.status_code == 200, response.content
    assert ContradictionEntry.objects.get(pk=entry.pk).status == "resolved"
    assert Memory.objects.get(pk=entry.memory_b_id).trust > new_trust or new_trust == 1.0
    assert api.post(f"/api/contradictions/{entry.pk}/undo/", {}, format="json").status_code == 200
    assert ContradictionEntry.objects.get(pk=entry.pk).status == entry.status
    assert verify_chains().ok


def test_compliance_admin_lists_filters_and_details_imported_entries(officer, imported):
    entry = ContradictionEntry.objects.filter(events__action="keep_new").exclude(new_value="").order_by("seq").first()
    page = officer.get("/admin/ledger/contradictionentry/").content.decode()
    assert entry.pk in page or entry.new_value in page
    filtered = officer.get("/admin/ledger/contradictionentry/", {"status__exact": "resolved"}).content.decode()
    assert entry.new_value in filtered and "alice" in filtered
    searched = officer.get("/admin/ledger/contradictionentry/", {"q": entry.new_value.split()[0]}).content.decode()
    assert entry.new_value in searched
    detail = officer.get(f"/admin/ledger/contradictionentry/{entry.pk}/change/").content.decode()
    for text in ("Earlier statement", "Later statement", entry.old_text[:30], entry.new_text[:30], "import-v0.9",
                 "CRT v0.9 (imported)", "Kept the new statement", entry.row_hash, entry.prev_hash):
        assert text in detail, text


def test_verify_ledger_accepts_the_imported_chains(imported, capsys):
    call_command("verify_ledger", "--no-progress")
    assert "OK: both hash chains and all statuses verify." in capsys.readouterr().out
