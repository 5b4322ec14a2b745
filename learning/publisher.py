"""Getting interaction records out of the request without slowing or failing it.

The request thread only puts the (already anonymized and sampled) record on an in-process queue
(:meth:`BackgroundPublisher.submit`, microseconds, never blocks, never raises). One daemon thread
per process publishes each record as the Celery task ``learning.record_interaction``; a worker
writes it. If the broker is unreachable the thread writes the row itself (seed 004, step 1:
"graceful degradation: fallback to synchronous logging with warning") — still off the request —
and skips the broker for ``CRT_PUBLISH_BACKOFF_S`` seconds. A full queue (the process is producing
faster than the broker and the database take it, :data:`QUEUE_SIZE`) drops the record and counts it
(``crt_learning_log_dropped_total{reason}``): the log is telemetry and sampled anyway; the chat
turn itself is stored by the memory app and is never lost.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time

from django.conf import settings
from django.db import connection

from crtproject import metrics

logger = logging.getLogger(__name__)

QUEUE_SIZE = 10_000
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}

LOG_DROPPED = metrics.Counter("crt_learning_log_dropped", "Interaction records not stored", ["reason"])
LOG_PUBLISHED = metrics.Counter("crt_learning_log_published", "Interaction records handed on", ["via"])


class BackgroundPublisher:
    """A bounded queue and one daemon thread (restarted after a fork) that publishes records."""

    def __init__(self, maxsize: int = QUEUE_SIZE):
        self._maxsize = maxsize
        self._queue: queue.Queue | None = None
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._broker_down_until = 0.0

    def _ensure_thread(self) -> queue.Queue:
        if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
            with self._lock:
                if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
                    if self._pid != os.getpid():
                        self._queue = queue.Queue(maxsize=self._maxsize)
                    self._pid = os.getpid()
                    self._thread = threading.Thread(target=self._run, name="crt-learning-log", daemon=True)
                    self._thread.start()
        return self._queue

    def submit(self, payload: dict) -> bool:
        """Queue one record; False (and counted) when the queue is full. Never raises."""
        try:
            self._ensure_thread().put_nowait(payload)
            return True
        except queue.Full:
            LOG_DROPPED.labels(reason="queue_full").inc()
            return False
        except Exception:  # never fail the request for a log record
            logger.exception("could not queue an interaction record")
            LOG_DROPPED.labels(reason="error").inc()
            return False

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued record was handled; False on timeout."""
        q = self._queue
        if q is None or self._pid != os.getpid():
            return True
        deadline = time.monotonic() + timeout
        while q.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not q.unfinished_tasks

    def _run(self) -> None:
        q = self._queue
        while True:
            payload = q.get()
            try:
                self._deliver(payload)
            except Exception:
                logger.exception("interaction record %s lost", payload.get("request_id"))
                LOG_DROPPED.labels(reason="error").inc()
            finally:
                q.task_done()

    def _deliver(self, payload: dict) -> None:
        from learning import services  # noqa: PLC0415 - avoid an import cycle at module load
        from learning.tasks import record_interaction  # noqa: PLC0415

        if time.monotonic() >= self._broker_down_until:
            try:
                record_interaction.apply_async(args=[payload], retry=True, retry_policy=PUBLISH_RETRY_POLICY)
                LOG_PUBLISHED.labels(via="broker").inc()
                return
            except Exception:
                self._broker_down_until = time.monotonic() + float(getattr(settings, "CRT_PUBLISH_BACKOFF_S", 5.0))
                logger.warning("broker unreachable; writing interaction records directly for %.0fs",
                               float(getattr(settings, "CRT_PUBLISH_BACKOFF_S", 5.0)))
        try:
            services.record_interaction(payload=payload)
            LOG_PUBLISHED.labels(via="database").inc()
        finally:
            connection.close()  # this thread's connection; do not hold it between records


PUBLISHER = BackgroundPublisher()
atexit.register(PUBLISHER.flush, 2.0)
