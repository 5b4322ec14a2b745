"""Sorting one batch of v0.9 rows into new, already imported and rejected — for the import and,
with the same rules, for the verification (which expects every "new" row to be absent).

Besides the row's own checks (:mod:`.mapping`) this is where the rules that depend on CRT's
state live: a row pointing at a memory CRT does not have (or that belongs to another user) is
rejected, an id already used by a CRT row that was not imported from v0.9 is rejected, and a
contradiction duplicating another one's memory pair and slot is rejected (the ledger keeps one
entry per pair and slot).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ledger import importing as ledger_importing
from memory.models import BeliefSpeechEntry, ImportedMemory, Memory, TrustLogEntry
from memory.v09import import mapping
from memory.v09import.mapping import Reject
from memory.v09import.schema import (
    CONTRADICTIONS,
    MEMORIES,
    ONE_PER_ENTRY,
    REFLECTION_QUEUE,
    Table,
)
from memory.v09import.source import SourceFile


@dataclass
class Rejected:
    """A row that will not be imported: its table, source id, raw row and reason."""

    table: str
    source_id: str
    row: dict
    reason: Reject


@dataclass
class Prepared:
    """One batch sorted: ``new`` records to store, ``present`` records already imported,
    ``rejected`` rows; ``folded`` counts rows of folded tables per table and outcome."""

    new: list = field(default_factory=list)
    present: list = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    folded: dict[str, dict[str, int]] = field(default_factory=dict)

    def count_folded(self, table: str, outcome: str, n: int = 1) -> None:
        counts = self.folded.setdefault(table, {"read": 0, "imported": 0, "already_present": 0, "rejected": 0})
        counts[outcome] += n
        counts["read"] += n


@dataclass
class LedgerItem:
    """A contradiction ready to append: the v0.9 record, its accepted folded rows, derived events,
    the CRT entry fields and the two memories (id, thread, text)."""

    record: mapping.ContradictionRecord
    folded: dict[str, Any]
    events: list[mapping.EventRecord]
    fields: dict
    thread_id: str
    old_text: str
    new_text: str


class Context:
    """What the rules need besides the row: the owner, the source files and whether this is a dry
    run (then memories that *would* be imported count as present in CRT)."""

    def __init__(self, *, owner, memory_source: SourceFile, ledger_source: SourceFile, dry_run: bool = False):
        self.owner = owner
        self.memory_source = memory_source
        self.ledger_source = ledger_source
        self.dry_run = dry_run

    def memories_in_crt(self, ids) -> dict[str, tuple[int, str, str]]:
        """``{memory_id: (owner_id, thread_id, text)}`` of the ids CRT has (in a dry run, also the
        ids the import would store from crt_memory.db)."""
        ids = list(set(ids))
        found = {m: (o, t, x) for m, o, t, x in Memory.objects.filter(pk__in=ids).values_list(
            "memory_id", "owner_id", "thread_id", "text")}
        if self.dry_run:
            missing = [i for i in ids if i not in found]
            for row in self.memory_source.by_column(MEMORIES, "memory_id", missing):
                record = mapping.map_memory(row)
                if isinstance(record, mapping.MemoryRecord):
                    found[record.memory_id] = (self.owner.pk, record.thread_id, record.text)
        return found

    def why_missing(self, memory_id: str) -> Reject:
        """The reject of a row whose memory CRT does not have, saying whether v0.9 had it."""
        if self.memory_source.by_column(MEMORIES, "memory_id", [memory_id]):
            return Reject("missing_memory", f"memory {memory_id} was not imported (rejected: see the memories rejects)")
        return Reject("missing_memory", f"memory {memory_id} does not exist in the memory database")


def _reject(prepared: Prepared, table: Table, row: dict, reason: Reject) -> None:
    prepared.rejected.append(Rejected(table.name, mapping.source_id(row, table), mapping.raw_row(row), reason))


# ---------------------------------------------------------------------------------------------- memories
def prepare_memories(ctx: Context, rows: list[dict], *, map_present: bool = True) -> Prepared:
    """Sort a batch of ``memories`` rows (records: :class:`mapping.MemoryRecord`).

    With ``map_present=False`` (the import) rows already imported for this owner are not parsed
    again: ``present`` gets their ids instead of records (a re-run skips the vector parsing).
    """
    prepared = Prepared()
    keys = [row.get("memory_id") for row in rows if isinstance(row.get("memory_id"), str)]
    owners = dict(Memory.objects.filter(pk__in=keys).values_list("memory_id", "owner_id"))
    imported = set(ImportedMemory.objects.filter(memory_id__in=list(owners)).values_list("memory_id", flat=True))
    mapped = []
    for row in rows:
        key = row.get("memory_id")
        if not map_present and key in imported and owners[key] == ctx.owner.pk:
            prepared.present.append(key)
        else:
            mapped.append((row, mapping.map_memory(row)))
    for row, record in mapped:
        if isinstance(record, Reject):
            _reject(prepared, MEMORIES, row, record)
        elif record.memory_id not in owners:
            prepared.new.append(record)
        elif record.memory_id in imported and owners[record.memory_id] == ctx.owner.pk:
            prepared.present.append(record)
        else:
            whose = "another user's" if owners[record.memory_id] != ctx.owner.pk else "a"
            _reject(prepared, MEMORIES, row, Reject(
                "id_conflict", f"memory_id {record.memory_id} is already used by {whose} memory not imported from "
                               f"this v0.9 database"))
    return prepared


# ---------------------------------------------------------------------------------------------- trust_log
def _memory_check(ctx: Context, memory_id: str, known: dict) -> Reject | None:
    if memory_id not in known:
        return ctx.why_missing(memory_id)
    if known[memory_id][0] != ctx.owner.pk:
        return Reject("other_owner", f"memory {memory_id} belongs to another CRT user")
    return None


def prepare_trust_log(ctx: Context, rows: list[dict], table: Table) -> Prepared:
    """Sort a batch of ``trust_log`` rows (records: :class:`mapping.TrustLogRecord`)."""
    prepared = Prepared()
    mapped = [(row, mapping.map_trust_log(row)) for row in rows]
    valid = [record for _, record in mapped if isinstance(record, mapping.TrustLogRecord)]
    known = ctx.memories_in_crt(record.memory_id for record in valid)
    existing = set(TrustLogEntry.objects.filter(v09_log_id__in=[r.log_id for r in valid],
                                                memory_id__in=[r.memory_id for r in valid])
                   .values_list("memory_id", "v09_log_id"))
    for row, record in mapped:
        problem = record if isinstance(record, Reject) else _memory_check(ctx, record.memory_id, known)
        if problem:
            _reject(prepared, table, row, problem)
        elif (record.memory_id, record.log_id) in existing:
            prepared.present.append(record)
        else:
            prepared.new.append(record)
    return prepared


# ---------------------------------------------------------------------------------------------- belief_speech
def prepare_belief_speech(ctx: Context, rows: list[dict], table: Table) -> Prepared:
    """Sort a batch of ``belief_speech`` rows (records: :class:`mapping.BeliefSpeechRecord`)."""
    prepared = Prepared()
    mapped = [(row, mapping.map_belief_speech(row)) for row in rows]
    ids = [record.entry_id for _, record in mapped if isinstance(record, mapping.BeliefSpeechRecord)]
    existing = set(BeliefSpeechEntry.objects.filter(owner_id=ctx.owner.pk, v09_entry_id__in=ids)
                   .values_list("v09_entry_id", flat=True))
    for row, record in mapped:
        if isinstance(record, Reject):
            _reject(prepared, table, row, record)
        elif record.entry_id in existing:
            prepared.present.append(record)
        else:
            prepared.new.append(record)
    return prepared


# ---------------------------------------------------------------------------------------------- contradictions
def prepare_contradictions(ctx: Context, rows: list[dict]) -> Prepared:
    """Sort a batch of ``contradictions`` rows with the rows of the folded tables that belong to
    them (records: :class:`LedgerItem`). Folded rows are counted in ``prepared.folded``."""
    prepared = Prepared()
    mapped = [(row, mapping.map_contradiction(row)) for row in rows]
    batch_ids = [row["ledger_id"] for row in rows]
    folded_rows: dict[str, dict[str, list[dict]]] = {}
    for table in (*ONE_PER_ENTRY, REFLECTION_QUEUE):
        for row in ctx.ledger_source.by_column(table, "ledger_id", batch_ids):
            folded_rows.setdefault(row["ledger_id"], {}).setdefault(table.name, []).append(row)

    valid = [record for _, record in mapped if isinstance(record, mapping.ContradictionRecord)]
    existing = ledger_importing.existing_entries(ledger_ids=[r.ledger_id for r in valid])
    known = ctx.memories_in_crt([r.old_memory_id for r in valid] + [r.new_memory_id for r in valid])

    def reject_folded(ledger_id: str, why: str) -> None:
        for table in (*ONE_PER_ENTRY, REFLECTION_QUEUE):
            for folded in folded_rows.get(ledger_id, {}).get(table.name, []):
                _reject(prepared, table, folded, Reject("parent_rejected", f"its contradiction {ledger_id} was not "
                                                                           f"imported: {why}"))
                prepared.count_folded(table.name, "rejected")

    candidates = []
    for row, record in mapped:
        if isinstance(record, Reject):
            _reject(prepared, CONTRADICTIONS, row, record)
            reject_folded(row["ledger_id"], record.code)
            continue
        if record.ledger_id in existing and existing[record.ledger_id] != mapping.RECORDED_BY:
            problem = Reject("id_conflict", f"ledger_id {record.ledger_id} is already used by a CRT entry "
                                            f"not imported from v0.9")
        else:
            problem = (_memory_check(ctx, record.old_memory_id, known)
                       or _memory_check(ctx, record.new_memory_id, known))
        if problem:
            _reject(prepared, CONTRADICTIONS, row, problem)
            reject_folded(record.ledger_id, problem.code)
            continue
        accepted: dict[str, Any] = {}
        for table in (*ONE_PER_ENTRY, REFLECTION_QUEUE):
            kept = []
            for folded in folded_rows.get(record.ledger_id, {}).get(table.name, []):
                result = mapping.map_folded(table, folded)
                if isinstance(result, Reject):
                    _reject(prepared, table, folded, result)
                    prepared.count_folded(table.name, "rejected")
                else:
                    kept.append(result)
                    prepared.count_folded(table.name, "already_present" if record.ledger_id in existing else "imported")
            if kept:
                accepted[table.name] = kept if table is REFLECTION_QUEUE else kept[0]
        old_text, new_text = known[record.old_memory_id][2], known[record.new_memory_id][2]
        item = LedgerItem(record=record, folded=accepted, events=mapping.derive_events(record, accepted),
                          fields=mapping.entry_fields(record, accepted, old_text=old_text, new_text=new_text),
                          thread_id=known[record.new_memory_id][1], old_text=old_text, new_text=new_text)
        if record.ledger_id in existing:
            prepared.present.append(item)
        else:
            candidates.append((row, item))

    pairs = ledger_importing.existing_pairs(
        pairs=[(i.record.old_memory_id, i.record.new_memory_id, i.fields["slot"]) for _, i in candidates])
    seen: dict[tuple, str] = {}
    for row, item in candidates:
        pair = (item.record.old_memory_id, item.record.new_memory_id, item.fields["slot"])
        other = pairs.get(pair) or seen.get(pair)
        if other:
            reason = Reject("duplicate", f"contradiction {other} already records memories {pair[0]} → {pair[1]} "
                                         f"on slot {pair[2] or '(none)'} (the ledger keeps one entry per pair and slot)")
            _reject(prepared, CONTRADICTIONS, row, reason)
            # its accepted folded rows were counted as imported above: they are rejected with it
            for table in (*ONE_PER_ENTRY, REFLECTION_QUEUE):
                value = item.folded.get(table.name)
                for folded in (value if isinstance(value, list) else [value] if value else []):
                    prepared.rejected.append(Rejected(table.name, mapping.source_id(folded, table), folded, Reject(
                        "parent_rejected", f"its contradiction {item.record.ledger_id} was not imported: duplicate")))
                    prepared.folded[table.name]["imported"] -= 1
                    prepared.folded[table.name]["read"] -= 1
                    prepared.count_folded(table.name, "rejected")
            continue
        seen[pair] = item.record.ledger_id
        prepared.new.append(item)
    return prepared


def prepare_orphans(table: Table, rows: list[dict]) -> Prepared:
    """Rows of a folded table whose contradiction does not exist: rejected (``orphan``), or with
    their own reason (e.g. ``null_required`` for a NULL ``ledger_id``)."""
    prepared = Prepared()
    for row in rows:
        own = mapping.map_folded(table, row)
        reason = own if isinstance(own, Reject) else Reject(
            "orphan", f"no contradiction {row.get('ledger_id')} in the ledger database")
        _reject(prepared, table, row, reason)
        prepared.count_folded(table.name, "rejected")
    return prepared


def prepare_null_keys(table: Table, rows: list[dict]) -> Prepared:
    """Rows whose TEXT key is NULL: rejected (``null_required``)."""
    prepared = Prepared()
    for row in rows:
        _reject(prepared, table, row, Reject("null_required", f"{table.key} is NULL (CRT needs it)"))
    return prepared
