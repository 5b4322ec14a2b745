"""Writes to the ledger. The detection worker records contradictions only through this module."""

from __future__ import annotations

from django.db import transaction

from ledger.models import ContradictionEntry


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
) -> tuple[ContradictionEntry, bool]:
    """Record that ``memory_b`` (newer) contradicts ``memory_a`` (older) on ``slot``.

    Idempotent: the (memory_a, memory_b, slot) triple is unique in the database, so a job that
    runs twice returns the existing entry with ``created=False``. ``confidence`` must be in
    [0, 1] (check constraint; ``django.db.IntegrityError`` otherwise). Returns (entry, created).
    """
    with transaction.atomic():
        return ContradictionEntry.objects.get_or_create(
            memory_a=memory_a,
            memory_b=memory_b,
            slot=slot,
            defaults={
                "owner": owner,
                "thread_id": thread_id,
                "contradiction_type": contradiction_type,
                "severity": severity,
                "confidence": confidence,
                "drift_mean": drift,
                "drift_max": drift,
                "old_value": old_value,
                "new_value": new_value,
                "summary": summary,
                "evidence": evidence,
                "detection_job": detection_job,
            },
        )
