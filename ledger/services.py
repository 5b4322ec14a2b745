"""Writes to the ledger. Nothing else writes ledger rows.

* :func:`record_contradiction` — the detection worker appends an entry (idempotent per memory
  pair and slot).
* :func:`mark_asked`, :func:`record_answer`, :func:`resolve_entry`, :func:`undo_resolution`,
  :func:`auto_resolve` — status changes, each appended as a :class:`~ledger.models.ResolutionEvent`
  with its provenance; the entry's denormalized ``status`` is updated in the same transaction
  (the database refuses any other UPDATE; migration 0005).

Both tables are hash chains (:mod:`ledger.chain`). Appends to one chain are serialized with a
transaction-scoped PostgreSQL advisory lock (:data:`ENTRY_CHAIN_LOCK`, :data:`EVENT_CHAIN_LOCK`):
the appender reads the tail (last seq and hash) only after taking the lock, and the lock is
released at commit, after the new tail is visible, so two concurrent appends can never both
link to the same predecessor. Lock order, to rule out deadlocks: entry chain lock → memory rows
(detection); entry row → memory rows (sorted by id) → event chain lock (resolutions).
"""

from __future__ import annotations

import time
from typing import Iterable

from django.db import connection, transaction
from django.utils import timezone

from ledger import chain
from ledger.models import (
    FINAL_STATUSES,
    UNRESOLVED_STATUSES,
    ActorKind,
    ContradictionEntry,
    EventAction,
    LedgerStatus,
    ResolutionEvent,
)
from ledger.provenance import Actor, current_task_id, host_label
from memory import services as memory_services

#: pg_advisory_xact_lock keys (two int4: "LEDG" and the chain number); any fixed pair works as
#: long as nothing else in the database uses it.
ENTRY_CHAIN_LOCK = (0x4C454447, 1)
EVENT_CHAIN_LOCK = (0x4C454447, 2)

#: Actions a user (or a client on their behalf) may take to settle an entry, and the status each
#: leads to. ``resolve`` is v0.9's generic resolution (its ``resolution_method`` kept verbatim).
RESOLUTION_ACTIONS = {
    EventAction.KEEP_NEW: LedgerStatus.RESOLVED,
    EventAction.KEEP_OLD: LedgerStatus.RESOLVED,
    EventAction.KEEP_BOTH: LedgerStatus.RESOLVED,
    EventAction.DISMISS: LedgerStatus.DISMISSED,
    EventAction.RESOLVE: LedgerStatus.RESOLVED,
    EventAction.AUTO_RESOLVE: LedgerStatus.AUTO_RESOLVED,
}
#: What each resolution does to trust, as (which memory, v0.9 rule) pairs (memory.services.update_trust):
#: keep_new confirms the newer statement; keep_old confirms the older and contradicts the newer;
#: keep_both and dismiss confirm the older one, whose trust detection had lowered. Baseline
#: choice built on v0.9's aligned/contradicted formulas (NOTES.md); undo reverses the change.
TRUST_EFFECTS = {
    EventAction.KEEP_NEW: (("new", "aligned"),),
    EventAction.KEEP_OLD: (("old", "aligned"), ("new", "contradicted")),
    EventAction.KEEP_BOTH: (("old", "aligned"),),
    EventAction.DISMISS: (("old", "aligned"),),
}
#: Actions the public API accepts in ``POST /api/contradictions/{id}/resolve/``.
USER_RESOLUTION_ACTIONS = (EventAction.KEEP_NEW, EventAction.KEEP_OLD, EventAction.KEEP_BOTH, EventAction.DISMISS)


class LedgerError(Exception):
    """Base of the ledger's service errors. ``field`` names the request field at fault."""

    field = "body"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        if field is not None:
            self.field = field


class EntryNotFound(LedgerError):
    """No entry with this id belongs to the acting owner (HTTP 404)."""

    field = "ledger_id"


class InvalidTransition(LedgerError):
    """The entry's current status does not allow the action (HTTP 409)."""

    field = "action"


