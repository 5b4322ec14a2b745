"""The v0.9 import's pure rules, without servers: vector checks, row mapping and rejects, the
events derived from v0.9's worklog and resolutions, canonical checksums, and how source files
are opened (read-only, with a clear error for anything that is not a v0.9 database)."""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest

from memory.v09import import mapping
from memory.v09import.canonical import TableChecksum, canonical_json, row_digest
from memory.v09import.errors import SourceError
from memory.v09import.source import InvalidText, SourceFile

from .v09_fixtures import build_v09


def unit_vector(seed=0, dim=384, scale=1.0):
    v = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
    return (v / np.linalg.norm(v) * scale).astype(np.float32)


def memory_row(**overrides):
    row = {"__rowid__": 1, "memory_id": "mem_1", "vector_json": json.dumps(unit_vector().tolist()),
           "text": "I work at Microsoft.", "timestamp": 1750000000.5, "confidence": 0.9, "trust": 0.8,
           "source": "user", "sse_mode": "L", "context_json": '{"turn": 1}', "tags_json": "[]", "thread_id": "work",
           "deprecated": 0, "deprecation_reason": None}
    row.update(overrides)
    return row


def contradiction_row(**overrides):
    row = {"__rowid__": 1, "ledger_id": "contra_1", "timestamp": 1750000100.0, "old_memory_id": "mem_1",
           "new_memory_id": "mem_2", "drift_mean": 0.4, "drift_reason": None, "confidence_delta": 0.1,
           "status": "open", "contradiction_type": "conflict", "affects_slots": "employer", "query": "I work at Amazon.",
           "summary": "Conflict: Microsoft → Amazon", "resolution_timestamp": None, "resolution_method": None,
           "merged_memory_id": None, "metadata": None}
    row.update(overrides)
    return row


# ---------------------------------------------------------------------------------------------- vectors
def test_a_unit_float32_vector_is_kept_exactly():
    vector = unit_vector()
    parsed = mapping.parse_vector(json.dumps(vector.tolist()))
    assert parsed.status == "ok" and not parsed.rounded
    assert parsed.vector.dtype == np.float32 and np.array_equal(parsed.vector, vector)


@pytest.mark.parametrize("raw, status", [
    (None, "missing"), ("", "missing"), ("  ", "missing"), ("[]", "missing"), ("null", "missing"),
    ("[0.1, 0.2,", "malformed"), ('{"values": [0.1]}', "malformed"), (json.dumps(["0.1"] * 384), "malformed"),
    (json.dumps([True] * 384), "malformed"), (b"\x00\x01", "malformed"), (json.dumps([[0.1]] * 384), "malformed"),
    (json.dumps(unit_vector(dim=128).tolist()), "wrong_dimension"),
    ("[NaN" + ", 0.05" * 383 + "]", "non_finite"), ("[Infinity" + ", 0.05" * 383 + "]", "non_finite"),
    (json.dumps(unit_vector(scale=3.0).tolist()), "not_unit_norm"), (json.dumps([0.0] * 384), "not_unit_norm"),
])
def test_vectors_that_must_be_re_embedded_are_classified(raw, status):
    parsed = mapping.parse_vector(raw)
    assert parsed.status == status and parsed.vector is None


def test_float64_values_that_float32_cannot_hold_are_counted_as_rounded():
    values = unit_vector().astype(np.float64)
    values[0] += 1e-12
    parsed = mapping.parse_vector(json.dumps(values.tolist()))
    assert parsed.status == "ok" and parsed.rounded


# ---------------------------------------------------------------------------------------------- memories
def test_a_memory_keeps_its_ids_values_and_every_other_v09_column():
    record = mapping.map_memory(memory_row(thread_id=None, sse_mode="much-too-long-mode", extra_column=42))
    assert isinstance(record, mapping.MemoryRecord)
    assert (record.memory_id, record.timestamp, record.trust, record.confidence) == ("mem_1", 1750000000.5, 0.8, 0.9)
    assert record.thread_id == "default" and record.sse_mode == ""
    assert record.v09_row == {"source": "user", "sse_mode": "much-too-long-mode", "context_json": '{"turn": 1}',
                              "tags_json": "[]", "thread_id": None, "deprecated": 0, "deprecation_reason": None,
                              "extra_column": 42}


def test_a_re_embedded_memory_keeps_its_original_vector_json():
    record = mapping.map_memory(memory_row(vector_json="[1, 2"))
    assert record.vector is None and record.vector_status == "malformed"
    assert record.v09_row["vector_json"] == "[1, 2"


