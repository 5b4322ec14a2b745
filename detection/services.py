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
* **Batches.** A worker task runs its job together with up to ``CRT_DETECTION_BATCH`` − 1 other
  pending jobs (:func:`run_detection_batch`): one claim, one embedding batch, candidates in one
  query, one transaction for all ledger entries, logs and statuses. A job being processed holds
  a session advisory lock (:func:`job_lock_key`), so its own message, arriving meanwhile, is
  dropped as ``busy`` instead of running it twice; if that worker dies, the lock dies with its
  connection and the batch's jobs are re-published (each then runs alone).
* **Dead letters.** Bad data, or transient errors past ``CRT_DETECTION_MAX_RETRIES``, mark the job
  ``dead`` with the error; :func:`requeue_dead_jobs` (``manage.py requeue_dead_jobs``) re-runs them.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
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
from detection import fastpath
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
#: First key of the two-int *session* advisory lock a worker holds on each job it is processing:
#: "CRT1". It dies with the worker's connection, so "running and locked" means "a live worker has it".
JOB_LOCK_NAMESPACE = 0x43525431
#: Engine statements kept per worker process: 2,048 × 12.6 KB (384 Python floats + facts; measured with
#: tracemalloc on 400 statements) ≈ 26 MB per pool process. Size: baseline choice.
STATEMENT_CACHE_SIZE = 2048
_statement_cache: OrderedDict[tuple[str, float], Statement] = OrderedDict()
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
    nothing. Publishing goes through :func:`notify_job`, which sends no message when a wake-up
    already waiting in the queue will claim the job. Raises ``django.db.DatabaseError`` if the row
    cannot be written.
    """
    job = DetectionJob.objects.create(owner_id=memory.owner_id, memory=memory, thread_id=memory.thread_id,
                                      memory_ts=memory.timestamp, late_commit=_is_late_commit(memory))
    mode = detection_mode()
    if mode == "async":
        transaction.on_commit(lambda: notify_job(job_id=job.job_id))
    elif mode == "sync":
        transaction.on_commit(lambda: run_job_inline(job_id=job.job_id))
    return job


def _wakeup_key() -> str:
    return f"crt:detection:wakeup:{_setting('CELERY_TASK_DEFAULT_QUEUE', 'crt')}"


_wakeup_clients: dict[str, object] = {}


def _wakeup_redis():
    """A redis-py client of the broker (cached per URL; fork-safe), or None if it is not Redis.

    A kept client, not a kombu connection per call as :func:`queue_depth` uses: :func:`notify_job`
    runs on the request path of every write, where a new broker connection would cost more than the
    publish it saves. Timeouts 1 s, so a hung broker delays a write by at most that much."""
    url = str(_setting("CELERY_BROKER_URL", ""))
    if url not in _wakeup_clients:
        import redis  # noqa: PLC0415 - kombu's Redis transport depends on it

        options = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}
        if url.startswith("redis+socket://"):
            client = redis.Redis(unix_socket_path=url[len("redis+socket://"):].split("?")[0], **options)
        elif url.startswith(("redis://", "rediss://")):
            client = redis.Redis.from_url(url, **options)
        else:
            client = None
        _wakeup_clients[url] = client
    return _wakeup_clients[url]


def notify_job(*, job_id: str) -> bool:
    """After the commit of a new job: make sure a worker will claim it, with as few messages as possible.

    With ``CRT_DETECTION_COALESCE`` on (default) and a Redis broker, a wake-up marker
    (``crt:detection:wakeup:<queue>``, ``SET NX`` with a ``CRT_WAKEUP_TTL_MS`` expiry) says that a
    message is waiting in the queue and its task has not claimed jobs yet. Such a task claims the
    oldest pending jobs (:func:`_claim_batch`, up to ``CRT_DETECTION_BATCH``) *after* clearing the
    marker, so a job committed before a failed ``SET NX`` is seen by that claim: no message is
    needed for it (counted in ``crt_detection_jobs_coalesced_total``). Otherwise this publishes the
    job's own message (:func:`publish_job`), which then acts as the wake-up. What a coalesced
    job relies on if its wake-up is lost (broker restart, purge): the marker expires, the next
    write publishes again, and the outbox sweeper publishes jobs never published after
    ``CRT_OUTBOX_REPUBLISH_AFTER_S`` (30 s). Returns True when the job is covered (published or
    coalesced), False when the broker is unreachable (the job stays pending for the sweeper).

    Why: one message per job cost the worker one consumer round trip (and a pool round trip) per
    job even though a task claims 16 at once, and the API one publish per write; on 2 cores, under
    a load test, that per-message work was what kept the niced worker behind (docs/BENCHMARKS.md).
    """
    global _broker_down_until
    client = _wakeup_redis() if _setting("CRT_DETECTION_COALESCE", True) else None
    if client is None or time.monotonic() < _broker_down_until:
        return publish_job(job_id=job_id)
    import redis  # noqa: PLC0415

    try:
        first = client.set(_wakeup_key(), job_id, nx=True, px=int(_setting("CRT_WAKEUP_TTL_MS", 1000)))
    except redis.RedisError:
        _broker_down_until = time.monotonic() + float(_setting("CRT_PUBLISH_BACKOFF_S", 5))
        metrics.PUBLISH_FAILURES.labels(reason="broker_error").inc()
        logger.warning("could not reach the broker for job %s; it stays pending for the outbox sweeper", job_id,
                       exc_info=True)
        return False
    if not first:
        metrics.JOBS_COALESCED.inc()
        return True
    if publish_job(job_id=job_id):
        return True
    clear_wakeup()  # the marker must not hold back the next writes while no message is queued
    return False


def clear_wakeup() -> None:
    """Remove the wake-up marker (a task about to claim jobs; a failed publish; tests after a purge).

    Errors are logged and ignored: a marker left behind only expires (``CRT_WAKEUP_TTL_MS``)."""
    client = _wakeup_redis()
    if client is None:
        return
    import redis  # noqa: PLC0415

    try:
        client.delete(_wakeup_key())
    except redis.RedisError:
        logger.debug("could not clear the wake-up marker", exc_info=True)


def _linger(limit: int) -> float:
    """Before a coalescing task claims: wait until the oldest pending job is ``CRT_DETECTION_LINGER_MS`` old.

    At a light arrival rate every wake-up would otherwise claim one or two jobs, and a batch's fixed
    cost (the claim's transaction, one encode call, the candidate queries, the commit, the task's
    messages) is paid per job; the worker's CPU then competes with the API's (docs/BENCHMARKS.md,
    load test, session 5). While this task waits, the wake-up marker stays set, so the writes of
    the window coalesce into its claim instead of publishing wake-ups of their own. No wait when
    ``limit`` jobs are already pending or the oldest is old enough (a backlog runs at full speed),
    nor when the lookup fails. Adds at most the window to a job's write → ledger latency. Returns
    the seconds waited.
    """
    linger_s = float(_setting("CRT_DETECTION_LINGER_MS", 0)) / 1000
    if linger_s <= 0:
        return 0.0
    job_table = DetectionJob._meta.db_table
    try:
        # created_at comes from the writing web process's clock: a skew against the database's
        # only shortens the wait or caps it at the window, never lengthens it.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT EXTRACT(EPOCH FROM clock_timestamp() - min(created_at)), count(*) FROM "  # model table only
                f"(SELECT created_at FROM {job_table} WHERE status = %s AND attempts = 0 "
                f"ORDER BY created_at LIMIT %s) AS oldest", [JobStatus.PENDING.value, limit])
            age_s, pending = cursor.fetchone()
    except DatabaseError:
        logger.warning("could not look at the pending jobs before a claim; claiming now", exc_info=True)
        return 0.0
    if age_s is None or pending >= limit or float(age_s) >= linger_s:
        return 0.0
    wait_s = linger_s - max(float(age_s), 0.0)
    time.sleep(wait_s)
    return wait_s


def _continue_pending(limit: int) -> None:
    """After a task's claim: if never-attempted pending jobs remain, make sure a wake-up will claim them.

    A task claims at most ``limit`` jobs; with coalesced publishing (:func:`notify_job`) the jobs
    beyond its batch may have no message of their own, so the worker publishes one for the oldest
    (again through :func:`notify_job`: nothing if a wake-up is already queued). Called right after
    the claim, not after the batch, so that a backlog keeps every pool process busy."""
    if detection_mode() != "async" or not _setting("CRT_DETECTION_COALESCE", True) or limit <= 1:
        return
    try:
        oldest = (DetectionJob.objects.filter(status=JobStatus.PENDING, attempts=0).order_by("created_at")
                  .values_list("job_id", flat=True).first())
    except DatabaseError:  # the batch goes on; the outbox sweeper publishes what is left behind
        logger.warning("could not look for pending jobs after a claim", exc_info=True)
        return
    if oldest is not None:
        notify_job(job_id=oldest)


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
    selection and answers. Statements of embedded memories are kept in a per-process LRU cache
    (:data:`STATEMENT_CACHE_SIZE`): a memory's text, timestamp and vector never change once it is
    embedded, and the candidates of successive jobs of one thread overlap.
    """
    key = (memory.memory_id, memory.timestamp)
    cached = _statement_cache.get(key)
    if cached is not None:
        _statement_cache.move_to_end(key)
        return cached
    embedding = memory.embedding
    if embedding is not None and hasattr(embedding, "tolist"):
        embedding = embedding.tolist()  # numpy → floats once, not per element
    statement = build_statement(memory_id=memory.memory_id, text=memory.text, timestamp=memory.timestamp,
                                embedding=embedding)
    if embedding is not None:
        _statement_cache[key] = statement
        if len(_statement_cache) > STATEMENT_CACHE_SIZE:
            _statement_cache.popitem(last=False)
    return statement


