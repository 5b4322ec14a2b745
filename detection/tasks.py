"""Celery tasks of the detection app: thin wrappers around detection.services.

Retry policy (issue #5): transient errors (database or broker unreachable, deadlocks, the soft
time limit) are retried up to ``CRT_DETECTION_MAX_RETRIES`` times with exponential backoff and
full jitter (:func:`detection.services.retry_delay_s`); anything else is bad data and goes dead at
once, as do jobs whose retries are used up. Both end as dead letters in the admin, re-run with
``manage.py requeue_dead_jobs``. A task processes a batch of pending jobs
(``CRT_DETECTION_BATCH``, see :func:`detection.services.run_detection_batch`); the messages of the
other jobs of the batch then find them done (in the worker's consumer, without a trip through the
pool, when this worker ran the batch: :mod:`detection.fastpath`). Messages are acknowledged late and rejected back to the queue
when the worker process dies (settings: ``CELERY_TASK_ACKS_LATE``,
``CELERY_TASK_REJECT_ON_WORKER_LOST``); running a job twice is harmless.
"""

from __future__ import annotations

import logging
import time
import traceback

from celery import shared_task
from celery.signals import worker_process_init, worker_process_shutdown
from django.conf import settings

from crtproject import metrics
from detection import services
from detection.models import DetectionJob

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="detection.detect_contradictions",
    acks_late=True,
    max_retries=settings.CRT_DETECTION_MAX_RETRIES,
    soft_time_limit=settings.CRT_DETECTION_SOFT_TIME_LIMIT_S,
    time_limit=settings.CRT_DETECTION_TIME_LIMIT_S,
    Strategy="detection.fastpath:done_job_strategy",
)
def detect_contradictions(self, job_id: str) -> dict:
    """Run detection job ``job_id``, with up to ``CRT_DETECTION_BATCH`` − 1 other pending jobs.

    Returns ``{"job_id", "contradictions": n, "latency_ms", "batch": jobs processed}`` when it ran
    the job, ``{"job_id", "contradictions", "latency_ms", "batched_by": leader job id}`` when another
    task's batch had already done it, ``{"job_id", "busy": True}`` when a live worker is processing
    it right now (that worker writes its result), or ``{"job_id", "error"}`` for an unknown or dead
    job (the message is dropped). Re-raises after marking the job dead so the task shows as failed
    in Flower; raises ``celery.exceptions.Retry`` to schedule a retry.
    """
    received = time.time()
    try:
        outcome = services.run_detection_batch(job_id=job_id, limit=settings.CRT_DETECTION_BATCH)
    except DetectionJob.DoesNotExist:
        logger.error("detection job %s does not exist; dropping the message", job_id)
        return {"job_id": job_id, "error": "unknown job"}
    except services.DeadJobError as exc:
        logger.warning("%s; dropping the message (requeue_dead_jobs re-runs it)", exc)
        return {"job_id": job_id, "error": "dead job"}
    except services.TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            logger.error("detection job %s: %r after %d retries; marking it dead", job_id, exc, self.request.retries)
            services.record_failure(job_id=job_id, error=_describe(exc), dead=True, reason="retries_exhausted")
            raise
        delay = services.retry_delay_s(self.request.retries)
        logger.warning("detection job %s: %r; retry %d/%d in %.1fs", job_id, exc, self.request.retries + 1,
                       self.max_retries, delay)
        services.record_failure(job_id=job_id, error=_describe(exc), dead=False)
        raise self.retry(exc=exc, countdown=delay)
    except Exception as exc:  # bad data: retrying cannot help
        logger.exception("detection job %s failed on bad data; marking it dead", job_id)
        services.record_failure(job_id=job_id, error=_describe(exc), dead=True, reason="error")
        raise
    if outcome.status == "busy":
        logger.debug("detection job %s is being processed by %s; dropping this message", job_id,
                     outcome.job.claimed_by)
        return {"job_id": job_id, "busy": True}
    log = outcome.log
    result = {"job_id": job_id, "contradictions": len(log.contradictions_found), "latency_ms": log.detection_latency_ms}
    if outcome.status == "done":
        leader = outcome.job.batch_leader
        if leader and leader != job_id:
            return {**result, "batched_by": leader}  # its message arrived after another task's batch ran it
        if log.created_at.timestamp() < received:
            metrics.JOBS_DUPLICATE.inc()  # redelivered after it was done: nothing was written
        return result
    for batch_log in outcome.logs:
        services.observe_job(batch_log)
    return {**result, "batch": len(outcome.logs)}


@shared_task(name="detection.republish_stale_jobs", ignore_result=True)
def republish_stale_jobs() -> dict:
    """Outbox sweep (celery beat, every ``CRT_OUTBOX_SWEEP_S``): see detection.services."""
    return services.republish_stale_jobs()


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


@worker_process_shutdown.connect(weak=False)
def _mark_metrics_process_dead(pid=None, **_kwargs) -> None:
    """Drop a finished pool process's live-gauge files (prometheus-client multiprocess bookkeeping)."""
    from prometheus_client import multiprocess  # noqa: PLC0415

    multiprocess.mark_process_dead(pid or 0, metrics.MULTIPROC_DIR)


@worker_process_init.connect(weak=False)
def _limit_torch_threads(**_kwargs) -> None:
    """One torch thread per pool process by default (``CRT_TORCH_THREADS``): the pool already runs one
    process per core, and torch's own thread pool on top oversubscribes them (BENCHMARKS.md)."""
    import torch  # noqa: PLC0415

    torch.set_num_threads(max(1, settings.CRT_TORCH_THREADS))
