"""Celery tasks of the detection app: thin wrappers around detection.services."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from detection import services
from detection.models import DetectionJob

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="detection.detect_contradictions",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=5,
)
def detect_contradictions(self, job_id: str) -> dict:
    """Run detection job ``job_id``; database connection errors are retried with backoff.

    Returns ``{"job_id", "contradictions": n, "latency_ms"}``. An unknown job id is logged and
    dropped (bad data is not retried).
    """
    try:
        log = services.run_detection_job(job_id=job_id)
    except DetectionJob.DoesNotExist:
        logger.error("detection job %s does not exist; dropping the message", job_id)
        return {"job_id": job_id, "error": "unknown job"}
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:
        services.mark_failed(job_id=job_id, error=repr(exc))
        raise
    return {"job_id": job_id, "contradictions": len(log.contradictions_found),
            "latency_ms": log.detection_latency_ms}
