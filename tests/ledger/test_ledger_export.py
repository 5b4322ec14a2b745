"""Compliance exports on the real database: streamed CSV/JSON with provenance and hashes that the
documented offline script (docs/verify_export.py) verifies — and rejects once a file is edited."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ledger import services
from ledger.export import ENTRY_COLUMNS
from ledger.provenance import system_actor

pytestmark = pytest.mark.django_db
VERIFY = Path(__file__).resolve().parents[2] / "docs" / "verify_export.py"


def download(api, **params):
    response = api.get("/api/contradictions/export", params)
    assert response.status_code == 200, getattr(response, "content", b"")[:500]
    assert response.streaming, "exports must stream"
    return response, b"".join(response.streaming_content).decode("utf-8")


def verify(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, str(VERIFY), str(path)], capture_output=True, text=True)


def test_csv_export_has_every_entry_with_provenance_and_hashes(api, user, entry_factory):
    entries = [entry_factory(user, old="=SUM(A1)", new="Amazon"), entry_factory(user)]
    response, text = download(api, format="csv")

    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="crt-ledger-entries-')
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == ENTRY_COLUMNS
    assert [r["ledger_id"] for r in rows] == [e.pk for e in entries]  # chain (seq) order
    assert rows[0]["old_value"] == "'=SUM(A1)"  # spreadsheet-safe, reversible
    assert rows[0]["row_hash"] == entries[0].row_hash and rows[0]["owner_username"] == "alice"
    assert rows[0]["recorded_by"] == "detection-worker" and rows[0]["detector_version"] == "rules-test"
    assert json.loads(rows[0]["evidence"])["rule"] == "slot_conflict"


def test_full_exports_verify_offline_with_the_documented_script(api, user, entry_factory, tmp_path):
    entries = [entry_factory(user) for _ in range(3)]
    services.resolve_entry(owner=user, ledger_id=entries[1].pk, action="keep_new", actor=system_actor(name="t"),
                           note="naïve “quotes”, commas, and\nnew lines")
    services.undo_resolution(owner=user, ledger_id=entries[1].pk, actor=system_actor(name="t"))

    _, csv_text = download(api, format="csv")
    _, events_text = download(api, format="csv", records="events")
    _, json_text = download(api, format="json")

    for name, text in (("e.csv", csv_text), ("ev.csv", events_text), ("all.json", json_text)):
        result = verify(tmp_path, name, text)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "complete chain" in result.stdout
    doc = json.loads(json_text)
    assert doc["meta"]["format"] == "crt-ledger-export/1"
    assert doc["meta"]["chain_heads"]["entries"]["row_hash"] == entries[-1].row_hash
    assert [e["action"] for e in doc["events"]] == ["keep_new", "undo"]


def test_an_edited_export_fails_offline_verification(api, user, entry_factory, tmp_path):
    entry_factory(user)
    entry_factory(user, old="Oracle", new="SAP")
    _, csv_text = download(api, format="csv")
    _, json_text = download(api, format="json")

    assert verify(tmp_path, "e.csv", csv_text.replace("SAP", "IBM")).returncode == 1
    doc = json.loads(json_text)
    doc["entries"][0]["confidence"] = 0.1
    result = verify(tmp_path, "all.json", json.dumps(doc))
    assert result.returncode == 1 and "seq 1" in result.stdout


def test_export_applies_the_list_filters_and_reports_the_gaps(api, user, entry_factory, tmp_path):
    entry_factory(user, thread_id="a")
    kept = entry_factory(user, thread_id="b")
    entry_factory(user, thread_id="a")
    _, text = download(api, format="csv", thread_id="b")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["ledger_id"] for r in rows] == [kept.pk]
    result = verify(tmp_path, "filtered.csv", text)
    assert result.returncode == 0 and "gap" in result.stdout


def test_bad_export_parameters_answer_400_naming_the_field(api, user):
    for params, field in (({"format": "xml"}, "format"), ({"records": "memories"}, "records"),
                          ({"status": "nope"}, "status")):
        response = api.get("/api/contradictions/export", params)
        assert response.status_code == 400 and field in response.json()["errors"], params


def _cursor_tuple_fraction():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        return cursor.fetchone()[0]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_cursor_is_planned_for_every_row_and_the_setting_is_restored(user, entry_factory, fmt, monkeypatch):
    from ledger import export
    from ledger.models import ContradictionEntry

    entries = [entry_factory(user) for _ in range(3)]
    monkeypatch.setattr(export, "CHUNK_ROWS", 1)  # a chunk per row: the cursor is still open after the first
    assert _cursor_tuple_fraction() == "0.1"
    stream = (export.stream_csv(ContradictionEntry.objects.all()) if fmt == "csv"
              else export.stream_json(ContradictionEntry.objects.all(), meta={}))
    seen = []
    for chunk in stream:
        seen.append(chunk)
        if entries[0].pk in chunk:  # the rows' cursor is open now
            assert _cursor_tuple_fraction() == "1"
            break
    stream.close()  # the client went away mid-stream
    assert _cursor_tuple_fraction() == "0.1"
    assert entries[0].pk in "".join(seen) and entries[2].pk not in "".join(seen)


def test_json_export_writes_one_entry_per_line(api, user, entry_factory):
    entries = [entry_factory(user) for _ in range(3)]
    _, text = download(api, format="json")
    lines = text.splitlines()
    start = lines.index('"entries": [')
    rows = [json.loads(line.lstrip(",")) for line in lines[start + 1:start + 4]]
    assert [r["ledger_id"] for r in rows] == [e.pk for e in entries] and lines[start + 4] == '],'
    assert rows[0]["created_at"].endswith("Z") and isinstance(rows[0]["evidence"], dict)