def _advisory_lock(key: tuple[int, int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", list(key))


def _tail(model) -> tuple[int, str]:
    last = model.objects.order_by("-seq").values_list("seq", "row_hash").first()
    return last if last else (0, chain.GENESIS_HASH)


# --------------------------------------------------------------------------- entries
def record_contradiction(
    *,
    owner,
    thread_id: str,
    memory_a,
    memory_b,
    slot: str,
    old_value: str,
    new_value: str,
    contradiction_type: str,
    severity: str,
    confidence: float,
    drift: float | None,
    summary: str,
    evidence: dict,
    detection_job=None,
    recorded_by: str = "detection-worker",
    recorded_host: str | None = None,
    request_id: str | None = None,
) -> tuple[ContradictionEntry, bool]:
    """Append that ``memory_b`` (newer) contradicts ``memory_a`` (older) on ``slot``.

    Idempotent: the (memory_a, memory_b, slot) triple is unique, so a job that runs twice returns
    the existing entry with ``created=False``. ``confidence`` must be in [0, 1] (check constraint;
    ``django.db.IntegrityError`` otherwise). Provenance: ``recorded_by`` (component name),
    ``recorded_host`` (default ``hostname:pid``), ``request_id`` (default: the running Celery
    task's id), the detector version from ``evidence["detector_version"]`` and both statement
    texts. Returns (entry, created).
    """
    with transaction.atomic():
        existing = ContradictionEntry.objects.filter(memory_a=memory_a, memory_b=memory_b, slot=slot).first()
        if existing is not None:
            return existing, False
        _advisory_lock(ENTRY_CHAIN_LOCK)
        existing = ContradictionEntry.objects.filter(memory_a=memory_a, memory_b=memory_b, slot=slot).first()
        if existing is not None:
            return existing, False
        last_seq, last_hash = _tail(ContradictionEntry)
        entry = ContradictionEntry(
            seq=last_seq + 1, prev_hash=last_hash, owner=owner, thread_id=thread_id,
            memory_a=memory_a, memory_b=memory_b, slot=slot, old_value=old_value, new_value=new_value,
            old_text=memory_a.text, new_text=memory_b.text, contradiction_type=contradiction_type,
            severity=severity, confidence=confidence, drift_mean=drift, drift_max=drift, summary=summary,
            evidence=evidence, detection_job=detection_job,
            detector_version=str(evidence.get("detector_version", ""))[:32],
            recorded_by=recorded_by[:64], recorded_host=(recorded_host or host_label())[:255],
            request_id=(current_task_id() if request_id is None else request_id)[:64],
            timestamp=time.time(), created_at=timezone.now(), status=LedgerStatus.OPEN,
        )
        entry.row_hash = chain.entry_hash(seq=entry.seq, prev_hash=entry.prev_hash, fields=entry_hash_fields(entry))
        entry.save(force_insert=True)
        return entry, True


def record_contradictions(*, entries: list[dict], recorded_by: str = "detection-worker",
                          recorded_host: str | None = None, request_id: str | None = None
                          ) -> list[tuple[ContradictionEntry, bool]]:
    """Append many entries at once: :func:`record_contradiction` for a batch of detection jobs.

    Each item of ``entries`` is a dict with ``owner_id``, ``thread_id``, ``memory_a_id`` (older),
    ``memory_b_id`` (newer), ``old_text``, ``new_text``, ``slot``, ``old_value``, ``new_value``,
    ``contradiction_type``, ``severity``, ``confidence`` (0..1), ``drift`` (or None), ``summary``,
    ``evidence`` and ``detection_job_id``. Idempotent like the single version: an existing
    (memory_a, memory_b, slot) triple, or a repeat within ``entries``, returns the entry already
    there with ``created=False``. One chain lock, one tail read and one INSERT for the new
    entries (consecutive ``seq``, in the given order). Returns ``(entry, created)`` per item, in
    order. Raises ``django.db.IntegrityError`` (nothing written) if a row violates a constraint.
    """
    if not entries:
        return []
    keys = [(e["memory_a_id"], e["memory_b_id"], e["slot"]) for e in entries]

    def existing() -> dict[tuple[str, str, str], ContradictionEntry]:
        rows = ContradictionEntry.objects.filter(memory_b_id__in={k[1] for k in keys})
        return {(r.memory_a_id, r.memory_b_id, r.slot): r for r in rows}

    with transaction.atomic():
        found = existing()
        if any(key not in found for key in keys):
            _advisory_lock(ENTRY_CHAIN_LOCK)
            found = existing()
            seq, prev = _tail(ContradictionEntry)
            host = (recorded_host or host_label())[:255]
            request = (current_task_id() if request_id is None else request_id)[:64]
            new_rows = []
            for key, item in zip(keys, entries):
                if key in found:
                    continue
                seq += 1
                row = ContradictionEntry(
                    seq=seq, prev_hash=prev, owner_id=item["owner_id"], thread_id=item["thread_id"],
                    memory_a_id=item["memory_a_id"], memory_b_id=item["memory_b_id"], slot=item["slot"],
                    old_value=item["old_value"], new_value=item["new_value"], old_text=item["old_text"],
                    new_text=item["new_text"], contradiction_type=item["contradiction_type"],
                    severity=item["severity"], confidence=item["confidence"], drift_mean=item["drift"],
                    drift_max=item["drift"], summary=item["summary"], evidence=item["evidence"],
                    detection_job_id=item["detection_job_id"],
                    detector_version=str(item["evidence"].get("detector_version", ""))[:32],
                    recorded_by=recorded_by[:64], recorded_host=host, request_id=request,
                    timestamp=time.time(), created_at=timezone.now(), status=LedgerStatus.OPEN,
                )
                row.row_hash = chain.entry_hash(seq=seq, prev_hash=prev, fields=entry_hash_fields(row))
                prev = row.row_hash
                found[key] = row
                new_rows.append(row)
            ContradictionEntry.objects.bulk_create(new_rows)
            created = {id(row) for row in new_rows}
        else:
            created = set()
    results, seen = [], set()
    for key in keys:
        entry = found[key]
        results.append((entry, id(entry) in created and key not in seen))
        seen.add(key)
    return results


def entry_hash_fields(entry: ContradictionEntry) -> dict:
    """The :data:`ledger.chain.ENTRY_HASHED_FIELDS` values of an entry instance."""
    return {name: getattr(entry, name) for name in chain.ENTRY_HASHED_FIELDS}


def event_hash_fields(event: ResolutionEvent) -> dict:
    """The :data:`ledger.chain.EVENT_HASHED_FIELDS` values of an event instance."""
    return {name: getattr(event, name) for name in chain.EVENT_HASHED_FIELDS}


# --------------------------------------------------------------------------- events
def _locked_entry(*, owner, ledger_id: str) -> ContradictionEntry:
    try:
        return ContradictionEntry.objects.select_for_update().get(ledger_id=ledger_id, owner=owner)
    except ContradictionEntry.DoesNotExist:
        raise EntryNotFound(f"No contradiction {ledger_id!r} of yours.") from None


def _append_event(*, entry: ContradictionEntry, action: str, to_status: str, actor: Actor,
                  trust_changes: dict | None = None, undoes: ResolutionEvent | None = None,
                  note: str = "", method: str = "", user_answer: str = "", chosen_memory_id: str = "",
                  merged_memory_id: str = "") -> ResolutionEvent:
    """Append one event to the chain and move the entry's status, in the caller's transaction."""
    _advisory_lock(EVENT_CHAIN_LOCK)
    last_seq, last_hash = _tail(ResolutionEvent)
    event = ResolutionEvent(
        seq=last_seq + 1, prev_hash=last_hash, entry=entry, owner_id=entry.owner_id, thread_id=entry.thread_id,
        action=action, from_status=entry.status, to_status=to_status, method=method[:64], note=note,
        user_answer=user_answer, chosen_memory_id=chosen_memory_id[:64], merged_memory_id=merged_memory_id[:64],
        undoes=undoes, trust_changes=trust_changes or {}, actor_kind=actor.kind, actor=actor.user,
        actor_name=actor.name[:150], host=actor.host[:255], user_agent=actor.user_agent[:255],
        request_id=actor.request_id[:64], via=actor.via[:16], timestamp=time.time(), created_at=timezone.now(),
    )
    event.row_hash = chain.event_hash(seq=event.seq, prev_hash=event.prev_hash, fields=event_hash_fields(event))
    event.save(force_insert=True)
    if to_status != entry.status:
        # Allowed by the trigger only now: the event above granted exactly this status change.
        ContradictionEntry.objects.filter(ledger_id=entry.ledger_id).update(status=to_status)
        entry.status = to_status
    return event


def _apply_trust(entry: ContradictionEntry, effects: Iterable[tuple[str, str]]) -> dict:
    targets = sorted(((entry.memory_a_id if which == "old" else entry.memory_b_id), rule) for which, rule in effects)
    changes = {}
    for memory_id, rule in targets:
        before, after = memory_services.update_trust(memory_id=memory_id, rule=rule, drift=entry.drift_mean)
        changes[memory_id] = {"before": before, "after": after}
    return changes


def mark_asked(*, owner, ledger_id: str, actor: Actor) -> ResolutionEvent:
    """Record that the user was asked about an open entry (open/asked → asked; v0.9 worklog).

    Raises :class:`EntryNotFound` (not the owner's) or :class:`InvalidTransition` (already settled).
    """
    with transaction.atomic():
        entry = _locked_entry(owner=owner, ledger_id=ledger_id)
        if entry.status not in UNRESOLVED_STATUSES:
            raise InvalidTransition(f"Contradiction {ledger_id} is already {entry.status}.", field="ledger_id")
        return _append_event(entry=entry, action=EventAction.ASKED, to_status=LedgerStatus.ASKED, actor=actor)


def record_answer(*, owner, ledger_id: str, actor: Actor, answer: str) -> ResolutionEvent:
    """Record the user's answer about an entry without changing its status (v0.9 ``respond``)."""
    with transaction.atomic():
        entry = _locked_entry(owner=owner, ledger_id=ledger_id)
        return _append_event(entry=entry, action=EventAction.ANSWERED, to_status=entry.status, actor=actor,
                             user_answer=answer)


def resolve_entry(*, owner, ledger_id: str, action: str, actor: Actor, note: str = "", method: str = "",
                  user_answer: str = "", chosen_memory_id: str = "", merged_memory_id: str = "") -> ResolutionEvent:
    """Settle an open or asked entry with one of :data:`RESOLUTION_ACTIONS`.

    Appends the event, sets the entry's status (resolved / dismissed / auto_resolved) and applies
    :data:`TRUST_EFFECTS` to the two memories, all in one transaction. Raises
    :class:`EntryNotFound`, :class:`InvalidTransition` (already settled: undo first) or
    ``ValueError`` for an unknown action.
    """
    if action not in RESOLUTION_ACTIONS:
        raise ValueError(f"unknown resolution action {action!r}")
    with transaction.atomic():
        entry = _locked_entry(owner=owner, ledger_id=ledger_id)
        if entry.status in FINAL_STATUSES:
            raise InvalidTransition(f"Contradiction {ledger_id} is already {entry.status}; undo it first.")
        changes = _apply_trust(entry, TRUST_EFFECTS.get(action, ()))
        return _append_event(entry=entry, action=action, to_status=RESOLUTION_ACTIONS[action], actor=actor,
                             trust_changes=changes, note=note, method=method, user_answer=user_answer,
                             chosen_memory_id=chosen_memory_id, merged_memory_id=merged_memory_id)


def undo_resolution(*, owner, ledger_id: str, actor: Actor, note: str = "") -> ResolutionEvent:
    """Revert the entry's last resolution by appending an ``undo`` event.

    The status goes back to what it was before that resolution and each trust change it made is
    reversed as a delta (τ ← τ − (after − before)), so later unrelated trust changes survive.
    Raises :class:`EntryNotFound` or :class:`InvalidTransition` (nothing to undo).
    """
    with transaction.atomic():
        entry = _locked_entry(owner=owner, ledger_id=ledger_id)
        if entry.status not in FINAL_STATUSES:
            raise InvalidTransition(f"Contradiction {ledger_id} is {entry.status}: there is no resolution to undo.")
        last = (ResolutionEvent.objects.filter(entry=entry, action__in=list(RESOLUTION_ACTIONS),
                                               to_status=entry.status).order_by("-seq").first())
        if last is None:  # a final status without its event cannot happen through the services
            raise InvalidTransition(f"Contradiction {ledger_id} has no resolution event to undo.")
        changes = {}
        for memory_id in sorted(last.trust_changes):
            change = last.trust_changes[memory_id]
            before, after = memory_services.update_trust(memory_id=memory_id, rule="shift",
                                                         delta=change["before"] - change["after"])
            changes[memory_id] = {"before": before, "after": after}
        return _append_event(entry=entry, action=EventAction.UNDO, to_status=last.from_status, actor=actor,
                             trust_changes=changes, undoes=last, note=note)


def auto_resolve(*, ledger_id: str, reason: str, actor: Actor | None = None) -> ResolutionEvent:
    """Settle an entry on CRT's own authority (status ``auto_resolved``), e.g. by a resolution policy.

    The hook for seed 001's learned resolution policy: no trust change, ``reason`` kept as the
    note, actor ``system`` on this host unless given. Raises :class:`EntryNotFound` or
    :class:`InvalidTransition` like :func:`resolve_entry`.
    """
    from ledger.provenance import system_actor

    entry_owner = ContradictionEntry.objects.filter(ledger_id=ledger_id).values_list("owner_id", flat=True).first()
    if entry_owner is None:
        raise EntryNotFound(f"No contradiction {ledger_id!r}.")
    actor = actor or system_actor(name="resolution-policy", via="worker")
    if actor.kind != ActorKind.SYSTEM:
        raise ValueError("auto_resolve is for system actors")
    return resolve_entry(owner=entry_owner, ledger_id=ledger_id, action=EventAction.AUTO_RESOLVE, actor=actor,
                         note=reason)
