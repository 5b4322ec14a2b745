"""The ledger side of importing CRT v0.9's ledger (issue 6): append imported entries with their
events, and read them back for verification.

Imported rows go through the same append-only machinery as native ones: the same chain locks
(:data:`ledger.services.ENTRY_CHAIN_LOCK`, then :data:`~ledger.services.EVENT_CHAIN_LOCK`; no
native writer takes them in the other order or waits for anything while holding the event chain
lock, so appends cannot deadlock), ``seq`` continuing each chain, and ``row_hash`` from
:mod:`ledger.chain` over the same fields. What differs is what an import must keep: the v0.9
``ledger_id``, timestamps (``timestamp`` and ``created_at`` are v0.9's detection time; each
event's are v0.9's ask/answer/resolution times) and the status v0.9 reached. An entry is inserted
with that final status together with the events that lead to it from ``open``, in one
transaction, so no UPDATE is needed (the triggers of migration 0005 stay untouched) and
``verify_ledger`` finds each status equal to its last event's. Provenance: ``recorded_by`` (e.g.
``import-v0.9``), ``recorded_host`` (this host), ``request_id`` (the import run id), events with
``actor_kind=system``, ``via=import``; the source file and its SHA-256 are in ``evidence``.
Imported events carry no ``trust_changes``: the imported trust values already include them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from django.db import transaction

from ledger import chain
from ledger.models import ActorKind, ContradictionEntry, LedgerStatus, ResolutionEvent
from ledger.provenance import host_label
from ledger.services import (
    ENTRY_CHAIN_LOCK,
    EVENT_CHAIN_LOCK,
    _advisory_lock,
    _tail,
    entry_hash_fields,
    event_hash_fields,
)

#: ``ResolutionEvent.via`` of imported events.
IMPORT_VIA = "import"


@dataclass(frozen=True)
class ImportedEvent:
    """One status change of an imported entry, as the source recorded it (Unix seconds)."""

    event_id: str
    action: str
    from_status: str
    to_status: str
    timestamp: float
    method: str = ""
    note: str = ""
    user_answer: str = ""
    chosen_memory_id: str = ""
    merged_memory_id: str = ""


@dataclass(frozen=True)
class ImportedEntry:
    """A contradiction recorded by another system, to append as it was.

    ``status`` is its status now; ``events`` must lead from ``open`` to it (``ValueError``
    otherwise). ``timestamp`` is its detection time in Unix seconds; ``confidence`` in [0, 1].
    """

    ledger_id: str
    owner_id: int
    thread_id: str
    memory_a_id: str
    memory_b_id: str
    timestamp: float
    status: str
    contradiction_type: str
    severity: str
    confidence: float
    drift_mean: float | None
    slot: str
    old_value: str
    new_value: str
    old_text: str
    new_text: str
    summary: str
    evidence: dict
    detector_version: str = ""
    events: tuple[ImportedEvent, ...] = field(default_factory=tuple)


def _when(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc)


def _check_transitions(entry: ImportedEntry) -> None:
    status = LedgerStatus.OPEN
    for event in entry.events:
        if event.from_status != status:
            raise ValueError(f"event {event.event_id} of {entry.ledger_id} starts from {event.from_status}, "
                             f"but the entry is {status} by then")
        status = event.to_status
    if status != entry.status:
        raise ValueError(f"the events of {entry.ledger_id} lead to {status}, not to its status {entry.status}")


def existing_entries(*, ledger_ids: Iterable[str]) -> dict[str, str]:
    """``{ledger_id: recorded_by}`` of the given ids that already exist."""
    return dict(ContradictionEntry.objects.filter(ledger_id__in=list(ledger_ids))
                .values_list("ledger_id", "recorded_by"))


def existing_pairs(*, pairs: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str, str], str]:
    """``{(memory_a_id, memory_b_id, slot): ledger_id}`` for the given triples that already have an
    entry (the ledger allows one entry per memory pair and slot)."""
    pairs = list(pairs)
    if not pairs:
        return {}
    memory_ids = {a for a, _, _ in pairs} | {b for _, b, _ in pairs}
    wanted = set(pairs)
    rows = ContradictionEntry.objects.filter(memory_a_id__in=memory_ids, memory_b_id__in=memory_ids).values_list(
        "memory_a_id", "memory_b_id", "slot", "ledger_id")
    return {(a, b, s): ledger_id for a, b, s, ledger_id in rows if (a, b, s) in wanted}


def append_imported_entries(*, entries: Sequence[ImportedEntry], recorded_by: str, request_id: str,
                            actor_name: str) -> int:
    """Append ``entries`` and their events to the two chains, in the caller's transaction.

    Entries get consecutive ``seq`` in the given order, then their events in order. Raises
    ``ValueError`` if an entry's events do not lead from ``open`` to its status, and
    ``django.db.IntegrityError`` if a ``ledger_id``, event id or (memory pair, slot) already exists
    (check with :func:`existing_entries` / :func:`existing_pairs` first). Returns the number of
    entries appended.
    """
    if not entries:
        return 0
    for entry in entries:
        _check_transitions(entry)
    host = host_label()
    with transaction.atomic():
        _advisory_lock(ENTRY_CHAIN_LOCK)
        seq, prev = _tail(ContradictionEntry)
        rows = []
        for item in entries:
            seq += 1
            row = ContradictionEntry(
                ledger_id=item.ledger_id, seq=seq, prev_hash=prev, owner_id=item.owner_id, thread_id=item.thread_id,
                timestamp=item.timestamp, created_at=_when(item.timestamp), status=item.status,
                contradiction_type=item.contradiction_type, severity=item.severity, confidence=item.confidence,
                drift_mean=item.drift_mean, drift_max=item.drift_mean, memory_a_id=item.memory_a_id,
                memory_b_id=item.memory_b_id, slot=item.slot, old_value=item.old_value, new_value=item.new_value,
                old_text=item.old_text, new_text=item.new_text, summary=item.summary, evidence=item.evidence,
                detection_job=None, detector_version=item.detector_version[:32], recorded_by=recorded_by[:64],
                recorded_host=host[:255], request_id=request_id[:64],
            )
            row.row_hash = chain.entry_hash(seq=seq, prev_hash=prev, fields=entry_hash_fields(row))
            prev = row.row_hash
            rows.append(row)
        ContradictionEntry.objects.bulk_create(rows)

        _advisory_lock(EVENT_CHAIN_LOCK)
        seq, prev = _tail(ResolutionEvent)
        events = []
        for item in entries:
            for source in item.events:
                seq += 1
                event = ResolutionEvent(
                    event_id=source.event_id, seq=seq, prev_hash=prev, entry_id=item.ledger_id, owner_id=item.owner_id,
                    thread_id=item.thread_id, action=source.action, from_status=source.from_status,
                    to_status=source.to_status, method=source.method[:64], note=source.note,
                    user_answer=source.user_answer, chosen_memory_id=source.chosen_memory_id[:64],
                    merged_memory_id=source.merged_memory_id[:64], undoes=None, trust_changes={},
                    actor_kind=ActorKind.SYSTEM, actor=None, actor_name=actor_name[:150], host=host[:255],
                    user_agent="", request_id=request_id[:64], via=IMPORT_VIA, timestamp=source.timestamp,
                    created_at=_when(source.timestamp),
                )
                event.row_hash = chain.event_hash(seq=seq, prev_hash=prev, fields=event_hash_fields(event))
                prev = event.row_hash
                events.append(event)
        ResolutionEvent.objects.bulk_create(events)
    return len(rows)


def imported_entries(*, ledger_ids: Iterable[str], recorded_by: str) -> dict[str, dict]:
    """Entries of the given ids that were imported (``recorded_by``), with their imported events.

    Returns ``{ledger_id: {"entry": {field: value}, "events": [event dicts in seq order]}}``;
    the entry dict has ``ledger_id``, ``owner_id``, ``thread_id``, ``timestamp``, ``memory_a_id``,
    ``memory_b_id``, ``drift_mean``, ``summary``, ``contradiction_type``, ``slot``, ``status``,
    ``evidence``. Read-only; for :mod:`memory.v09import.verify`.
    """
    ids = list(ledger_ids)
    found: dict[str, dict] = {}
    if not ids:
        return found
    for row in (ContradictionEntry.objects.filter(ledger_id__in=ids, recorded_by=recorded_by)
                .values("ledger_id", "owner_id", "thread_id", "timestamp", "memory_a_id", "memory_b_id", "drift_mean",
                        "summary", "contradiction_type", "slot", "status", "evidence")):
        found[row["ledger_id"]] = {"entry": row, "events": []}
    for event in (ResolutionEvent.objects.filter(entry_id__in=list(found), via=IMPORT_VIA).order_by("seq")
                  .values("entry_id", "event_id", "action", "from_status", "to_status", "timestamp", "method", "note",
                          "user_answer", "chosen_memory_id", "merged_memory_id")):
        found[event.pop("entry_id")]["events"].append(event)
    return found


def count_imported_entries(*, owner, recorded_by: str) -> int:
    """How many entries of ``owner`` were imported (``recorded_by``)."""
    return ContradictionEntry.objects.filter(owner=owner, recorded_by=recorded_by).count()
