"""The Celery application shared by the web process, the workers, beat and flower.

Configuration comes from Django settings under the ``CELERY_`` namespace (see settings.py).
"""

import os
import time

from celery import Celery
from celery.signals import task_postrun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crtproject.settings")

app = Celery("crtproject")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_postrun.connect(weak=False)
def _recycle_database_connections(task=None, state=None, **_kwargs) -> None:
    """After a task, close database connections that must not serve the next one.

    ``CELERY_DB_REUSE_MAX`` stops Celery from reconnecting for every task; this restores what
    Django does between requests, without its per-request health check query: a connection is
    closed when an error occurred on it (e.g. PostgreSQL restarted: the task's retry then
    reconnects), when it is older than ``CONN_MAX_AGE``, or when the task did not succeed (which
    also drops any session advisory lock a failed detection batch could not release).
    """
    if task is not None and getattr(task.request, "is_eager", False):
        return  # ran inside the caller's process (and maybe its transaction): its connections are its own
    from django.db import connections  # noqa: PLC0415 - Django is set up by the time tasks run

    for conn in connections.all(initialized_only=True):
        obsolete = conn.close_at is not None and time.monotonic() >= conn.close_at
        if (conn.errors_occurred or obsolete or state != "SUCCESS") and not conn.in_atomic_block:
            conn.close()


def _session_is_ours() -> bool:
    """True if this process leads its session, or its parent does (``sh -c "nice … celery …"``,
    as honcho starts each Procfile line in a new session): the session holds only this worker."""
    try:
        return os.getsid(0) in (os.getpid(), os.getppid())
    except OSError:
        return False


@worker_init.connect(weak=False)
def _apply_nice_to_autogroup(**_kwargs) -> None:
    """Give the worker's scheduler autogroup the worker's nice value (Procfile: ``nice -n 10``).

    With ``kernel.sched_autogroup_enabled`` (the default of many Linux kernels, and on our
    machines), CPU time is first shared between sessions and nice only ranks processes inside one
    session; honcho starts every Procfile line in its own session, so ``nice -n 10`` alone did not
    lower the worker against gunicorn (measured 2026-11-22: docs/BENCHMARKS.md, load test).
    Writing the value to ``/proc/self/autogroup`` does. Skipped when the session is shared with
    other programs (e.g. an interactive shell) or the file does not exist.
    """
    niceness = os.nice(0)
    path = "/proc/self/autogroup"
    if niceness <= 0 or not os.path.exists(path) or not _session_is_ours():
        return
    try:
        with open(path, "w") as handle:
            handle.write(str(niceness))
    except OSError:
        import logging  # noqa: PLC0415

        logging.getLogger(__name__).warning("could not set the worker's autogroup nice to %d", niceness,
                                            exc_info=True)
