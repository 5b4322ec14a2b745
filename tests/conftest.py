"""Shared fixtures. Integration tests use the embedded PostgreSQL/Redis (or the configured URLs);
nothing here mocks the database, the broker or the worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Prometheus files of the test session (and of the worker processes it starts, which inherit the
# environment) go to a private directory, never into a running stack's var/prometheus.
if "crtproject.metrics" not in sys.modules:
    import atexit
    import shutil
    import tempfile

    _METRICS_DIR = tempfile.mkdtemp(prefix="crt-test-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _METRICS_DIR
    atexit.register(shutil.rmtree, _METRICS_DIR, True)


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="alice", password="pw-alice-123")


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user(username="bob", password="pw-bob-123")


@pytest.fixture
def api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user=user)
    return client


def database_url_for_subprocess() -> str:
    """A DATABASE_URL that points a child process at the test database this session uses."""
    from django.db import connection

    s = connection.settings_dict
    host = s.get("HOST") or s.get("OPTIONS", {}).get("host", "")
    port = s.get("PORT") or s.get("OPTIONS", {}).get("port", "") or 5432
    user = urllib.parse.quote(s.get("USER") or "")
    password = urllib.parse.quote(s.get("PASSWORD") or "")
    if host.startswith("/"):
        return f"postgresql://{user}:{password}@/{s['NAME']}?host={host}&port={port}"
    return f"postgresql://{user}:{password}@{host}:{port}/{s['NAME']}"


class WorkerProcess:
    """A real ``celery worker`` child process on the test queue and the test database."""

    def __init__(self, log_path: Path, concurrency: int = 1, heartbeat: bool = False):
        from django.conf import settings

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "crtproject.test_settings",
            "DATABASE_URL": database_url_for_subprocess(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "PYTHONUNBUFFERED": "1",
        }
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "crtproject", "worker", "--loglevel", "INFO",
             "--concurrency", str(concurrency), "--hostname", f"test-{os.getpid()}@%h",
             *([] if heartbeat else ["--without-heartbeat"]), "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def start_worker(tmp_path: Path, heartbeat: bool = False):
    """Purge stale test-queue messages, start a ``WorkerProcess`` and wait for its "ready." line.

    ``heartbeat=True`` keeps Celery's worker-heartbeat events (every 2 s), which event monitors such
    as Flower need to notice a worker that started before them. Fails the test after 120 s.
    """
    from crtproject.celery import app

    from detection.services import clear_wakeup

    app.control.purge()
    clear_wakeup()  # a wake-up marker of a purged message would hold back the next publishes
    process = WorkerProcess(tmp_path / "worker.log", heartbeat=heartbeat)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.proc.poll() is not None:
            pytest.fail(f"worker exited early:\n{process.log_text()[-3000:]}")
        if "ready." in process.log_text():
            break
        time.sleep(0.2)
    else:
        pytest.fail(f"worker did not become ready:\n{process.log_text()[-3000:]}")
    return process


@pytest.fixture
def worker(tmp_path):
    """Start a worker, purge stale test-queue messages first, stop it after the test."""
    process = start_worker(tmp_path)
    yield process
    process.stop()
