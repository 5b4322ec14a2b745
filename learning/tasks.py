"""Celery tasks of the learning app: thin wrappers around learning.services / learning.training.

* ``learning.record_interaction`` — store one interaction record (published off the request by
  ``learning.publisher``); idempotent by request id, so a redelivery writes nothing new.
* ``learning.train_models`` — retrain every model (nightly through django-celery-beat; the
  periodic task is created by migration ``learning.0002`` and editable in the admin). Runs in the
  worker under ``CRT_TRAINING_SOFT_TIME_LIMIT_S`` / ``CRT_TRAINING_TIME_LIMIT_S``; models finished
  before the soft limit stay registered.
* ``learning.review_contradictions`` — the learned resolution policy over open ledger entries
  (every minute through beat, and right away for a user when the chat sees an undecided entry).
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model

from learning import services

logger = logging.getLogger(__name__)


@shared_task(name="learning.record_interaction", ignore_result=True, acks_late=True,
             autoretry_for=(ConnectionError, TimeoutError), max_retries=3, retry_backoff=True)
def record_interaction(payload: dict) -> str | None:
    """Store one interaction record; returns its request id (None when its owner is gone)."""
    interaction = services.record_interaction(payload=payload)
    return interaction.request_id if interaction else None


@shared_task(name="learning.train_models", bind=True, acks_late=False,
             soft_time_limit=settings.CRT_TRAINING_SOFT_TIME_LIMIT_S, time_limit=settings.CRT_TRAINING_TIME_LIMIT_S)
def train_models(self, names: list[str] | None = None) -> dict:
    """Retrain the models (all, or ``names``); returns ``{name: summary line or skip reason}``.

    Not acknowledged late: a worker killed mid-training must not make the broker redeliver an
    hour-long job in a loop; the next scheduled run retrains anyway.
    """
    from learning import training  # noqa: PLC0415 - scikit-learn only in the process that trains

    try:
        results = training.train_all(names=names, trained_by=f"celery:{self.request.id or 'eager'}")
    except SoftTimeLimitExceeded:
        logger.error("training hit its soft time limit (%ss); finished models stay registered",
                     settings.CRT_TRAINING_SOFT_TIME_LIMIT_S)
        raise
    return {name: (r if isinstance(r, str) else r.summary()) for name, r in results.items()}


@shared_task(name="learning.review_contradictions", ignore_result=True, soft_time_limit=120, time_limit=180)
def review_contradictions(owner_id: int | None = None) -> dict:
    """Run the learned resolution policy on undecided open entries (one user's, or recent users')."""
    owner = None
    if owner_id is not None:
        owner = get_user_model().objects.filter(pk=owner_id).first()
        if owner is None:
            return {"reviewed": 0, "auto_resolved": 0}
    return services.review_open_contradictions(owner=owner)