@pytest.mark.parametrize("overrides, code", [
    ({"memory_id": None}, "null_required"), ({"text": None}, "null_required"), ({"timestamp": None}, "null_required"),
    ({"trust": None}, "null_required"), ({"confidence": None}, "null_required"),
    ({"trust": 1.2}, "out_of_range"), ({"confidence": -0.1}, "out_of_range"),
    ({"timestamp": "yesterday"}, "not_a_number"), ({"timestamp": 1.75e12}, "out_of_range"),
    ({"timestamp": float("inf")}, "out_of_range"), ({"text": "I work at\x00 Hooli"}, "nul_character"),
    ({"text": InvalidText(b"\xff\xfe")}, "invalid_utf8"), ({"memory_id": "m" * 65}, "too_long"),
    ({"thread_id": "t" * 65}, "too_long"), ({"text": b"blob"}, "wrong_type"), ({"memory_id": "  "}, "null_required"),
])
def test_memories_crt_cannot_store_are_rejected_with_a_reason(overrides, code):
    reject = mapping.map_memory(memory_row(**overrides))
    assert isinstance(reject, mapping.Reject) and reject.code == code
    assert reject.detail


def test_canonical_memory_content_is_the_same_from_both_sides():
    record = mapping.map_memory(memory_row())
    source = mapping.memory_canonical(record)
    target = mapping.memory_canonical_target(
        memory_id="mem_1", text="I work at Microsoft.", timestamp=1750000000.5, confidence=0.9, trust=0.8,
        embedding=record.vector.copy(), vector_status="ok", v09_row=canonical_json(record.v09_row))
    assert row_digest(source) == row_digest(target)
    changed = dict(target, trust=0.79)
    assert row_digest(source) != row_digest(changed)


# ---------------------------------------------------------------------------------------------- the ledger
@pytest.mark.parametrize("status, crt", [("open", "open"), ("reflecting", "open"), ("resolved", "resolved"),
                                         ("accepted", "resolved"), ("dismissed", "dismissed"), ("OPEN", "open")])
def test_v09_statuses_map_to_crt_statuses(status, crt):
    record = mapping.map_contradiction(contradiction_row(status=status))
    assert record.crt_status == crt


@pytest.mark.parametrize("overrides, code", [
    ({"status": "pending-ish"}, "unknown_value"), ({"contradiction_type": "sideways"}, "unknown_value"),
    ({"status": None}, "null_required"), ({"old_memory_id": None}, "null_required"),
    ({"metadata": "{oops"}, "bad_json"), ({"drift_mean": "high"}, "not_a_number"),
    ({"ledger_id": "c" * 65}, "too_long"), ({"resolution_timestamp": "later"}, "not_a_number"),
])
def test_contradictions_crt_cannot_store_are_rejected(overrides, code):
    reject = mapping.map_contradiction(contradiction_row(**overrides))
    assert isinstance(reject, mapping.Reject) and reject.code == code


def test_missing_type_is_v09s_default_conflict_and_slots_get_crt_names():
    record = mapping.map_contradiction(contradiction_row(contradiction_type=None, affects_slots="title,location"))
    assert record.contradiction_type == "CONFLICT" and record.slots == ["job_title", "location"]


def test_worklog_and_resolution_become_events_from_open_to_the_final_status():
    record = mapping.map_contradiction(contradiction_row(status="resolved", resolution_timestamp=1750009000.0,
                                                         resolution_method="deprecate_old"))
    folded = {"contradiction_worklog": {"ledger_id": "contra_1", "first_asked_at": 1750001000.0,
                                        "last_asked_at": 1750005000.0, "ask_count": 3,
                                        "last_user_answer": "Amazon now.", "last_user_answer_at": 1750005030.0},
              "conflict_resolutions": {"ledger_id": "contra_1", "resolution_method": "deprecate_old",
                                       "chosen_memory_id": "mem_2", "user_feedback": "I switched jobs.",
                                       "timestamp": 1750009000.0}}
    events = mapping.derive_events(record, folded)
    assert [(e.action, e.from_status, e.to_status, e.timestamp) for e in events] == [
        ("asked", "open", "asked", 1750001000.0), ("asked", "asked", "asked", 1750005000.0),
        ("asked", "asked", "asked", 1750005000.0), ("answered", "asked", "asked", 1750005030.0),
        ("keep_new", "asked", "resolved", 1750009000.0)]
    assert "ask 2 of 3" in events[1].note and events[3].user_answer == "Amazon now."
    assert events[4].method == "deprecate_old" and events[4].chosen_memory_id == "mem_2"
    assert "I switched jobs." in events[4].note
    assert [e.event_id for e in events] == [e.event_id for e in mapping.derive_events(record, folded)]
    assert len({e.event_id for e in events}) == 5


def test_accepted_means_both_kept_and_a_missing_resolution_time_is_said_so():
    record = mapping.map_contradiction(contradiction_row(status="accepted"))
    (event,) = mapping.derive_events(record, {})
    assert (event.action, event.to_status, event.timestamp) == ("keep_both", "resolved", record.timestamp)
    assert "no resolution time" in event.note


def test_an_open_contradiction_gets_no_resolution_event_even_with_a_resolution_row():
    record = mapping.map_contradiction(contradiction_row(status="open"))
    folded = {"conflict_resolutions": {"ledger_id": "contra_1", "resolution_method": "keep_new"}}
    assert mapping.derive_events(record, folded) == []
    assert mapping.folded_evidence(record, folded)["conflict_resolutions"]["resolution_method"] == "keep_new"