def _cached_statement(memory_id: str, timestamp: float) -> Statement | None:
    statement = _statement_cache.get((memory_id, timestamp))
    if statement is not None:
        _statement_cache.move_to_end((memory_id, timestamp))
    return statement


# --------------------------------------------------------------------------- claiming jobs
def job_lock_key(job_id: str) -> tuple[int, int]:
    """The (namespace, key) int4 pair of the session advisory lock marking a job as being processed.

    32 bits of BLAKE2b over the job id. A collision only makes a job look busy to a worker that
    receives its message while the other job runs; the outbox sweeper then re-publishes it.
    """
    digest = hashlib.blake2b(job_id.encode(), digest_size=4).digest()
    return JOB_LOCK_NAMESPACE, int.from_bytes(digest, "big", signed=True)


def _try_lock_jobs(job_ids: list[str]) -> list[str]:
    """Take the session advisory lock of each job that is free; returns the ids locked (one query).

    Session locks outlive the claim's commit and die with the connection, so a job that is
    ``running`` *and* locked is being processed by a live worker right now.
    """
    if not job_ids:
        return []
    keys = [job_lock_key(job_id)[1] for job_id in job_ids]
    with connection.cursor() as cursor:
        cursor.execute("SELECT j, pg_try_advisory_lock(%s, k) FROM unnest(%s::text[], %s::int[]) AS t(j, k)",
                       [JOB_LOCK_NAMESPACE, job_ids, keys])
        return [job_id for job_id, locked in cursor.fetchall() if locked]


