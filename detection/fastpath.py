"""Answer a batch mate's message in the worker's main process, without a trip through the pool.

A detection task claims up to ``CRT_DETECTION_BATCH`` pending jobs (detection.services.run_detection_batch),
so with batches of 16, 15 of every 16 messages arrive for a job that is already done. Each such
message used to travel the whole prefork path: the consumer sends it to a pool process over a
pipe, the pool process runs the task (one indexed query, or its own cache), answers over the pipe,
and only then does the consumer acknowledge it and fetch the next message (prefetch 1). Profiled
on 2 cores (2026-11-22, docs/BENCHMARKS.md), that no-op round trip was about half of the worker's
CPU time and all of the backlog after a burst of writes, when the niced worker waits for the CPU at
every hop.

This module keeps a **ring of recently finished job ids** in memory shared by the worker's main
process and its pool processes (an anonymous ``MAP_SHARED`` mapping created on import, that is in
the main process before it forks the pool, and inherited by every pool process). Pool processes
append the ids of the jobs whose batch they committed (:func:`record_done`); the consumer's task
strategy (:func:`done_job_strategy`, set as the detection task's ``Strategy``) looks the message's
job id up (:func:`is_done`) and, when found, acknowledges the message at once and emits the
``task-succeeded`` event Flower shows (the task's name reaches Flower in the publisher's
``task-sent`` event, ``CELERY_TASK_SEND_SENT_EVENT``), instead of handing it to the pool. Every
event is one more broker round trip for the consumer, which matters for a niced worker on a busy
machine (docs/BENCHMARKS.md, load test).

Why it is safe:

* Only ids of jobs whose status ``done`` is committed are recorded; a done job never changes again,
  and running it again would do nothing (idempotent by its job id).
* Ids are stored as 64-bit BLAKE2b digests (zero means an empty slot); a false match needs a 64-bit
  collision among the ring's 16,384 entries (~10⁻¹¹). Even then nothing is lost: the job stays
  ``pending`` and the outbox sweeper re-publishes it after ``CRT_OUTBOX_REPUBLISH_AFTER_S``.
* Writers take no lock (a pool process killed mid-write must not block the others): two writers
  may overwrite each other's slot, which only sends that message down the ordinary path. Each slot
  is one aligned 8-byte store, so a reader never sees half an id.
* Anything unexpected (no job id header, another task name) goes to Celery's default strategy, and
  so does the message that currently holds the wake-up marker of coalesced publishing
  (:func:`holds_wakeup`): its task must run to clear the marker and claim the jobs written since.
"""

from __future__ import annotations

import hashlib
import logging
import mmap
import time

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)

#: Entries kept: at ~150 jobs/s about 110 s of finished jobs, far longer than a batch mate's
#: message waits in the queue behind its batch (baseline choice; BENCHMARKS.md).
RING_SIZE = 16384

# Slot 0 holds the next write position; slots 1..RING_SIZE the digests.
_buffer = mmap.mmap(-1, 8 * (RING_SIZE + 1))  # anonymous, MAP_SHARED: survives fork, shared with the pool
_words = np.frombuffer(_buffer, dtype=np.int64)
_position = _words[:1]
_ring = _words[1:]


def digest(job_id: str) -> int:
    """The non-zero signed 64-bit BLAKE2b digest of ``job_id`` stored in the ring."""
    value = int.from_bytes(hashlib.blake2b(job_id.encode(), digest_size=8).digest(), "little", signed=True)
    return value or 1


def record_done(job_ids) -> None:
    """Append the ids of jobs whose ``done`` status is committed (called by the pool process after its
    batch's transaction). Lock-free: see the module docstring."""
    values = [digest(job_id) for job_id in job_ids]
    if not values:
        return
    start = int(_position[0])
    for offset, value in enumerate(values):
        _ring[(start + offset) % RING_SIZE] = value
    _position[0] = (start + len(values)) % RING_SIZE


def is_done(job_id: str) -> bool:
    """True if a process of this worker recorded ``job_id`` as done (see :func:`record_done`)."""
    return bool((_ring == digest(job_id)).any())


def clear() -> None:
    """Forget every recorded job (tests)."""
    _ring[:] = 0
    _position[0] = 0


def holds_wakeup(job_id: str) -> bool:
    """True if this job's message is the current wake-up of coalesced publishing
    (detection.services.notify_job): the task must run (in the pool) to clear the marker and claim
    the jobs written since, which have no message of their own. True as well when the broker
    cannot be asked (the pool path is always correct)."""
    from detection import services  # noqa: PLC0415 - services imports this module

    if not getattr(settings, "CRT_DETECTION_COALESCE", True):
        return False
    client = services._wakeup_redis()
    if client is None:
        return False
    try:
        return client.get(services._wakeup_key()) == job_id.encode()
    except Exception:  # noqa: BLE001 - redis errors: take the pool path
        return True


def done_job_strategy(task, app, consumer, **kwargs):
    """Celery task strategy: Celery's default, except for messages of jobs in the done ring.

    Those are acknowledged in the consumer, counted in ``crt_detection_jobs_fast_acked_total`` and
    reported to event monitors (Flower) as succeeded, with the result
    ``{"job_id", "done_before": True}``; nothing runs in the pool. Returns the message handler
    Celery's consumer calls as ``handler(message, body, ack, reject, callbacks)``; Celery's own
    handler when ``CRT_DETECTION_FAST_ACK`` is off.
    """
    from celery.worker.strategy import default  # noqa: PLC0415 - worker-side only

    from crtproject import metrics  # noqa: PLC0415

    handle = default(task, app, consumer, **kwargs)
    if not getattr(settings, "CRT_DETECTION_FAST_ACK", True):
        logger.info("CRT_DETECTION_FAST_ACK is off: every detection message goes to the pool")
        return handle
    eventer = consumer.event_dispatcher
    send_event = eventer.send if (eventer is not None and eventer.enabled and task.send_events) else None
    connection_errors = consumer.connection_errors

    def task_message_handler(message, body, ack, reject, callbacks, **options):
        headers = getattr(message, "headers", None) or {}
        job_id = headers.get("id")
        if not job_id or headers.get("task") != task.name or not is_done(job_id) or holds_wakeup(job_id):
            return handle(message, body, ack, reject, callbacks, **options)
        started = time.monotonic()
        ack(logger, connection_errors)
        metrics.JOBS_FAST_ACKED.inc()
        logger.info("detection job %s is already done (its batch ran in this worker); message acknowledged",
                    job_id)
        if send_event is not None:  # one event: the name is known from the publisher's task-sent event
            send_event("task-succeeded", uuid=job_id, result=repr({"job_id": job_id, "done_before": True}),
                       runtime=time.monotonic() - started)
        return None

    return task_message_handler