def test_folded_rows_with_impossible_values_are_rejected():
    from memory.v09import.schema import REFLECTION_QUEUE, WORKLOG

    bad_count = mapping.map_folded(WORKLOG, {"ledger_id": "c", "ask_count": -3})
    bad_json = mapping.map_folded(REFLECTION_QUEUE, {"queue_id": 1, "ledger_id": "c", "context_json": "{x"})
    assert bad_count.code == "out_of_range" and bad_json.code == "bad_json"


# ---------------------------------------------------------------------------------------------- checksums
def test_checksums_are_exact_and_order_sensitive():
    assert canonical_json({"b": 1.0, "a": "é"}) == '{"a":"é","b":1.0}'
    assert canonical_json({"x": b"\x00"}) == '{"x":{"$blob":"AA=="}}'
    first, second = TableChecksum(), TableChecksum()
    first.extend([row_digest({"id": 1}), row_digest({"id": 2})])
    second.extend([row_digest({"id": 2}), row_digest({"id": 1})])
    assert first.rows == second.rows == 2 and first.hexdigest() != second.hexdigest()


# ---------------------------------------------------------------------------------------------- source files
@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return build_v09(tmp_path_factory.mktemp("src"), memories=120, awkward=False, seed=3)


def test_source_is_opened_read_only(files):
    with SourceFile(files.memory_db, kind="memory") as source:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            source.conn.execute("DELETE FROM memories")
        assert source.count(source_table("memories")) == files.expected.rows["memories"]


def source_table(name):
    from memory.v09import.schema import BY_NAME

    return BY_NAME[name]


def test_rows_stream_in_key_order_and_resume_after_a_key(files):
    table = source_table("memories")
    with SourceFile(files.memory_db, kind="memory") as source:
        keys = [row["memory_id"] for batch in source.stream(table, batch_size=7) for row in batch]
        assert keys == sorted(keys) and len(keys) == files.expected.rows["memories"]
        rest = [row["memory_id"] for batch in source.stream(table, after=keys[49], batch_size=10) for row in batch]
        assert rest == keys[50:]


def test_missing_path_directory_empty_and_non_sqlite_files_are_refused(tmp_path):
    (tmp_path / "empty.db").write_bytes(b"")
    (tmp_path / "notes.db").write_text("these are my notes, not a database\n" * 10)
    for path, message in [(tmp_path / "nope.db", "does not exist"), (tmp_path, "not a regular file"),
                          (tmp_path / "empty.db", "empty"), (tmp_path / "notes.db", "not an SQLite database")]:
        with pytest.raises(SourceError, match=message):
            SourceFile(path, kind="memory").open()


def test_a_file_without_the_v09_tables_or_columns_is_refused(files, tmp_path):
    with pytest.raises(SourceError, match="no table memories.*crt_memory.db"):
        SourceFile(files.ledger_db, kind="memory").open()
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.executescript("CREATE TABLE memories (memory_id TEXT PRIMARY KEY, text TEXT);"
                       "CREATE TABLE trust_log (log_id INTEGER PRIMARY KEY); CREATE TABLE belief_speech (entry_id INT);")
    conn.close()
    with pytest.raises(SourceError, match="lacks the v0.9 column"):
        SourceFile(other, kind="memory").open()


def test_a_file_locked_by_another_process_is_refused_clearly(files):
    writer = sqlite3.connect(files.memory_db, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(SourceError, match="locked by another process"):
            SourceFile(files.memory_db, kind="memory", lock_timeout=0.3).open()
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_rejects_go_to_crts_var_directory_by_default(monkeypatch, tmp_path):
    from memory.v09import.importer import default_rejects_path

    monkeypatch.setenv("CRT_VAR_DIR", str(tmp_path))
    assert default_rejects_path("imp_1") == tmp_path.resolve() / "imports" / "crt-import-rejects-imp_1.jsonl"
    assert default_rejects_path(None).name.startswith("crt-import-dry-run-rejects-")


def test_the_index_rebuild_asks_for_enough_memory_for_the_graph_within_bounds(monkeypatch):
    from memory.v09import.importer import maintenance_work_mem

    monkeypatch.delenv("CRT_IMPORT_MAINTENANCE_WORK_MEM", raising=False)
    monkeypatch.delenv("CRT_IMPORT_MAINTENANCE_WORK_MEM_MAX_MB", raising=False)
    assert maintenance_work_mem(10_000) == "1024MB"
    assert maintenance_work_mem(1_000_000) == "2385MB"
    assert maintenance_work_mem(50_000_000) == "4096MB"
    monkeypatch.setenv("CRT_IMPORT_MAINTENANCE_WORK_MEM_MAX_MB", "8192")
    assert maintenance_work_mem(3_000_000) == "7153MB"
    monkeypatch.setenv("CRT_IMPORT_MAINTENANCE_WORK_MEM", "6GB")
    assert maintenance_work_mem(10) == "6GB"