def _unlock_jobs(job_ids: list[str]) -> None:
    """Release the jobs' session locks; closes the connection if that fails (which releases them too)."""
    if not job_ids:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, k) FROM unnest(%s::int[]) AS t(k)",
                           [JOB_LOCK_NAMESPACE, [job_lock_key(job_id)[1] for job_id in job_ids]])
    except DatabaseError:
        logger.warning("could not release job locks; closing the connection", exc_info=True)
        connection.close()


class BatchOutcome:
    """What :func:`run_detection_batch` did for the job of the message.

    ``status`` is ``"ran"`` (``logs``: the logs of every job of the batch, the message's job first),
    ``"done"`` (the job was already done: ``logs`` holds its existing log) or ``"busy"`` (a live
    worker is processing it right now, in its own batch; ``logs`` is empty). ``job`` is the
    message's :class:`DetectionJob` row as claimed or read.
    """

    def __init__(self, status: str, job: DetectionJob, logs: list[DetectionLog]):
        self.status, self.job, self.logs = status, job, logs

    @property
    def log(self) -> DetectionLog | None:
        """The message's own job log (None when ``busy``)."""
        return self.logs[0] if self.logs else None


def _claim_batch(job_id: str, limit: int) -> tuple[str, DetectionJob, list[DetectionJob], list[str]]:
    """Claim ``job_id`` and up to ``limit`` − 1 other pending jobs; returns (status, job, claimed, orphans).

    In one short transaction: lock the job's row; a ``done`` job returns ``("done", job, [], [])``;
    a ``dead`` one raises :class:`DeadJobError`; a job whose session lock another live worker
    holds returns ``("busy", …)``. Otherwise the job (and, on its first attempt, the oldest
    pending never-attempted jobs, ``FOR UPDATE SKIP LOCKED``) get their session lock and become
    ``running`` with attempts + 1 and ``batch_leader = job_id``. A job on a later attempt runs
    alone — a retry or a redelivery after a crash must not take innocent jobs down with it — and
    the still-``running`` jobs of its previous batch whose lock is free (their worker died) are
    returned as ``orphans`` to be re-published. A job claimed ``max_attempts()`` times is declared
    dead (then :class:`DeadJobError` is raised): a poison message that kills its worker process
    would otherwise be redelivered forever (``task_reject_on_worker_lost``).
    """
    # The job's session lock first, without waiting: if a live worker holds it, that worker is
    # processing the job right now (typically the message of a job another task's batch is
    # running), and waiting for its row lock would only stall this process (profiled 2026-11-22).
    if not _try_lock_jobs([job_id]):
        return "busy", DetectionJob(job_id=job_id), [], []
    locked_here: list[str] = [job_id]  # released again if anything below fails (session locks outlive it)
    try:
        with transaction.atomic():
            job = (DetectionJob.objects.select_for_update(of=("self",)).select_related("memory")
                   .only(*_JOB_FIELDS).get(job_id=job_id))
            if job.status == JobStatus.DONE:
                _unlock_jobs(locked_here)
                return "done", job, [], []
            if job.status == JobStatus.DEAD:
                raise DeadJobError(f"detection job {job_id} is dead: {job.last_error[:200]}")
            if job.attempts >= max_attempts():
                job.status, job.finished_at = JobStatus.DEAD, timezone.now()
                job.last_error = f"gave up after {job.attempts} attempts; last error: {job.last_error[:4000]}"
                job.save(update_fields=["status", "finished_at", "last_error"])
                exhausted = True
            else:
                exhausted = False
                mates: list[DetectionJob] = []
                orphans: list[str] = []
                if job.attempts == 0 and limit > 1:
                    pending = list(DetectionJob.objects.select_for_update(skip_locked=True, of=("self",))
                                   .select_related("memory").only(*_JOB_FIELDS)
                                   .filter(status=JobStatus.PENDING, attempts=0).exclude(job_id=job_id)
                                   .order_by("created_at")[:limit - 1])
                    locked = set(_try_lock_jobs([j.job_id for j in pending]))
                    locked_here.extend(locked)
                    mates = [j for j in pending if j.job_id in locked]
                elif job.attempts > 0:
                    previous = list(DetectionJob.objects.select_for_update(skip_locked=True)
                                    .filter(batch_leader=job_id, status=JobStatus.RUNNING).exclude(job_id=job_id)
                                    .values_list("job_id", flat=True))
                    orphans = _try_lock_jobs(previous)
                    locked_here.extend(orphans)
                claimed = [job, *mates]
                now, worker = timezone.now(), _worker_name()
                DetectionJob.objects.filter(job_id__in=[j.job_id for j in claimed]).update(
                    status=JobStatus.RUNNING, attempts=F("attempts") + 1, started_at=now, claimed_by=worker,
                    batch_leader=job_id)
                for claimed_job in claimed:
                    claimed_job.status, claimed_job.attempts = JobStatus.RUNNING, claimed_job.attempts + 1
                    claimed_job.started_at, claimed_job.claimed_by, claimed_job.batch_leader = now, worker, job_id
    except BaseException:
        _unlock_jobs(locked_here)
        raise
    if exhausted:  # raised after the commit, so the dead status stays
        _unlock_jobs([job_id])
        metrics.JOBS_FAILED.labels(reason="attempts").inc()
        raise DeadJobError(f"detection job {job_id} used its {job.attempts} attempts")
    return "ran", job, claimed, orphans


