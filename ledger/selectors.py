"""Reads of the ledger, always scoped to one owner."""

from __future__ import annotations

from typing import Sequence

from django.db.models import Count, Q, QuerySet

from ledger.models import HARD_TYPES, UNRESOLVED_STATUSES, ContradictionEntry


def entries(*, owner, thread_id: str | None = None, status: str | None = None) -> QuerySet[ContradictionEntry]:
    """The owner's ledger entries, newest first, optionally of one thread and/or status."""
    qs = ContradictionEntry.objects.filter(owner=owner).select_related("memory_a", "memory_b")
    if thread_id is not None:
        qs = qs.filter(thread_id=thread_id)
    if status is not None:
        qs = qs.filter(status=status)
    return qs.order_by("-timestamp")


def unresolved_counts(*, owner, thread_id: str) -> tuple[int, int]:
    """(unresolved total, unresolved hard conflicts) of a thread, as v0.9's chat metadata."""
    counts = ContradictionEntry.objects.filter(
        owner=owner, thread_id=thread_id, status__in=UNRESOLVED_STATUSES
    ).aggregate(total=Count("pk"), hard=Count("pk", filter=Q(contradiction_type__in=HARD_TYPES)))
    return counts["total"], counts["hard"]


def unresolved_for_slots(*, owner, thread_id: str, slots: Sequence[str]) -> list[ContradictionEntry]:
    """Unresolved entries of a thread on the given slots, newest first."""
    return list(
        entries(owner=owner, thread_id=thread_id).filter(slot__in=list(slots), status__in=UNRESOLVED_STATUSES)
    )


def unresolved_memory_ids(*, owner, thread_id: str) -> set[str]:
    """Ids of memories on either side of an unresolved entry of the thread."""
    pairs = ContradictionEntry.objects.filter(
        owner=owner, thread_id=thread_id, status__in=UNRESOLVED_STATUSES
    ).values_list("memory_a_id", "memory_b_id")
    return {memory_id for pair in pairs for memory_id in pair}


def entries_for_job(*, job_id: str) -> list[ContradictionEntry]:
    """Entries written by one detection job."""
    return list(ContradictionEntry.objects.filter(detection_job_id=job_id).order_by("timestamp"))


def status_counts(*, owner=None) -> dict[str, int]:
    """Number of ledger entries per status (all owners when ``owner`` is None)."""
    qs = ContradictionEntry.objects.all() if owner is None else ContradictionEntry.objects.filter(owner=owner)
    return dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))


def type_counts(*, owner=None) -> dict[str, int]:
    """Number of ledger entries per contradiction type (all owners when ``owner`` is None)."""
    qs = ContradictionEntry.objects.all() if owner is None else ContradictionEntry.objects.filter(owner=owner)
    return dict(qs.values_list("contradiction_type").annotate(n=Count("pk")).values_list("contradiction_type", "n"))
