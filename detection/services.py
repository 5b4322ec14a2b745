"""Detection jobs: creating them (outbox), publishing them, running them, waiting for them.

Everything here is plain Python callable without Celery; ``detection/tasks.py`` only wraps
:func:`run_detection_job`. The decision itself lives in the pure engine (``detection.engine``).
"""

from __future__ import annotations

import logging
import socket
import time

from django.db import transaction
from django.utils import timezone

from detection.engine import DETECTOR_VERSION, Finding, Statement, detect, extract_facts
from detection.models import DetectionJob, DetectionLog, JobStatus
from ledger import services as ledger_services
from memory import selectors as memory_selectors
from memory import services as memory_services
from memory.models import Memory

logger = logging.getLogger(__name__)

#: Broker publish retry policy on the request path: one quick retry, then give up and leave the
#: job pending (it stays in the outbox table; nothing is lost). Keeps /api/chat/send answering
#: when the broker is down instead of blocking on kombu's default retries.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
#: Poll interval of :func:`wait_for_job`, seconds.
WAIT_POLL_S = 0.05


def create_detection_job(*, memory: Memory) -> DetectionJob:
    """Create the pending job for a new memory; publish it once the transaction commits.

    Call inside the transaction that stores the memory: either both rows exist or neither does,
    and no worker can see a job whose memory is not committed yet.
    """
    job = DetectionJob.objects.create(owner_id=memory.owner_id, memory=memory, thread_id=memory.thread_id)
    transaction.on_commit(lambda: publish_job(job_id=job.job_id))
    return job


def publish_job(*, job_id: str) -> bool:
    """Send the Celery message for a job. Returns False (and logs) if the broker is unreachable."""
    from detection.tasks import detect_contradictions  # noqa: PLC0415 - tasks import this module

    try:
        detect_contradictions.apply_async(args=[job_id], retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:  # kombu raises OperationalError and friends; the job stays pending
        logger.exception("could not publish detection job %s; it stays pending", job_id)
        return False
    return True


def statement_from_memory(memory: Memory) -> Statement:
    """Engine view of a stored memory.

    Facts are re-extracted from the text with the running extractor (pure Python, sub-ms), so a
    detector upgrade applies to old memories too; the stored ``Fact`` rows serve candidate
    selection and answers.
    """
    embedding = tuple(float(x) for x in memory.embedding) if memory.embedding is not None else None
    facts = () if memory.is_question else tuple(extract_facts(memory.text))
    return Statement(memory_id=memory.memory_id, text=memory.text, timestamp=memory.timestamp,
                     facts=facts, embedding=embedding)


def _claim(job_id: str) -> DetectionJob | None:
    """Mark a job running (attempts + 1); None if it is already done."""
    with transaction.atomic():
        job = DetectionJob.objects.select_for_update().select_related("memory").get(job_id=job_id)
        if job.status == JobStatus.DONE:
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at"])
        return job


def _finding_evidence(finding: Finding, old: Memory, new: Memory) -> dict:
    return {
        "detector_version": DETECTOR_VERSION,
        "rule": finding.rule,
        "confidence": finding.confidence,
        "drift": finding.drift,
        "old_text": old.text,
        "new_text": new.text,
    }


def run_detection_job(*, job_id: str) -> DetectionLog:
    """Run one detection job end to end and return its log.

    Embeds the new memory (and any candidate lacking an embedding) in one batch, gathers the
    candidates (exact kNN in the thread + same-slot memories), asks the engine, writes ledger
    entries, lowers the contradicted memories' trust and writes one :class:`DetectionLog`.
    Idempotent: a job already done returns its existing log. Raises ``DetectionJob.DoesNotExist``
    for an unknown id; database errors propagate (the task retries them).
    """
    job = _claim(job_id)
    if job is None:
        return DetectionLog.objects.get(job_id=job_id)
    started = time.perf_counter()
    memory = Memory.objects.prefetch_related("facts").get(memory_id=job.memory_id)
    memory_services.ensure_embeddings(memories=[memory])
    candidates = memory_selectors.detection_candidates(memory=memory)
    memory_services.ensure_embeddings(memories=candidates)
    findings = detect(statement_from_memory(memory), [statement_from_memory(c) for c in candidates])
    by_id = {c.memory_id: c for c in candidates}

    with transaction.atomic():
        found = []
        for finding in findings:
            old = by_id[finding.old_memory_id]
            entry, created = ledger_services.record_contradiction(
                owner=memory.owner, thread_id=memory.thread_id, memory_a=old, memory_b=memory,
                slot=finding.slot, old_value=finding.old_value, new_value=finding.new_value,
                contradiction_type=finding.contradiction_type, severity=finding.severity,
                confidence=finding.confidence,
                drift=finding.drift, summary=finding.summary,
                evidence=_finding_evidence(finding, old, memory), detection_job=job,
            )
            if created:
                memory_services.apply_contradiction_trust(memory_id=old.memory_id, drift=finding.drift)
            found.append({"ledger_id": entry.ledger_id, "old_memory_id": old.memory_id, "slot": finding.slot,
                          "type": finding.contradiction_type, "severity": finding.severity,
                          "confidence": finding.confidence,
                          "rule": finding.rule})
        latency_ms = int(round((time.perf_counter() - started) * 1000))
        end_to_end_ms = int(round((time.time() - memory.timestamp) * 1000))
        log, _ = DetectionLog.objects.get_or_create(
            job=job,
            defaults={
                "owner_id": job.owner_id, "memory": memory,
                "potential_conflicts": [c.memory_id for c in candidates],
                "contradictions_found": found, "detection_latency_ms": latency_ms,
                "end_to_end_ms": max(end_to_end_ms, 0), "detector_version": DETECTOR_VERSION,
                "worker": socket.gethostname(),
            },
        )
        DetectionJob.objects.filter(job_id=job_id).update(status=JobStatus.DONE, finished_at=timezone.now(),
                                                           last_error="")
    logger.info("detection job %s: %d candidates, %d contradictions, %d ms",
                job_id, len(candidates), len(found), latency_ms)
    return log


def mark_failed(*, job_id: str, error: str) -> None:
    """Record a job's last error and mark it failed (it may still be retried)."""
    DetectionJob.objects.filter(job_id=job_id).exclude(status=JobStatus.DONE).update(
        status=JobStatus.FAILED, last_error=error[:5000], finished_at=timezone.now()
    )


def wait_for_job(*, job_id: str, timeout_ms: int) -> DetectionJob:
    """Poll until the job is done or ``timeout_ms`` (milliseconds) elapsed; return its latest row.

    Used by ``/api/chat/send?wait_ms=`` for v0.9 clients that expect the detection result of the
    message they just sent. Raises ``DetectionJob.DoesNotExist`` for an unknown id.
    """
    deadline = time.monotonic() + max(timeout_ms, 0) / 1000
    while True:
        job = DetectionJob.objects.get(job_id=job_id)
        if job.status == JobStatus.DONE or time.monotonic() >= deadline:
            return job
        time.sleep(WAIT_POLL_S)
