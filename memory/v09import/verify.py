"""Verification of an import: for every v0.9 table, source rows vs rows in CRT, and a checksum
over the canonical content of each side (:mod:`.canonical`).

The source side is read again from the v0.9 files and sorted with the import's own rules
(:mod:`.prepare`): rows the import rejects are counted as ``rejected``; every other row must be
in CRT with the same canonical content. The target side is rebuilt from CRT's tables — Memory
columns and embedding, the import provenance, the trust log, the answer log, the ledger entries
with their imported events and ``evidence["v09"]`` — never from a copy of the source digest.
Per table::

    source rows = imported + rejected + missing           (imported includes "differing")
    OK  ⇔  missing = differing = extra = 0  and  source checksum = target checksum

``extra`` counts CRT rows of this owner imported from v0.9 that the source does not have (for
the tables with their own CRT table). Checksums cover importable rows in source key order.

The target side reads the live rows, so run it before CRT starts changing them: once CRT runs,
detection lowers trust of contradicted memories and that shows here as ``differing``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable

from django.db import connection

from ledger import importing as ledger_importing
from memory.models import BeliefSpeechEntry, ImportedMemory, TrustLogEntry
from memory.v09import import mapping, prepare
from memory.v09import.canonical import TableChecksum, row_digest
from memory.v09import.schema import (
    BELIEF_SPEECH,
    CONTRADICTIONS,
    FOLDED,
    MEMORIES,
    ONE_PER_ENTRY,
    REFLECTION_QUEUE,
    TABLES,
    TRUST_LOG,
)
from memory.v09import.source import SourceFile

#: Ids of missing/differing rows listed per table in the report.
MAX_EXAMPLES = 10


@dataclass
class TableReport:
    """Verification of one v0.9 table (counts are rows)."""

    table: str
    source_rows: int = 0
    imported: int = 0
    rejected: int = 0
    missing: int = 0
    differing: int = 0
    extra: int = 0
    source_checksum: str = ""
    target_checksum: str = ""
    examples: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (self.missing == 0 and self.differing == 0 and self.extra == 0
                and self.source_checksum == self.target_checksum
                and self.source_rows == self.imported + self.rejected + self.missing)

    def note(self, kind: str, row_id) -> None:
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(f"{kind}:{row_id}")


@dataclass
class VerificationReport:
    """All tables; ``ok`` when every table is."""

    tables: list[TableReport]

    @property
    def ok(self) -> bool:
        return all(table.ok for table in self.tables)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "tables": [{**asdict(t), "ok": t.ok} for t in self.tables]}

    def lines(self) -> list[str]:
        """The report as a fixed-width text table (checksums shortened to 16 hex digits)."""
        header = (f"{'table':<24} {'source':>9} {'imported':>9} {'rejected':>9} {'missing':>8} {'differ':>7} "
                  f"{'extra':>6}  {'source checksum':<16}  {'CRT checksum':<16}  result")
        out = [header, "-" * len(header)]
        for t in self.tables:
            out.append(f"{t.table:<24} {t.source_rows:>9} {t.imported:>9} {t.rejected:>9} {t.missing:>8} "
                       f"{t.differing:>7} {t.extra:>6}  {t.source_checksum[:16]:<16}  {t.target_checksum[:16]:<16}  "
                       f"{'OK' if t.ok else 'MISMATCH'}")
            if t.examples:
                out.append(f"{'':<24} e.g. {', '.join(t.examples)}")
        return out


class _Side:
    """Source and target checksums of one table, fed pairwise in source order."""

    def __init__(self, report: TableReport):
        self.report = report
        self.source = TableChecksum()
        self.target = TableChecksum()

    def compare(self, row_id, source_row: dict, target_row: dict | None) -> None:
        digest = row_digest(source_row)
        self.source.add(digest)
        if target_row is None:
            self.report.missing += 1
            self.report.note("missing", row_id)
            return
        other = row_digest(target_row)
        self.target.add(other)
        self.report.imported += 1
        if other != digest:
            self.report.differing += 1
            self.report.note("differs", row_id)

    def finish(self) -> None:
        self.report.source_checksum = self.source.hexdigest()
        self.report.target_checksum = self.target.hexdigest()


# ---------------------------------------------------------------------------------------------- target readers
def _memory_targets(ids: list[str]) -> dict[str, dict]:
    import psycopg
    from pgvector.psycopg.vector import register_vector_info
    from psycopg.types import TypeInfo

    if not ids:
        return {}
    connection.ensure_connection()
    raw = connection.connection
    # A server-side-binding cursor of Django's connection (same transaction): binary vectors.
    with psycopg.Cursor(raw) as cursor:
        register_vector_info(cursor, TypeInfo.fetch(raw, "vector"))
        cursor.execute(
            "SELECT m.memory_id, m.text, m.timestamp, m.confidence, m.trust, m.embedding, i.vector_status, i.v09_row "
            "FROM memory_memory m JOIN memory_importedmemory i ON i.memory_id = m.memory_id "
            "WHERE m.memory_id = ANY(%s)", [ids], binary=True)
        rows = cursor.fetchall()
    found = {}
    for memory_id, text, timestamp, confidence, trust, embedding, status, v09_row in rows:
        found[memory_id] = mapping.memory_canonical_target(
            memory_id=memory_id, text=text, timestamp=timestamp, confidence=confidence, trust=trust,
            embedding=None if embedding is None else embedding.to_numpy(), vector_status=status, v09_row=v09_row)
    return found


def _trust_targets(records: list[mapping.TrustLogRecord]) -> dict[tuple, dict]:
    import json

    rows = TrustLogEntry.objects.filter(v09_log_id__in=[r.log_id for r in records],
                                        memory_id__in=[r.memory_id for r in records]).values(
        "v09_log_id", "memory_id", "timestamp", "old_trust", "new_trust", "reason", "drift", "v09_extra")
    found = {}
    for row in rows:
        record = mapping.TrustLogRecord(log_id=row["v09_log_id"], memory_id=row["memory_id"],
                                        timestamp=row["timestamp"], old_trust=row["old_trust"],
                                        new_trust=row["new_trust"], reason=row["reason"], drift=row["drift"],
                                        extra=json.loads(row["v09_extra"] or "{}"))
        found[(row["memory_id"], row["v09_log_id"])] = mapping.trust_log_canonical(record)
    return found


def _belief_targets(owner, ids: list[int]) -> dict[int, dict]:
    import json

    found = {}
    for row in BeliefSpeechEntry.objects.filter(owner=owner, v09_entry_id__in=ids).values():
        record = mapping.BeliefSpeechRecord(entry_id=row["v09_entry_id"], timestamp=row["timestamp"],
                                            query=row["query"], response=row["response"], is_belief=row["is_belief"],
                                            memory_ids=row["memory_ids"], trust_avg=row["trust_avg"],
                                            source=row["source"], extra=json.loads(row["v09_extra"] or "{}"))
        found[row["v09_entry_id"]] = mapping.belief_speech_canonical(record)
    return found


def _entry_target(found: dict) -> dict:
    entry, events = found["entry"], found["events"]
    return {
        "ledger_id": entry["ledger_id"], "timestamp": entry["timestamp"], "old_memory_id": entry["memory_a_id"],
        "new_memory_id": entry["memory_b_id"], "drift_mean": entry["drift_mean"], "summary": entry["summary"],
        "status": events[-1]["to_status"] if events else "open", "contradiction_type": entry["contradiction_type"],
        "events": [[e["event_id"], e["action"], e["from_status"], e["to_status"], e["timestamp"], e["method"],
                    e["note"], e["user_answer"], e["chosen_memory_id"], e["merged_memory_id"]] for e in events],
        "v09": entry["evidence"].get("v09", {}),
    }


# ---------------------------------------------------------------------------------------------- the walk
def verify_import(*, owner, memory_source: SourceFile, ledger_source: SourceFile, batch_size: int = 1000,
                  tick: Callable[[str, int], None] | None = None) -> VerificationReport:
    """Compare every v0.9 table with CRT (module doc). ``tick(table, rows)`` reports progress.

    Reads both sides in batches of ``batch_size`` (memory bounded). Raises nothing for a
    mismatch: the report says it.
    """
    reports = {table.name: TableReport(table.name, source_rows=(memory_source if table.file == "memory"
                                                                 else ledger_source).count(table))
               for table in TABLES}
    sides = {name: _Side(report) for name, report in reports.items()}
    ctx = prepare.Context(owner=owner, memory_source=memory_source, ledger_source=ledger_source)
    progress = tick or (lambda table, n: None)

    def rejected(prepared: prepare.Prepared) -> None:
        for item in prepared.rejected:
            reports[item.table].rejected += 1

    for batch in _batches(memory_source, MEMORIES, batch_size):
        prepared = prepare.prepare_memories(ctx, batch)
        rejected(prepared)
        targets = _memory_targets([r.memory_id for r in prepared.present])
        for record in prepared.new + prepared.present:
            sides["memories"].compare(record.memory_id, mapping.memory_canonical(record), targets.get(record.memory_id))
        progress("memories", len(batch))
    reports["memories"].extra = ImportedMemory.objects.filter(memory__owner=owner).count() - reports["memories"].imported

    for batch in _batches(memory_source, TRUST_LOG, batch_size):
        prepared = prepare.prepare_trust_log(ctx, batch, TRUST_LOG)
        rejected(prepared)
        targets = _trust_targets(prepared.present)
        for record in prepared.new + prepared.present:
            sides["trust_log"].compare(record.log_id, mapping.trust_log_canonical(record),
                                       targets.get((record.memory_id, record.log_id)))
        progress("trust_log", len(batch))
    reports["trust_log"].extra = (TrustLogEntry.objects.filter(owner=owner, v09_log_id__isnull=False).count()
                                  - reports["trust_log"].imported)

    for batch in _batches(memory_source, BELIEF_SPEECH, batch_size):
        prepared = prepare.prepare_belief_speech(ctx, batch, BELIEF_SPEECH)
        rejected(prepared)
        targets = _belief_targets(owner, [r.entry_id for r in prepared.present])
        for record in prepared.new + prepared.present:
            sides["belief_speech"].compare(record.entry_id, mapping.belief_speech_canonical(record),
                                           targets.get(record.entry_id))
        progress("belief_speech", len(batch))
    reports["belief_speech"].extra = (BeliefSpeechEntry.objects.filter(owner=owner).count()
                                      - reports["belief_speech"].imported)

    for batch in _batches(ledger_source, CONTRADICTIONS, batch_size):
        prepared = prepare.prepare_contradictions(ctx, batch)
        rejected(prepared)
        found = ledger_importing.imported_entries(ledger_ids=[i.record.ledger_id for i in prepared.present],
                                                  recorded_by=mapping.RECORDED_BY)
        for item in prepared.new + prepared.present:
            target = found.get(item.record.ledger_id)
            sides["contradictions"].compare(
                item.record.ledger_id, mapping.contradiction_canonical(item.record, item.folded, item.events),
                _entry_target(target) if target else None)
            stored = (target["entry"]["evidence"].get("v09", {}) if target else None)
            _compare_folded(sides, item, stored)
        progress("contradictions", len(batch))
    reports["contradictions"].extra = (ledger_importing.count_imported_entries(owner=owner,
                                                                               recorded_by=mapping.RECORDED_BY)
                                       - reports["contradictions"].imported)
    for table in FOLDED:
        for batch in _orphans(ledger_source, table, batch_size):
            rejected(prepare.prepare_orphans(table, batch))
    for side in sides.values():
        side.finish()
    return VerificationReport([reports[table.name] for table in TABLES])


def _compare_folded(sides: dict, item: prepare.LedgerItem, stored: dict | None) -> None:
    for table in ONE_PER_ENTRY:
        row = item.folded.get(table.name)
        if row is not None:
            target = None if stored is None else stored.get(table.name)
            sides[table.name].compare(item.record.ledger_id, row, target)
    queue = item.folded.get(REFLECTION_QUEUE.name) or []
    stored_queue = {} if stored is None else {q.get("queue_id"): q for q in stored.get(REFLECTION_QUEUE.name, [])}
    for row in queue:
        target = None if stored is None else stored_queue.get(row.get("queue_id"))
        sides[REFLECTION_QUEUE.name].compare(row.get("queue_id"), row, target)


def _batches(source: SourceFile, table, batch_size: int) -> Iterable[list[dict]]:
    yield from source.stream(table, batch_size=batch_size)
    yield from source.null_key_rows(table, batch_size=batch_size)


def _orphans(source: SourceFile, table, batch_size: int) -> Iterable[list[dict]]:
    yield from source.orphans(table, CONTRADICTIONS, batch_size=batch_size)