#: Jobs this process finished in its own batches (job id → (batch leader, log)), newest last; at
#: most :data:`FINISHED_CACHE_SIZE`. A done job never changes again, so the message of a batch
#: mate that this process receives later is answered without a query.
_finished_here: OrderedDict[str, tuple[str, DetectionLog]] = OrderedDict()
FINISHED_CACHE_SIZE = 8192


def _remember_finished(leader: str, logs: list[DetectionLog]) -> None:
    """Record the committed logs of a batch led by ``leader`` in :data:`_finished_here` and in the
    worker's shared done ring (:mod:`detection.fastpath`), whose consumer then acknowledges the
    batch mates' messages itself."""
    fastpath.record_done([log.job_id for log in logs])
    for log in logs:
        _finished_here[log.job_id] = (leader, log)
    while len(_finished_here) > FINISHED_CACHE_SIZE:
        _finished_here.popitem(last=False)


def _done_log(job_id: str) -> tuple[DetectionJob, list[DetectionLog]] | None:
    """``(job, [log])`` if job ``job_id`` is done, else None: one indexed query, no ORM compilation.

    Most messages of a batched pipeline find their job done by another task's batch (with batches
    of 16, 15 of every 16), so this is the hot path of the worker: the ORM's
    ``select_related(...).first()`` spent ~3 ms per message compiling SQL (profiled 2026-11-22).
    Jobs this process finished itself are answered from :data:`_finished_here` without a query.
    The returned job holds only ``job_id``, ``status``, ``batch_leader`` and ``claimed_by``.
    """
    if (known := _finished_here.get(job_id)) is not None:
        leader, log = known
        return DetectionJob(job_id=job_id, status=JobStatus.DONE, batch_leader=leader), [log]
    job_table, log_table = DetectionJob._meta.db_table, DetectionLog._meta.db_table
    rows = list(DetectionLog.objects.raw(
        f"SELECT l.*, j.batch_leader AS job_batch_leader, j.claimed_by AS job_claimed_by "  # model tables only
        f"FROM {job_table} j JOIN {log_table} l ON l.job_id = j.job_id WHERE j.job_id = %s AND j.status = %s",
        [job_id, JobStatus.DONE.value]))
    if not rows:
        return None
    log = rows[0]
    job = DetectionJob(job_id=job_id, status=JobStatus.DONE, batch_leader=log.job_batch_leader,
                       claimed_by=log.job_claimed_by)
    return job, [log]


