"""Reads of the ledger. Per-owner reads take ``owner``; cross-user reads take the requesting
``user`` and widen only for holders of ``ledger.export_all`` (the "Compliance" group)."""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncDate

from ledger.models import (
    HARD_TYPES,
    NON_CONFLICT_TYPES,
    UNRESOLVED_STATUSES,
    ContradictionEntry,
    EventAction,
    ResolutionEvent,
    Severity,
)

#: Permission that lets staff list and export every user's entries.
EXPORT_ALL_PERMISSION = "ledger.export_all"
#: Severity order for "which contradiction to ask about next" (highest first).
SEVERITY_RANK = {Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}


def _unresolved(qs: QuerySet) -> QuerySet:
    return qs.filter(status__in=UNRESOLVED_STATUSES).exclude(contradiction_type__in=NON_CONFLICT_TYPES)


def entries(*, owner, thread_id: str | None = None, status: str | None = None) -> QuerySet[ContradictionEntry]:
    """The owner's ledger entries, newest first, optionally of one thread and/or status."""
    qs = ContradictionEntry.objects.filter(owner=owner).select_related("memory_a", "memory_b")
    if thread_id is not None:
        qs = qs.filter(thread_id=thread_id)
    if status is not None:
        qs = qs.filter(status=status)
    return qs.order_by("-timestamp", "-seq")


def unresolved_counts(*, owner, thread_id: str) -> tuple[int, int]:
    """(unresolved total, unresolved hard conflicts) of a thread, as v0.9's chat metadata.

    REFINEMENT entries are recorded non-conflicts and never count.
    """
    counts = _unresolved(ContradictionEntry.objects.filter(owner=owner, thread_id=thread_id)).aggregate(
        total=Count("pk"), hard=Count("pk", filter=Q(contradiction_type__in=HARD_TYPES)))
    return counts["total"], counts["hard"]


def unresolved_for_slots(*, owner, thread_id: str, slots: Sequence[str]) -> list[ContradictionEntry]:
    """Unresolved (open/asked, not REFINEMENT) entries of a thread on the given slots, newest first."""
    return list(_unresolved(entries(owner=owner, thread_id=thread_id).filter(slot__in=list(slots))))


def unresolved_memory_ids(*, owner, thread_id: str) -> set[str]:
    """Ids of memories on either side of an unresolved (not REFINEMENT) entry of the thread."""
    pairs = _unresolved(ContradictionEntry.objects.filter(owner=owner, thread_id=thread_id)).values_list(
        "memory_a_id", "memory_b_id")
    return {memory_id for pair in pairs for memory_id in pair}


def entries_for_job(*, job_id: str) -> list[ContradictionEntry]:
    """Entries written by one detection job."""
    return list(ContradictionEntry.objects.filter(detection_job_id=job_id).order_by("seq"))


def status_counts(*, owner=None) -> dict[str, int]:
    """Number of ledger entries per status (all owners when ``owner`` is None)."""
    qs = ContradictionEntry.objects.all() if owner is None else ContradictionEntry.objects.filter(owner=owner)
    return dict(qs.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))


def type_counts(*, owner=None) -> dict[str, int]:
    """Number of ledger entries per contradiction type (all owners when ``owner`` is None)."""
    qs = ContradictionEntry.objects.all() if owner is None else ContradictionEntry.objects.filter(owner=owner)
    return dict(qs.order_by().values_list("contradiction_type").annotate(n=Count("pk"))
                .values_list("contradiction_type", "n"))


# --------------------------------------------------------------------------- access control
def can_see_all(user) -> bool:
    """True for active users holding ``ledger.export_all`` (Compliance group, superusers)."""
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(EXPORT_ALL_PERMISSION))


def visible_entries(*, user, all_users: bool | None = None) -> QuerySet[ContradictionEntry]:
    """Entries ``user`` may read: their own, or everyone's for compliance users.

    ``all_users=None`` means "everyone's if allowed"; ``False`` restricts a compliance user to
    their own. Related memories and owner are joined (one query per page).
    """
    qs = ContradictionEntry.objects.select_related("owner", "memory_a", "memory_b")
    if all_users is False or not can_see_all(user):
        qs = qs.filter(owner=user)
    return qs


def get_visible_entry(*, user, ledger_id: str) -> ContradictionEntry:
    """One entry ``user`` may read. Raises ``ContradictionEntry.DoesNotExist`` otherwise (→ 404)."""
    return visible_entries(user=user).get(ledger_id=ledger_id)


def entry_events(*, entry: ContradictionEntry) -> list[ResolutionEvent]:
    """The entry's resolution events, oldest first (its timeline)."""
    return list(ResolutionEvent.objects.filter(entry=entry).select_related("actor").order_by("seq"))


def ask_stats(*, ledger_ids: Sequence[str]) -> dict[str, tuple[int, float | None]]:
    """``{ledger_id: (times asked, last asked Unix seconds)}`` from ``asked`` events (v0.9 worklog)."""
    rows = (ResolutionEvent.objects.filter(entry_id__in=list(ledger_ids), action=EventAction.ASKED)
            .values("entry_id").annotate(n=Count("pk"), last=Max("timestamp")))
    return {row["entry_id"]: (row["n"], row["last"]) for row in rows}


def open_entries(*, owner, thread_id: str | None = None) -> list[ContradictionEntry]:
    """The owner's unresolved entries (open/asked, not REFINEMENT), newest first."""
    qs = _unresolved(ContradictionEntry.objects.filter(owner=owner)).select_related("memory_a", "memory_b")
    if thread_id is not None:
        qs = qs.filter(thread_id=thread_id)
    return list(qs.order_by("-seq"))


def next_entry_to_ask(*, owner, thread_id: str) -> ContradictionEntry | None:
    """The unresolved entry of a thread to ask about next: highest severity, then least asked,
    then oldest (v0.9 ``/api/contradictions/next``). None when nothing is open."""
    candidates = open_entries(owner=owner, thread_id=thread_id)
    if not candidates:
        return None
    stats = ask_stats(ledger_ids=[e.ledger_id for e in candidates])
    return min(candidates, key=lambda e: (-SEVERITY_RANK.get(e.severity, 0), stats.get(e.ledger_id, (0, None))[0],
                                          e.seq))


def daily_type_counts(*, user, start: dt.date, end: dt.date) -> dict[dt.date, dict[str, int]]:
    """Entries per UTC day and type in [start, end] (dates inclusive) visible to ``user``."""
    qs = (visible_entries(user=user).filter(created_at__date__gte=start, created_at__date__lte=end)
          .annotate(day=TruncDate("created_at")).order_by().values("day", "contradiction_type")
          .annotate(n=Count("pk")))
    counts: dict[dt.date, dict[str, int]] = {}
    for row in qs:
        counts.setdefault(row["day"], {})[row["contradiction_type"]] = row["n"]
    return counts


def chain_heads() -> dict[str, dict]:
    """The last ``seq`` and ``row_hash`` of each chain: what an export is checked against."""
    heads = {}
    for name, model in (("entries", ContradictionEntry), ("events", ResolutionEvent)):
        last = model.objects.order_by("-seq").values("seq", "row_hash").first()
        heads[name] = last or {"seq": 0, "row_hash": None}
    return heads
