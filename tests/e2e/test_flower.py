"""Flower (as started by the Procfile) shows the detection tasks under their job ids."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings

from detection import services
from detection.models import DetectionJob
from memory.services import store_memory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def flower(tmp_path):
    from tests.conftest import database_url_for_subprocess  # noqa: PLC0415

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crtproject.test_settings", "FLOWER_UNAUTHENTICATED_API": "true",
           "DATABASE_URL": database_url_for_subprocess(), "CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    log = open(tmp_path / "flower.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "celery", "-A", "crtproject", "flower", "--address=127.0.0.1",
                             f"--port={port}"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/api/tasks", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
    else:
        pytest.fail((tmp_path / "flower.log").read_text()[-3000:])
    yield url
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


@pytest.fixture
def heartbeat_worker(tmp_path):
    """A real worker that sends heartbeat events, so Flower learns of it after subscribing."""
    from tests.conftest import start_worker  # noqa: PLC0415

    process = start_worker(tmp_path, heartbeat=True)
    yield process
    process.stop()


def wait_until_flower_hears_worker_events(url, timeout=60):
    """Block until Flower's event receiver has recorded a worker (a heartbeat or other event).

    Flower's HTTP API answers before its event consumer is bound to the broker; a task published in
    that gap reaches Flower only as ``task-succeeded``, without the ``task-received`` event that
    carries its name. ``/workers?json=1`` lists only workers known from events, so a non-empty list
    means the consumer is listening. Raises ``AssertionError`` after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if requests.get(f"{url}/workers", params={"json": 1}, timeout=5).json().get("data"):
            return
        time.sleep(0.2)
    raise AssertionError(f"Flower heard no worker event within {timeout} s")


def test_flower_lists_a_detection_task_under_its_job_id_with_its_state(heartbeat_worker, flower, user, settings):
    settings.CRT_DETECTION_MODE = "off"  # publish by hand below, after flower is listening
    wait_until_flower_hears_worker_events(flower)
    job = services.create_detection_job(memory=store_memory(owner=user, thread_id="f", text="I work at Google."))
    assert services.publish_job(job_id=job.job_id)

    deadline = time.monotonic() + 120
    task = {}
    while time.monotonic() < deadline:
        task = requests.get(f"{flower}/api/tasks", timeout=5).json().get(job.job_id, {})
        if task.get("state") == "SUCCESS":
            break
        time.sleep(0.2)

    assert DetectionJob.objects.get(pk=job.pk).status == "done"
    assert task.get("state") == "SUCCESS" and task.get("name") == "detection.detect_contradictions", task