def run_detection_batch(*, job_id: str, limit: int = 1) -> BatchOutcome:
    """Run job ``job_id`` and, on its first attempt, up to ``limit`` − 1 other pending jobs with it.

    The worker path of issue #5 (docs/PIPELINE.md): one claim, one embedding batch, candidates
    of all the batch's memories in one query, the engine per memory, ledger entries, logs and
    ``done`` statuses written in bulk in one transaction under the locks of the batch's threads.
    The other jobs' own messages, when they arrive, find them ``done`` (or ``busy`` while the
    batch runs) and do nothing. ``limit`` 1 runs the job alone. With coalesced publishing
    (``CRT_DETECTION_COALESCE``, :func:`notify_job`) most jobs have no message of their own: the
    task waits out the gathering window (:func:`_linger`), clears the wake-up marker before it
    claims and, right after its claim, publishes a
    wake-up for the oldest job still pending (:func:`_continue_pending`), so that another pool
    process claims the next batch while this one works.

    Failure handling: if the batch fails, its other jobs are marked ``failed`` and re-published
    (each then runs alone); a non-transient error in a batch of several jobs re-runs ``job_id``
    alone at once, so bad data only ever kills its own job. Raises ``DetectionJob.DoesNotExist``,
    :class:`DeadJobError`, and the errors of a solo run (the task retries the transient ones).
    """
    coalescing = limit > 1 and bool(_setting("CRT_DETECTION_COALESCE", True))
    done = _done_log(job_id)
    if done is not None:
        if coalescing:  # this message may be the queued wake-up: pass its duty on
            clear_wakeup()
            _continue_pending(limit)
        return BatchOutcome("done", *done)
    if coalescing:  # before the claim below, so that every job committed before this is seen (notify_job)
        _linger(limit)
        clear_wakeup()
    status, job, claimed, orphans = _claim_batch(job_id, max(1, limit))
    if status == "done":
        if coalescing:
            _continue_pending(limit)
        return BatchOutcome("done", job, [DetectionLog.objects.get(job_id=job_id)])
    if coalescing:  # jobs beyond this batch: another process can claim them while this one works
        _continue_pending(limit)
    if status == "busy":
        return BatchOutcome("busy", job, [])
    if orphans:
        logger.warning("job %s: re-publishing %d job(s) of its previous batch whose worker died", job_id,
                       len(orphans))
        _unlock_jobs(orphans)
        if detection_mode() != "off":  # in "off" they stay running for the sweeper, like everything else
            for orphan in orphans:
                publish_job(job_id=orphan)
    ids = [j.job_id for j in claimed]
    try:
        logs = _detect_batch(claimed)
    except Exception as exc:
        _unlock_jobs(ids)
        if len(claimed) == 1:
            raise
        mates = ids[1:]
        logger.warning("batch of %d jobs led by %s failed (%r); its jobs run alone", len(ids), job_id, exc)
        from django.db import close_old_connections  # noqa: PLC0415

        try:
            if not connection.in_atomic_block:  # never inside a caller's transaction (tests)
                close_old_connections()
            DetectionJob.objects.filter(job_id__in=mates, status=JobStatus.RUNNING).update(
                status=JobStatus.FAILED, last_error=f"batch of {job_id} failed: {exc!r}"[:5000],
                finished_at=timezone.now())
        except DatabaseError:  # still running: the leader's retry or the sweeper re-publishes them
            logger.warning("could not mark the batch's other jobs failed", exc_info=True)
        if detection_mode() != "off":
            for mate in mates:
                publish_job(job_id=mate)
        if isinstance(exc, TRANSIENT_ERRORS):
            raise
        return run_detection_batch(job_id=job_id, limit=1)
    if not connection.in_atomic_block:  # committed (inside a caller's transaction it could still roll back)
        _remember_finished(job_id, logs)
    return BatchOutcome("ran", job, logs)


