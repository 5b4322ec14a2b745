"""The Celery application shared by the web process, the workers, beat and flower.

Configuration comes from Django settings under the ``CELERY_`` namespace (see settings.py).
"""

import os
import time

from celery import Celery
from celery.signals import task_postrun

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
