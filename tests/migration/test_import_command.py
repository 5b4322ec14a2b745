"""``manage.py import_crt_sqlite`` on the real PostgreSQL + pgvector, with v0.9 files written by
our fixture builder: counts, checksums, rejects, re-embedding, idempotency, the verification
catching tampering, bad input, owners, dry runs, and the source files left untouched."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from detection.engine import extract_facts, is_question
from ledger.models import ContradictionEntry, ResolutionEvent
from ledger.verification import verify_chains
from memory.models import (
    BeliefSpeechEntry,
    Fact,
    ImportedMemory,
    ImportReject,
    ImportRun,
    Memory,
    TrustLogEntry,
)

from .conftest import read_rejects, run_import

pytestmark = pytest.mark.django_db


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def table_counts() -> dict[str, int]:
    return {"memories": Memory.objects.count(), "facts": Fact.objects.count(),
            "trust_log": TrustLogEntry.objects.count(), "belief_speech": BeliefSpeechEntry.objects.count(),
            "entries": ContradictionEntry.objects.count(), "events": ResolutionEvent.objects.count(),
            "runs": ImportRun.objects.count()}


def test_import_stores_every_importable_row_rejects_the_rest_and_verifies(v09, user, tmp_path):
    rejects = tmp_path / "rejects.jsonl"
    out = run_import(v09, rejects=rejects)
    expected = v09.expected

    assert "Verification passed" in out
    assert read_rejects(rejects) == expected.rejects
    assert f"{len(expected.rejects)} rows could not be imported" in out
    assert Memory.objects.filter(owner=user).count() == expected.importable("memories")
    assert TrustLogEntry.objects.filter(owner=user).count() == expected.importable("trust_log")
    assert BeliefSpeechEntry.objects.filter(owner=user).count() == expected.importable("belief_speech")
    assert ContradictionEntry.objects.filter(owner=user).count() == expected.importable("contradictions")
    run = ImportRun.objects.get()
    assert run.status == "completed" and run.verification["ok"]
    for table in ("memories", "trust_log", "contradictions", "reflection_queue"):
        row = next(t for t in run.verification["tables"] if t["table"] == table)
        assert row["source_rows"] == expected.rows[table]
        assert row["imported"] == expected.importable(table)
        assert row["source_checksum"] == row["target_checksum"]
    assert ImportReject.objects.filter(run=run).count() == len(expected.rejects)
    assert verify_chains().ok


def test_bad_vectors_are_re_embedded_and_counted(v09, user):
    out = run_import(v09)
    statuses = dict(ImportedMemory.objects.filter(memory_id__in=list(v09.expected.reembedded))
                    .values_list("memory_id", "vector_status"))
    assert statuses == v09.expected.reembedded
    assert f"re-embedded from their text: {len(v09.expected.reembedded)}" in out
    assert not Memory.objects.filter(embedding__isnull=True).exists()
    lisbon = Memory.objects.get(memory_id="mem_awk_vector_truncated")
    assert abs(float(np.linalg.norm(lisbon.embedding)) - 1.0) < 1e-3
    kept = json.loads(ImportedMemory.objects.get(memory_id="mem_awk_vector_truncated").v09_row)
    assert kept["vector_json"] == "[0.1, 0.2,"


def test_imported_memories_keep_v09_values_vectors_provenance_and_get_facts(v09, user):
    run_import(v09)
    source = sqlite3.connect(v09.memory_db)
    memory_id, vector_json, text, timestamp, trust, thread = source.execute(
        "SELECT memory_id, vector_json, text, timestamp, trust, thread_id FROM memories "
        "WHERE text LIKE 'I work at %' AND memory_id LIKE 'mem_17%' ORDER BY memory_id LIMIT 1").fetchone()
    memory = Memory.objects.get(pk=memory_id)
    assert (memory.text, memory.timestamp, memory.trust, memory.thread_id) == (text, timestamp, trust, thread)
    assert memory.source == "import" and memory.created_at.timestamp() == pytest.approx(timestamp, abs=1e-6)
    assert np.array_equal(np.asarray(memory.embedding, dtype=np.float32),
                          np.asarray(json.loads(vector_json), dtype=np.float32))
    facts = sorted((f.slot, f.value) for f in memory.facts.all())
    assert facts and facts == sorted((f.slot, f.value) for f in extract_facts(text))
    question = Memory.objects.filter(owner=user, text="Where do I work?").first()
    assert question is not None and question.is_question and not question.facts.exists() and is_question(question.text)
    provenance = ImportedMemory.objects.select_related("run").get(memory_id=memory_id)
    assert provenance.run.memory_db_sha256 == sha256(v09.memory_db)
    assert json.loads(provenance.v09_row)["source"] == "user"
    assert Memory.objects.get(pk="mem_awk_no_thread").thread_id == "default"
    unicode = Memory.objects.get(pk="mem_awk_unicode").text
    assert unicode.startswith("Je m'appelle Zoë 👩‍💻 — 我住在北京, שלום.") and len(unicode) > 19000
    assert json.loads(ImportedMemory.objects.get(memory_id="mem_awk_bad_context").v09_row)["context_json"] == \
        "{not json"


def test_imported_ledger_keeps_ids_times_statuses_and_records_its_provenance(v09, user):
    run_import(v09)
    source = sqlite3.connect(v09.ledger_db)
    source.row_factory = sqlite3.Row
    resolved = source.execute("SELECT * FROM contradictions WHERE status = 'resolved' AND resolution_method = "
                              "'deprecate_old' ORDER BY ledger_id LIMIT 1").fetchone()
    entry = ContradictionEntry.objects.get(pk=resolved["ledger_id"])
    assert entry.timestamp == resolved["timestamp"] and entry.status == "resolved"
    assert entry.created_at.timestamp() == pytest.approx(resolved["timestamp"], abs=1e-6)
    assert (entry.memory_a_id, entry.memory_b_id) == (resolved["old_memory_id"], resolved["new_memory_id"])
    assert entry.recorded_by == "import-v0.9" and entry.request_id == ImportRun.objects.get().run_id
    assert entry.evidence["imported_from"]["sha256"] == sha256(v09.ledger_db)
    assert entry.evidence["v09"]["contradictions"]["status"] == "resolved"
    last = entry.events.order_by("-seq").first()
    assert (last.action, last.to_status, last.method, last.via) == ("keep_new", "resolved", "deprecate_old", "import")
    assert last.timestamp == resolved["resolution_timestamp"] and last.trust_changes == {}
    accepted = source.execute("SELECT ledger_id FROM contradictions WHERE status = 'accepted' LIMIT 1").fetchone()
    assert ContradictionEntry.objects.get(pk=accepted[0]).events.last().action == "keep_both"
    asked = source.execute("SELECT w.ledger_id, w.ask_count, c.status FROM contradiction_worklog w JOIN contradictions "
                           "c USING (ledger_id) WHERE c.status IN ('open', 'reflecting') AND w.ask_count >= 1 "
                           "ORDER BY w.ask_count DESC LIMIT 1").fetchone()
    entry = ContradictionEntry.objects.get(pk=asked[0])
    assert entry.status == "asked" and entry.events.filter(action="asked").count() == asked[1]
    untyped = ContradictionEntry.objects.get(pk="contra_awk_null_type")
    assert untyped.contradiction_type == "CONFLICT" and untyped.drift_mean is None
    assert untyped.slot == "location" and (untyped.old_value, untyped.new_value) == ("Lisbon", "Porto")


def test_running_the_import_twice_imports_nothing_the_second_time(clean_v09, user):
    run_import(clean_v09)
    before = table_counts()
    out = run_import(clean_v09)
    after = table_counts()
    assert after == {**before, "runs": before["runs"] + 1}
    assert "Verification passed" in out
    memories = next(line for line in out.splitlines() if line.startswith("memories "))
    assert memories.split()[1:5] == [str(clean_v09.expected.rows["memories"]), "0",
                                     str(clean_v09.expected.rows["memories"]), "0"]
    assert verify_chains().ok


def test_source_files_are_not_changed(v09, user):
    before = {path: sha256(path) for path in (v09.memory_db, v09.ledger_db)}
    mtimes = {path: path.stat().st_mtime_ns for path in before}
    run_import(v09)
    run_import(v09, "--dry-run")
    run_import(v09, "--verify-only")
    assert {path: sha256(path) for path in before} == before
    assert {path: path.stat().st_mtime_ns for path in before} == mtimes


def test_v09_can_resume_on_its_files_after_an_import_and_a_later_import_adds_only_new_rows(clean_v09, user):
    run_import(clean_v09)
    before = table_counts()
    memories = sqlite3.connect(clean_v09.memory_db)  # rollback: v0.9 starts again on its files
    assert memories.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    old_id, old_text = memories.execute("SELECT memory_id, text FROM memories WHERE text LIKE 'I work at %' "
                                        "ORDER BY memory_id LIMIT 1").fetchone()
    vector = np.random.default_rng(1).standard_normal(384).astype(np.float32)
    memories.execute("INSERT INTO memories (memory_id, vector_json, text, timestamp, confidence, trust, source, "
                     "sse_mode, thread_id) VALUES ('mem_after_rollback', ?, 'I work at Initech now.', 1760000000.0, "
                     "0.9, 0.8, 'user', 'L', 'default')",
                     [json.dumps((vector / np.linalg.norm(vector)).tolist())])
    memories.commit()
    ledger = sqlite3.connect(clean_v09.ledger_db)
    assert ledger.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ledger.execute("INSERT INTO contradictions (ledger_id, timestamp, old_memory_id, new_memory_id, drift_mean, "
                   "status, contradiction_type, affects_slots, summary) VALUES ('contra_after_rollback', "
                   "1760000000.5, ?, 'mem_after_rollback', 0.5, 'open', 'temporal', 'employer', 'Initech')", [old_id])
    ledger.commit()
    memories.close()
    ledger.close()

    out = run_import(clean_v09)
    assert "Verification passed" in out
    assert table_counts()["memories"] == before["memories"] + 1
    assert table_counts()["entries"] == before["entries"] + 1
    entry = ContradictionEntry.objects.get(pk="contra_after_rollback")
    assert (entry.old_text, entry.new_value, entry.contradiction_type) == (old_text, "Initech", "TEMPORAL")


def test_verify_only_catches_changed_and_missing_rows(clean_v09, user):
    run_import(clean_v09)
    assert "Verification passed" in run_import(clean_v09, "--verify-only")
    changed = Memory.objects.order_by("memory_id").first()
    Memory.objects.filter(pk=changed.pk).update(text=changed.text + " (edited)")
    TrustLogEntry.objects.order_by("id").first().delete()
    with pytest.raises(CommandError, match="Verification failed for memories, trust_log"):
        run_import(clean_v09, "--verify-only")


def test_verify_only_shows_the_table_with_differing_ids(clean_v09, user, capsys):
    run_import(clean_v09)
    changed = Memory.objects.order_by("memory_id").first()
    Memory.objects.filter(pk=changed.pk).update(trust=0.01)
    import io

    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_crt_sqlite", "--memory-db", str(clean_v09.memory_db), "--ledger-db",
                     str(clean_v09.ledger_db), "--thread-owner", "alice", "--verify-only", "--no-progress", stdout=out)
    table = out.getvalue()
    line = next(line for line in table.splitlines() if line.startswith("memories "))
    assert line.split()[5] == "1" and line.endswith("MISMATCH")
    assert f"differs:{changed.pk}" in table


@pytest.mark.parametrize("breakage, message", [
    ("not_sqlite", "not an SQLite database"), ("swapped", "no table memories"), ("missing", "does not exist"),
    ("locked", "locked by another process"),
])
def test_bad_source_files_fail_clearly_and_write_nothing(clean_v09, user, tmp_path, breakage, message):
    memory_db = clean_v09.memory_db
    files = type(clean_v09)(memory_db, clean_v09.ledger_db, clean_v09.expected)
    locker = None
    if breakage == "not_sqlite":
        fake = tmp_path / "crt_memory.txt"
        fake.write_text("memory_id,text\nmem_1,I work at Microsoft\n")
        files.memory_db = fake
    elif breakage == "swapped":
        files.memory_db, files.ledger_db = clean_v09.ledger_db, clean_v09.memory_db
    elif breakage == "missing":
        files.memory_db = tmp_path / "gone.db"
    else:
        locker = sqlite3.connect(memory_db, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
    before = table_counts()
    try:
        with pytest.raises(CommandError, match=message):
            run_import(files, "--lock-timeout", "0.3")
    finally:
        if locker:
            locker.execute("ROLLBACK")
            locker.close()
    assert table_counts() == before


def test_the_owner_must_be_named_and_exist_unless_created(clean_v09, django_user_model):
    with pytest.raises(CommandError, match="--thread-owner is required"):
        run_import(clean_v09, owner=None)
    with pytest.raises(CommandError, match="No CRT user 'carol'.*--create-owner"):
        run_import(clean_v09, owner="carol")
    assert not Memory.objects.exists()
    out = run_import(clean_v09, "--create-owner", owner="carol")
    carol = django_user_model.objects.get(username="carol")
    assert not carol.has_usable_password() and "Created the owner account" in out
    assert Memory.objects.filter(owner=carol).count() == clean_v09.expected.rows["memories"]


def test_memories_of_another_user_with_the_same_ids_are_not_taken_over(clean_v09, user, other_user, tmp_path):
    run_import(clean_v09, owner="bob")
    rejects = tmp_path / "alice.jsonl"
    out = run_import(clean_v09, owner="alice", rejects=rejects)
    found = read_rejects(rejects)
    assert {code for (table, _), code in found.items() if table == "memories"} == {"id_conflict"}
    assert {code for (table, _), code in found.items() if table in ("trust_log", "contradictions")} == {"other_owner"}
    assert sum(1 for table, _ in found if table == "memories") == clean_v09.expected.rows["memories"]
    assert "could not be imported" in out and "Verification passed" in out
    assert not Memory.objects.filter(owner=user).exists()
    assert Memory.objects.filter(owner=other_user).count() == clean_v09.expected.rows["memories"]


def test_dry_run_checks_everything_and_writes_nothing(v09, user, tmp_path):
    rejects = tmp_path / "dry.jsonl"
    before = table_counts()
    out = run_import(v09, "--dry-run", rejects=rejects)
    assert table_counts() == before
    assert "Dry run (nothing written to CRT)" in out and "would be re-embedded" in out
    assert read_rejects(rejects) == v09.expected.rejects