def run_detection_job(*, job_id: str) -> DetectionLog:
    """Run one detection job on its own, end to end, and return its log.

    :func:`run_detection_batch` with ``limit=1``; if a worker is processing the job right now,
    waits for it to finish and returns its log. Idempotent: a job already done returns its
    existing log. Raises ``DetectionJob.DoesNotExist`` for an unknown id and
    :class:`DeadJobError` for a dead one; database errors propagate (the task retries them).
    """
    while True:
        outcome = run_detection_batch(job_id=job_id, limit=1)
        if outcome.status != "busy":
            return outcome.log
        with connection.cursor() as cursor:  # wait for the holder, then look again
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", job_lock_key(job_id))
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", job_lock_key(job_id))


# --------------------------------------------------------------------------- detecting a batch
def _finding_evidence(finding: Finding, old_text: str, new_text: str) -> dict:
    return {
        "detector_version": DETECTOR_VERSION,
        "rule": finding.rule,
        "confidence": finding.confidence,
        "drift": finding.drift,
        "old_text": old_text,
        "new_text": new_text,
    }


def lock_threads(*, threads) -> None:
    """Take the detection locks of several ``(owner_id, thread_id)`` threads, in key order.

    The fixed order rules out deadlocks between two batches sharing threads. Held until the
    transaction ends. Raises ``TransactionManagementError`` outside ``transaction.atomic()``.
    """
    if not connection.in_atomic_block:
        raise TransactionManagementError("lock_threads() must be called inside transaction.atomic()")
    keys = sorted({thread_lock_key(owner_id=o, thread_id=t) for o, t in threads})
    if not keys:
        return
    # One round trip; the statements run in this order (int literals only, nothing interpolated from users).
    sql = "; ".join(f"SELECT pg_advisory_xact_lock({int(a)}, {int(b)})" for a, b in keys)
    with connection.cursor() as cursor:
        cursor.execute(sql)


