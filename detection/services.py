"""Detection jobs: creating them (outbox), publishing them, running them, waiting for them.

Everything here is plain Python callable without Celery; ``detection/tasks.py`` only wraps
:func:`run_detection_job` and :func:`republish_stale_jobs`. The decision itself lives in the pure
engine (``detection.engine``).

Reliability design (issue #5, docs/PIPELINE.md):

* **Outbox.** :func:`create_detection_job` writes the pending job in the memory's transaction and
  publishes it after commit. If the broker is down the request still succeeds; the job stays
  ``pending`` and :func:`republish_stale_jobs` (a beat task, every ``CRT_OUTBOX_SWEEP_S``)
  publishes it again once it is ``CRT_OUTBOX_REPUBLISH_AFTER_S`` old.
* **Exactly-once effects.** A job may run twice (``acks_late``, re-publishing): its log is unique
  per job and ledger entries are unique per (older memory, newer memory, slot) in the database.
* **No missed pair.** Detection of one (owner, thread) runs under a transaction-scoped advisory
  lock (:func:`lock_thread`) and reads its candidates only after taking it; "earlier" means an
  older ``(timestamp, memory_id)``, as in ``memory.selectors``. Earlier memories still without an
  embedding are embedded first, so the exact kNN sees every one. A memory committed after a
  *later* memory of its thread was already processed is flagged ``late_commit`` at write time
  (under the same lock) and its job re-checks those later memories.
* **Dead letters.** Bad data, or transient errors past ``CRT_DETECTION_MAX_RETRIES``, mark the job
  ``dead`` with the error; :func:`requeue_dead_jobs` (``manage.py requeue_dead_jobs``) re-runs them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import time
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.db.models import Count, F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from crtproject import metrics
from detection.evaluation import build_statement
from detection.engine import DETECTOR_VERSION, Finding, Statement, detect
from detection.models import UNFINISHED_STATUSES, DetectionJob, DetectionLog, JobStatus
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
#: ``CRT_DETECTION_MODE`` values: ``async`` publishes to the workers (default); ``sync`` runs
#: detection inside the request after commit (the v0.9 design, for benchmarks only); ``off``
#: publishes nothing (jobs stay pending; for benchmarks and maintenance windows).
DETECTION_MODES = ("async", "sync", "off")
#: First key of the two-int advisory lock that serializes detection per (owner, thread): "CRT0".
#: The two-key space never collides with single-bigint advisory locks used elsewhere.
THREAD_LOCK_NAMESPACE = 0x43525430
#: Outcomes counted by ``crt_detection_jobs_republished_total{reason}`` (docs/RUNBOOK.md).
REPUBLISH_REASONS = ("unpublished", "lost", "stale_running", "stale_failed")

#: Errors worth retrying: the database or the broker was unreachable (connection errors, deadlock
#: and serialization failures are OperationalError), or the job hit its soft time limit.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerOperationalError, ConnectionError, TimeoutError,
                    SoftTimeLimitExceeded)

_broker_down_until = 0.0  # monotonic time before which this process does not try to publish


class DeadJobError(Exception):
    """The job is dead (a dead letter); it runs again only after :func:`requeue_dead_jobs`."""


def _setting(name: str, default):
    return getattr(settings, name, default)


def detection_mode() -> str:
    """The configured ``CRT_DETECTION_MODE`` (``async``, ``sync`` or ``off``).

    Raises ``ImproperlyConfigured`` for any other value.
    """
    mode = _setting("CRT_DETECTION_MODE", "async")
    if mode not in DETECTION_MODES:
        raise ImproperlyConfigured(f"CRT_DETECTION_MODE must be one of {DETECTION_MODES}, not {mode!r}")
    return mode


def max_attempts() -> int:
    """Claims allowed per job before it is declared dead: ``CRT_DETECTION_MAX_RETRIES`` + 1."""
    return int(_setting("CRT_DETECTION_MAX_RETRIES", 5)) + 1


def retry_delay_s(retries: int) -> float:
    """Seconds to wait before retry number ``retries + 1`` of a job after a transient error.

    Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
    Jitter", 2015): uniform in [0, min(cap, base·2^retries)], base ``CRT_DETECTION_RETRY_BACKOFF_S``
    (1 s) and cap ``CRT_DETECTION_RETRY_BACKOFF_MAX_S`` (60 s) — baseline choices; celery's own
    implementation of the formula is used.
    """
    return float(get_exponential_backoff_interval(
        factor=float(_setting("CRT_DETECTION_RETRY_BACKOFF_S", 1)), retries=retries,
        maximum=float(_setting("CRT_DETECTION_RETRY_BACKOFF_MAX_S", 60)), full_jitter=True,
    ))


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# --------------------------------------------------------------------------- per-thread lock
def thread_lock_key(*, owner_id: int, thread_id: str) -> tuple[int, int]:
    """The (namespace, key) int4 pair of the advisory lock of one owner's thread.

    The key is 32 bits of BLAKE2b over ``"<owner_id>:<thread_id>"``; a collision only makes two
    threads share a lock (more serialization, never a missed pair).
    """
    digest = hashlib.blake2b(f"{owner_id}:{thread_id}".encode(), digest_size=4).digest()
    return THREAD_LOCK_NAMESPACE, int.from_bytes(digest, "big", signed=True)


def lock_thread(*, owner_id: int, thread_id: str) -> None:
    """Wait for the thread's detection lock; it is held until the current transaction ends.

    Raises ``TransactionManagementError`` outside ``transaction.atomic()`` (the lock would be
    released at once).
    """
    if not connection.in_atomic_block:
        raise TransactionManagementError("lock_thread() must be called inside transaction.atomic()")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", thread_lock_key(owner_id=owner_id, thread_id=thread_id))


def _try_lock_thread(*, owner_id: int, thread_id: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)",
                       thread_lock_key(owner_id=owner_id, thread_id=thread_id))
        return bool(cursor.fetchone()[0])


def _later_in_thread(*, owner_id: int, thread_id: str, timestamp: float, memory_id: str):
    return DetectionJob.objects.filter(owner_id=owner_id, thread_id=thread_id).filter(
        Q(memory_ts__gt=timestamp) | Q(memory_ts=timestamp, memory_id__gt=memory_id)
    )


def _is_late_commit(memory: Memory) -> bool:
    """True if a later memory of the thread may already have been processed without this one.

    Called in the memory's write transaction. When the thread lock is free, this transaction
    keeps it until commit, so no detection of the thread can read in between: the answer is
    exact. When a detection holds it right now, answer True (the job then re-checks; harmless).
    """
    if not _try_lock_thread(owner_id=memory.owner_id, thread_id=memory.thread_id):
        return True
    return _later_in_thread(owner_id=memory.owner_id, thread_id=memory.thread_id, timestamp=memory.timestamp,
                            memory_id=memory.memory_id).filter(status=JobStatus.DONE).exists()


# --------------------------------------------------------------------------- outbox
def create_detection_job(*, memory: Memory) -> DetectionJob:
    """Create the pending job for a new memory; publish it once the transaction commits.

    Call inside the transaction that stores the memory: either both rows exist or neither does,
    and no worker can see a job whose memory is not committed yet. What happens after commit
    depends on ``CRT_DETECTION_MODE``: ``async`` publishes to the broker (failures leave the job
    pending for the outbox sweeper), ``sync`` runs the detection in this process, ``off`` does
    nothing. Raises ``django.db.DatabaseError`` if the row cannot be written.
    """
    job = DetectionJob.objects.create(owner_id=memory.owner_id, memory=memory, thread_id=memory.thread_id,
                                      memory_ts=memory.timestamp, late_commit=_is_late_commit(memory))
    mode = detection_mode()
    if mode == "async":
        transaction.on_commit(lambda: publish_job(job_id=job.job_id))
    elif mode == "sync":
        transaction.on_commit(lambda: run_job_inline(job_id=job.job_id))
    return job


def publish_job(*, job_id: str) -> bool:
    """Send the Celery message for a job; True when the broker accepted it.

    Returns False (and logs) when the broker is unreachable; the job stays pending and the
    outbox sweeper publishes it later. After a failure this process skips publishing for
    ``CRT_PUBLISH_BACKOFF_S`` seconds (5 s, baseline choice) so that a broker outage costs the API
    one failed connection attempt per process, not one per request.
    """
    global _broker_down_until
    from detection.tasks import detect_contradictions  # noqa: PLC0415 - tasks import this module

    if time.monotonic() < _broker_down_until:
        metrics.PUBLISH_FAILURES.labels(reason="backoff").inc()
        return False
    try:
        detect_contradictions.apply_async(args=[job_id], task_id=job_id, retry=True,
                                          retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:  # kombu raises OperationalError and friends; the job stays pending
        _broker_down_until = time.monotonic() + float(_setting("CRT_PUBLISH_BACKOFF_S", 5))
        metrics.PUBLISH_FAILURES.labels(reason="broker_error").inc()
        logger.warning("could not publish detection job %s; it stays pending for the outbox sweeper", job_id,
                       exc_info=True)
        return False
    try:
        DetectionJob.objects.filter(job_id=job_id).update(published_at=timezone.now(),
                                                          publish_count=F("publish_count") + 1)
    except DatabaseError:  # the message is out; the bookkeeping is only for the sweeper
        logger.warning("published job %s but could not record it", job_id, exc_info=True)
    return True


def republish_stale_jobs(*, limit: int = 500) -> dict[str, int]:
    """The outbox sweeper: publish again the jobs whose message was never sent or got lost.

    Picks, oldest first and at most ``limit`` per reason (rows locked with SKIP LOCKED, so two
    sweepers never double-publish):

    * ``unpublished``: pending, never published, older than ``CRT_OUTBOX_REPUBLISH_AFTER_S`` (30 s,
      issue #5) — the broker was down at write time or the web process died before publishing;
    * ``lost``: pending, last published that long ago, while the broker queue is empty (a queued
      message would still be waiting there), or more than ``CRT_OUTBOX_LOST_AFTER_S`` (600 s) ago;
    * ``stale_running``: running for more than ``CRT_STALE_RUNNING_S`` (hard time limit + 60 s):
      its worker died and the broker did not redeliver; marked dead instead when its attempts
      are used up;
    * ``stale_failed``: failed (retry scheduled) that long ago — the retry message was lost.

    Does nothing in ``CRT_DETECTION_MODE=off``. Stops at the first publish failure (broker down).
    Returns ``{reason: jobs published, ..., "dead": jobs declared dead}``.
    """
    counts = {reason: 0 for reason in REPUBLISH_REASONS} | {"dead": 0}
    if detection_mode() == "off":
        return counts
    now = timezone.now()
    after = timedelta(seconds=float(_setting("CRT_OUTBOX_REPUBLISH_AFTER_S", 30)))
    lost_after = timedelta(seconds=float(_setting("CRT_OUTBOX_LOST_AFTER_S", 600)))
    stale = timedelta(seconds=float(_setting("CRT_STALE_RUNNING_S", 180)))
    depth = queue_depth()
    lost = Q(published_at__lt=now - lost_after)
    if depth == 0:
        lost |= Q(published_at__lt=now - after)
    selections = {
        "unpublished": Q(status=JobStatus.PENDING, published_at__isnull=True, created_at__lt=now - after),
        "lost": Q(status=JobStatus.PENDING) & lost,
        "stale_running": Q(status=JobStatus.RUNNING, started_at__lt=now - stale),
        "stale_failed": Q(status=JobStatus.FAILED, finished_at__lt=now - stale),
    }
    for reason, condition in selections.items():
        with transaction.atomic():
            jobs = list(DetectionJob.objects.select_for_update(skip_locked=True).filter(condition)
                        .order_by("created_at").values_list("job_id", "attempts")[:limit])
            for job_id, attempts in jobs:
                if reason in ("stale_running", "stale_failed") and attempts >= max_attempts():
                    DetectionJob.objects.filter(job_id=job_id).update(
                        status=JobStatus.DEAD, finished_at=timezone.now(),
                        last_error=f"gave up after {attempts} attempts (last attempt never finished)")
                    metrics.JOBS_FAILED.labels(reason="stale").inc()
                    counts["dead"] += 1
                    continue
                if not publish_job(job_id=job_id):
                    logger.warning("outbox sweep stopped: broker unreachable (%s)", counts)
                    return counts
                metrics.JOBS_REPUBLISHED.labels(reason=reason).inc()
                counts[reason] += 1
    if any(counts.values()):
        logger.info("outbox sweep: %s", ", ".join(f"{k}={v}" for k, v in counts.items() if v))
    return counts


def requeue_dead_jobs(*, job_ids: list[str] | None = None, limit: int | None = None, inline: bool = False,
                      dry_run: bool = False, progress=None) -> list[str]:
    """Give dead jobs (dead letters) a fresh set of attempts and run them again.

    ``job_ids`` restricts to those ids (others' states are left alone; ids that are not dead are
    ignored). Each job goes back to ``pending`` with ``attempts = 0`` (``last_error`` is kept until
    it succeeds) and is published (left pending in ``CRT_DETECTION_MODE=off``), or run in this
    process with ``inline=True``. ``dry_run`` only lists them. ``progress`` is called once per job (e.g. a tqdm ``update``). Returns the ids.
    """
    qs = DetectionJob.objects.filter(status=JobStatus.DEAD).order_by("created_at")
    if job_ids is not None:
        qs = qs.filter(job_id__in=job_ids)
    ids = list(qs.values_list("job_id", flat=True)[:limit] if limit else qs.values_list("job_id", flat=True))
    if dry_run:
        return ids
    for job_id in ids:
        updated = DetectionJob.objects.filter(job_id=job_id, status=JobStatus.DEAD).update(
            status=JobStatus.PENDING, attempts=0, started_at=None, finished_at=None, claimed_by="")
        if updated:
            if inline:
                run_job_inline(job_id=job_id)
            elif detection_mode() != "off":
                publish_job(job_id=job_id)
        if progress is not None:
            progress(1)
    return ids


def run_job_inline(*, job_id: str) -> str:
    """Run a job in this process (``sync`` mode, ``requeue_dead_jobs --inline``); never raises.

    Returns the job's status afterwards. A transient error leaves it ``failed`` for the outbox
    sweeper; any other error marks it dead, as in the worker.
    """
    try:
        log = run_detection_job(job_id=job_id)
        observe_job(log)
    except DeadJobError:
        pass
    except TRANSIENT_ERRORS as exc:
        record_failure(job_id=job_id, error=repr(exc), dead=False)
    except Exception as exc:  # bad data: a dead letter, visible in the admin
        logger.exception("detection job %s failed", job_id)
        record_failure(job_id=job_id, error=repr(exc), dead=True)
    return DetectionJob.objects.filter(job_id=job_id).values_list("status", flat=True).first() or "unknown"


def observe_job(log: DetectionLog) -> None:
    """Record a finished job's latencies and contradictions in the Prometheus metrics."""
    metrics.JOBS_PROCESSED.inc()
    metrics.DETECTION_LATENCY.observe((log.end_to_end_ms or 0) / 1000)
    metrics.DETECTION_PROCESSING.observe(log.detection_latency_ms / 1000)
    for found in log.contradictions_found:
        metrics.CONTRADICTIONS_RECORDED.labels(type=found.get("type", "")).inc()


def record_failure(*, job_id: str, error: str, dead: bool, reason: str = "error") -> None:
    """Mark a job failed (retry scheduled) or dead and count it; never raises.

    ``reason`` labels ``crt_detection_jobs_failed_total`` for dead jobs (``error`` for bad data,
    ``retries_exhausted`` for transient errors past the retries). Closes a broken database
    connection first (the error that got us here may have broken it); if the database is still
    unreachable the job stays ``running`` and the outbox sweeper handles it after
    ``CRT_STALE_RUNNING_S``.
    """
    from django.db import close_old_connections  # noqa: PLC0415

    if dead:
        metrics.JOBS_FAILED.labels(reason=reason).inc()
    else:
        metrics.JOBS_RETRIED.inc()
    try:
        if not connection.in_atomic_block:  # never inside a caller's transaction (tests, admin)
            close_old_connections()
        (mark_dead if dead else mark_failed)(job_id=job_id, error=error)
    except DatabaseError:
        logger.warning("could not record the failure of job %s (database unreachable)", job_id, exc_info=True)


def statement_from_memory(memory: Memory) -> Statement:
    """Engine view of a stored memory, built exactly as the evaluation harness builds statements.

    Facts are re-extracted from the text with the running extractor (pure Python, sub-ms), so a
    detector upgrade applies to old memories too; the stored ``Fact`` rows serve candidate
    selection and answers.
    """
    return build_statement(memory_id=memory.memory_id, text=memory.text, timestamp=memory.timestamp,
                           embedding=memory.embedding)


def _claim(job_id: str) -> DetectionJob | None:
    """Mark a job running (attempts + 1); None if it is already done.

    Raises :class:`DeadJobError` for a dead job, and declares a job dead (then raises) once it
    has been claimed ``max_attempts()`` times — a poison message that kills its worker process
    would otherwise be redelivered forever (``task_reject_on_worker_lost``).
    """
    with transaction.atomic():
        job = DetectionJob.objects.select_for_update().select_related("memory").get(job_id=job_id)
        if job.status == JobStatus.DONE:
            return None
        if job.status == JobStatus.DEAD:
            raise DeadJobError(f"detection job {job_id} is dead: {job.last_error[:200]}")
        exhausted = job.attempts >= max_attempts()
        if exhausted:
            job.status, job.finished_at = JobStatus.DEAD, timezone.now()
            job.last_error = f"gave up after {job.attempts} attempts; last error: {job.last_error[:4000]}"
            job.save(update_fields=["status", "finished_at", "last_error"])
        else:
            job.status = JobStatus.RUNNING
            job.attempts += 1
            job.started_at = timezone.now()
            job.claimed_by = _worker_name()
            job.save(update_fields=["status", "attempts", "started_at", "claimed_by"])
    if exhausted:  # raised after the commit, so the dead status stays
        metrics.JOBS_FAILED.labels(reason="attempts").inc()
        raise DeadJobError(f"detection job {job_id} used its {job.attempts} attempts")
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

    Embeds the new memory, then — holding the thread's lock (:func:`lock_thread`) — embeds any
    earlier memory of the thread still lacking a vector, gathers the candidates (exact kNN in the
    thread + same-slot memories), asks the engine, writes ledger entries, lowers the contradicted
    memories' trust, re-checks later memories for a ``late_commit`` job, and writes one
    :class:`DetectionLog` and the ``done`` status in the same transaction.
    Idempotent: a job already done returns its existing log. Raises ``DetectionJob.DoesNotExist``
    for an unknown id and :class:`DeadJobError` for a dead one; database errors propagate (the
    task retries them).
    """
    job = _claim(job_id)
    if job is None:
        return DetectionLog.objects.get(job_id=job_id)
    started = time.perf_counter()
    memory = Memory.objects.prefetch_related("facts").get(memory_id=job.memory_id)
    _embed_with_queued(memory)

    with transaction.atomic():
        # Issue #5: one detection per (owner, thread) at a time, reading only after the lock.
        lock_thread(owner_id=memory.owner_id, thread_id=memory.thread_id)
        _embed_earlier_in_thread(memory)
        candidates, found = _detect_and_record(memory=memory, job=job)
        if job.late_commit:
            found += _recheck_later_memories(memory=memory, job=job)
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


def _detect_and_record(*, memory: Memory, job: DetectionJob) -> tuple[list[Memory], list[dict]]:
    """Compare ``memory`` with its earlier memories and record the findings (caller holds the lock).

    Returns (candidates, found) where ``found`` lists the ``contradictions_found`` dicts of the
    log. Entries are attributed to ``job`` (for a late-commit re-check, the job that ran it).
    """
    candidates = memory_selectors.detection_candidates(memory=memory)
    memory_services.ensure_embeddings(memories=candidates)
    from detection import classifier  # noqa: PLC0415 - keeps scikit-learn/SciPy out of web processes

    pair_scorer, pair_threshold = classifier.get_scorer()
    findings = detect(statement_from_memory(memory), [statement_from_memory(c) for c in candidates],
                      pair_scorer=pair_scorer, pair_threshold=pair_threshold)
    by_id = {c.memory_id: c for c in candidates}
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
        if created and finding.is_contradiction:  # a REFINEMENT is recorded, not held against trust
            memory_services.apply_contradiction_trust(memory_id=old.memory_id, drift=finding.drift)
        found.append({"ledger_id": entry.ledger_id, "old_memory_id": old.memory_id, "slot": finding.slot,
                      "type": finding.contradiction_type, "severity": finding.severity,
                      "confidence": finding.confidence,
                      "rule": finding.rule, "new_memory_id": memory.memory_id})
    return candidates, found


def _embed_with_queued(memory: Memory) -> int:
    """Embed ``memory`` together with up to ``CRT_EMBED_AHEAD`` − 1 memories of other queued jobs.

    One batched encode costs far less per sentence than one encode per job (NOTES.md: ~475
    sentences/s batched vs 8.6 ms single; docs/BENCHMARKS.md has the pipeline figures), so under a
    backlog each job embeds the next ones and they find their vector ready. Runs in autocommit; if
    writing the batch fails (e.g. a deadlock with a detection holding one of those rows), only
    ``memory`` is embedded. ``CRT_EMBED_AHEAD`` ≤ 1 turns the batching off. Returns how many it embedded.
    """
    if memory.embedding is not None:
        return 0
    ahead = int(_setting("CRT_EMBED_AHEAD", 16))
    batch = [memory]
    if ahead > 1 and not connection.in_atomic_block:
        # A read of memory's table: the memories of pending jobs that still lack a vector.
        batch += list(Memory.objects.filter(embedding__isnull=True, detection_jobs__status=JobStatus.PENDING)
                      .exclude(memory_id=memory.memory_id).order_by("timestamp")
                      .only("memory_id", "text", "embedding")[:ahead - 1])
    try:
        return memory_services.ensure_embeddings(memories=batch)
    except DatabaseError:
        logger.warning("batched embedding of %d memories failed; embedding %s alone", len(batch),
                       memory.memory_id, exc_info=True)
        memory.embedding = None
        return memory_services.ensure_embeddings(memories=[memory])


def _embed_earlier_in_thread(memory: Memory) -> int:
    """Embed the thread's earlier memories that have no vector yet (their jobs have not run).

    Without this the exact kNN (``embedding IS NOT NULL``) would skip a memory whose own job is
    running on another worker right now: a missed pair. Usually finds nothing. Returns how many.
    """
    # A read of memory's table from detection; memory.selectors has no "unembedded" selector yet.
    earlier = Memory.objects.filter(owner_id=memory.owner_id, thread_id=memory.thread_id, embedding__isnull=True).filter(
        Q(timestamp__lt=memory.timestamp) | Q(timestamp=memory.timestamp, memory_id__lt=memory.memory_id)
    ).only("memory_id", "text", "embedding")
    return memory_services.ensure_embeddings(memories=list(earlier))


def _recheck_later_memories(*, memory: Memory, job: DetectionJob) -> list[dict]:
    """Re-run detection of the thread's later, already processed memories, now that ``memory``
    (committed late) is visible to them. Ledger uniqueness makes repeats no-ops."""
    later_ids = list(
        _later_in_thread(owner_id=memory.owner_id, thread_id=memory.thread_id, timestamp=memory.timestamp,
                         memory_id=memory.memory_id)
        .filter(status=JobStatus.DONE).order_by("memory_ts", "memory_id").values_list("memory_id", flat=True)
    )
    found: list[dict] = []
    for later in Memory.objects.prefetch_related("facts").filter(memory_id__in=later_ids).order_by("timestamp", "memory_id"):
        _embed_earlier_in_thread(later)
        found += _detect_and_record(memory=later, job=job)[1]
    if later_ids:
        logger.info("late-commit job %s re-checked %d later memories: %d contradictions", job.job_id,
                    len(later_ids), len(found))
    return found


def mark_failed(*, job_id: str, error: str) -> None:
    """Record a job's last error and mark it failed (a retry is scheduled)."""
    DetectionJob.objects.filter(job_id=job_id).exclude(status__in=[JobStatus.DONE, JobStatus.DEAD]).update(
        status=JobStatus.FAILED, last_error=error[:5000], finished_at=timezone.now()
    )


def mark_dead(*, job_id: str, error: str) -> None:
    """Record a job's error and mark it dead (a dead letter, shown in the admin; not retried)."""
    DetectionJob.objects.filter(job_id=job_id).exclude(status=JobStatus.DONE).update(
        status=JobStatus.DEAD, last_error=error[:5000], finished_at=timezone.now()
    )


def wait_for_job(*, job_id: str, timeout_ms: int) -> DetectionJob:
    """Poll until the job is done (or dead) or ``timeout_ms`` (milliseconds) elapsed; return its row.

    Used by ``/api/chat/send?wait_ms=`` for v0.9 clients that expect the detection result of the
    message they just sent. Raises ``DetectionJob.DoesNotExist`` for an unknown id.
    """
    deadline = time.monotonic() + max(timeout_ms, 0) / 1000
    while True:
        job = DetectionJob.objects.get(job_id=job_id)
        if job.status in (JobStatus.DONE, JobStatus.DEAD) or time.monotonic() >= deadline:
            return job
        time.sleep(WAIT_POLL_S)


# --------------------------------------------------------------------------- health reads
def job_status_counts() -> dict[str, int]:
    """Number of unfinished and dead jobs per status, e.g. ``{"pending": 3, "dead": 1}``.

    ``done`` is left out on purpose: counting it scans the whole table; the processed-jobs
    counter of the metrics answers that question.
    """
    rows = (DetectionJob.objects.filter(status__in=[*UNFINISHED_STATUSES, JobStatus.DEAD])
            .values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    counts = {status: 0 for status in [*UNFINISHED_STATUSES, JobStatus.DEAD]}
    counts.update(dict(rows))
    return {str(k): v for k, v in counts.items()}


def outbox_lag_s() -> float:
    """Age in seconds of the oldest pending job (0.0 when none is pending)."""
    oldest = DetectionJob.objects.filter(status=JobStatus.PENDING).order_by("created_at").values_list(
        "created_at", flat=True).first()
    return max((timezone.now() - oldest).total_seconds(), 0.0) if oldest else 0.0


def queue_depth(*, timeout_s: float = 1.0) -> int | None:
    """Messages waiting in the detection queue of the broker; None if the broker is unreachable.

    Uses a passive queue declaration (Redis: the summed lengths of the priority lists). A queue
    the broker does not know yet (Redis deletes empty lists) counts as 0.
    """
    from kombu.exceptions import ChannelError  # noqa: PLC0415

    from crtproject.celery import app  # noqa: PLC0415

    try:
        with app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout_s)
            try:
                return int(conn.default_channel.queue_declare(queue=app.conf.task_default_queue,
                                                              passive=True).message_count)
            except ChannelError:
                return 0
    except Exception:  # broker down or misconfigured: the caller reports "unknown"
        logger.debug("queue depth unavailable", exc_info=True)
        return None


def responding_workers(*, timeout_s: float = 1.0) -> list[str] | None:
    """Names of Celery workers answering a broadcast ping within ``timeout_s`` seconds.

    Returns as soon as one answers (``limit=1``); an empty list when none did; None when the
    broker itself is unreachable.
    """
    from crtproject.celery import app  # noqa: PLC0415

    try:
        replies = app.control.ping(timeout=timeout_s, limit=1) or []
    except Exception:
        logger.debug("worker ping failed", exc_info=True)
        return None
    return sorted(name for reply in replies for name in reply)