#: Job columns read by a claim (plus the memory's :data:`memory.selectors.DETECTION_FIELDS`).
_JOB_FIELDS = ("job_id", "owner_id", "thread_id", "status", "attempts", "last_error", "late_commit", "memory_ts",
               "batch_leader", "claimed_by", *(f"memory__{name}" for name in memory_selectors.DETECTION_FIELDS))


def _finish_jobs(job_ids: list[str]) -> None:
    """Mark the jobs ``done`` and release their session locks, in one round trip (inside the batch's
    transaction: the UPDATE's row locks keep other claimers out until the commit)."""
    keys = [job_lock_key(job_id)[1] for job_id in job_ids]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE detection_detectionjob SET status = %s, finished_at = now(), last_error = '' "
            "WHERE job_id = ANY(%s); SELECT pg_advisory_unlock(%s, k) FROM unnest(%s::int[]) AS t(k)",
            [JobStatus.DONE.value, job_ids, JOB_LOCK_NAMESPACE, keys])


def _embed_batch(memories: list[Memory]) -> int:
    """Embed the batch's memories lacking a vector, topped up with memories of other pending jobs.

    One encode for all (NOTES.md: ~475 sentences/s batched vs 8.6 ms single). When fewer than
    ``CRT_EMBED_AHEAD`` need it, memories of other pending jobs are added so that their jobs find
    their vector ready. Runs in autocommit; if writing fails (e.g. a deadlock with a detection
    holding one of those rows), only the batch's own memories are embedded. Returns how many.
    """
    missing = [m for m in memories if m.embedding is None]
    if not missing:
        return 0
    ahead = int(_setting("CRT_EMBED_AHEAD", 16))
    extra: list[Memory] = []
    if len(missing) < ahead and not connection.in_atomic_block:
        pending = (DetectionJob.objects.filter(status=JobStatus.PENDING)
                   .exclude(memory_id__in=[m.memory_id for m in missing]).values("memory_id"))
        extra = memory_selectors.memories_without_embedding(memory_ids=pending, limit=ahead - len(missing))
    try:
        return memory_services.ensure_embeddings(memories=missing + extra)
    except DatabaseError:
        logger.warning("batched embedding of %d memories failed; embedding the batch's own", len(missing) + len(extra),
                       exc_info=True)
        for memory in missing:
            memory.embedding = None
        return memory_services.ensure_embeddings(memories=missing)


def _detect_batch(jobs: list[DetectionJob]) -> list[DetectionLog]:
    """Detect and record the claimed ``jobs`` in one transaction; returns their logs in order."""
    started = time.perf_counter()
    memories = {j.memory_id: j.memory for j in jobs}  # loaded with the claim (DETECTION_FIELDS)
    _embed_batch([memories[j.memory_id] for j in jobs])
    with transaction.atomic():
        # Issue #5: one detection per (owner, thread) at a time, reading only after the lock.
        threads = {(j.owner_id, j.thread_id) for j in jobs}
        lock_threads(threads=threads)
        memory_services.ensure_embeddings(memories=memory_selectors.unembedded_in_threads(threads=list(threads)))
        results = _detect_and_record([(memories[j.memory_id], j) for j in jobs])
        for index, job in enumerate(jobs):
            if job.late_commit:
                results[index][1].extend(_recheck_later_memories(memory=memories[job.memory_id], job=job))
        latency_ms = int(round((time.perf_counter() - started) * 1000))
        now, host = time.time(), socket.gethostname()
        logs = [DetectionLog(
            job_id=job.job_id, owner_id=job.owner_id, memory_id=job.memory_id,
            potential_conflicts=candidates, contradictions_found=found, detection_latency_ms=latency_ms,
            end_to_end_ms=max(int(round((now - memories[job.memory_id].timestamp) * 1000)), 0),
            detector_version=DETECTOR_VERSION, worker=host, batch_size=len(jobs),
        ) for job, (candidates, found) in zip(jobs, results)]
        # A log exists only if the job was done before (same transaction), hence claimed before.
        existing = {}
        if any(j.attempts > 1 for j in jobs):
            existing = {log.job_id: log for log in DetectionLog.objects.filter(job_id__in=[j.job_id for j in jobs])}
        DetectionLog.objects.bulk_create([log for log in logs if log.job_id not in existing])
        logs = [existing.get(log.job_id, log) for log in logs]
        _finish_jobs([j.job_id for j in jobs])
    logger.info("detection batch of %d (led by %s): %d contradictions, %d ms", len(jobs), jobs[0].job_id,
                sum(len(found) for _, found in results), latency_ms)
    return logs


def _detect_and_record(targets: list[tuple[Memory, DetectionJob]]) -> list[tuple[list[str], list[dict]]]:
    """Compare each target memory with its earlier memories and record the findings (caller holds the locks).

    ``targets`` are (memory, job the entries are attributed to) pairs; the memories must be
    embedded. Returns, per target, (candidate ids oldest first, ``contradictions_found`` dicts).
    Queries: one for all candidates, one for statements not cached yet, the ledger's bulk append
    and one trust update per new contradiction.
    """
    if not targets:
        return []
    candidates = memory_selectors.detection_candidate_ids(memory_ids=[m.memory_id for m, _ in targets])
    wanted = {(cid, ts) for cands in candidates.values() for cid, ts in cands}
    statements = {cid: s for cid, ts in wanted if (s := _cached_statement(cid, ts)) is not None}
    missing = [cid for cid, _ in wanted if cid not in statements]
    for memory in memory_selectors.memories_for_detection(memory_ids=missing).values():
        statements[memory.memory_id] = statement_from_memory(memory)
    from detection import classifier  # noqa: PLC0415 - keeps scikit-learn/SciPy out of web processes

    pair_scorer, pair_threshold = classifier.get_scorer()
    items, where = [], []
    for index, (memory, job) in enumerate(targets):
        new = statement_from_memory(memory)
        earlier = [statements[cid] for cid, _ in candidates.get(memory.memory_id, []) if cid in statements]
        for finding in detect(new, earlier, pair_scorer=pair_scorer, pair_threshold=pair_threshold):
            old = statements[finding.old_memory_id]
            items.append({
                "owner_id": memory.owner_id, "thread_id": memory.thread_id, "memory_a_id": old.memory_id,
                "memory_b_id": memory.memory_id, "old_text": old.text, "new_text": memory.text,
                "slot": finding.slot, "old_value": finding.old_value, "new_value": finding.new_value,
                "contradiction_type": finding.contradiction_type, "severity": finding.severity,
                "confidence": finding.confidence, "drift": finding.drift, "summary": finding.summary,
                "evidence": _finding_evidence(finding, old.text, memory.text), "detection_job_id": job.job_id,
            })
            where.append((index, finding))
    results: list[tuple[list[str], list[dict]]] = [
        ([cid for cid, _ in candidates.get(m.memory_id, [])], []) for m, _ in targets]
    for (entry, created), (index, finding) in zip(ledger_services.record_contradictions(entries=items), where):
        if created and finding.is_contradiction:  # a REFINEMENT is recorded, not held against trust
            memory_services.apply_contradiction_trust(memory_id=entry.memory_a_id, drift=finding.drift)
        results[index][1].append({
            "ledger_id": entry.ledger_id, "old_memory_id": entry.memory_a_id, "slot": finding.slot,
            "type": finding.contradiction_type, "severity": finding.severity, "confidence": finding.confidence,
            "rule": finding.rule, "new_memory_id": entry.memory_b_id})
    return results


def _recheck_later_memories(*, memory: Memory, job: DetectionJob) -> list[dict]:
    """Re-run detection of the thread's later, already processed memories, now that ``memory``
    (committed late) is visible to them. Ledger uniqueness makes repeats no-ops."""
    later_ids = list(
        _later_in_thread(owner_id=memory.owner_id, thread_id=memory.thread_id, timestamp=memory.timestamp,
                         memory_id=memory.memory_id)
        .filter(status=JobStatus.DONE).order_by("memory_ts", "memory_id").values_list("memory_id", flat=True)
    )
    if not later_ids:
        return []
    later = memory_selectors.memories_for_detection(memory_ids=later_ids)
    memory_services.ensure_embeddings(memories=later.values())
    found = [f for _, fs in _detect_and_record([(later[mid], job) for mid in later_ids if mid in later]) for f in fs]
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
