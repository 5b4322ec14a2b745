"""/ready and /metrics with a live server and a real Celery worker process."""

import time

import pytest
import requests
from rest_framework.authtoken.models import Token

from detection.models import DetectionJob

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def value(text: str, series: str) -> float:
    """Sum of the samples whose line starts with ``series`` (name plus optional label prefix)."""
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(series))


def test_ready_is_200_with_the_worker_and_metrics_show_the_workers_series(worker, live_server, user):
    session = requests.Session()
    session.headers["Authorization"] = f"Token {Token.objects.create(user=user).key}"
    jobs = [session.post(f"{live_server.url}/api/chat/send", json={"thread_id": "m", "message": text},
                         timeout=30).json()["metadata"]["detection_job_id"]
            for text in ("I work at Microsoft.", "I work at Amazon.")]
    deadline = time.monotonic() + 120
    while DetectionJob.objects.filter(job_id__in=jobs, status="done").count() < 2 and time.monotonic() < deadline:
        time.sleep(0.1)

    ready = requests.get(f"{live_server.url}/ready", timeout=10)
    metrics = requests.get(f"{live_server.url}/metrics", timeout=10).text

    body = ready.json()
    assert ready.status_code == 200 and body["status"] == "ready", body
    assert body["checks"]["workers"]["responding"] and all(c["ok"] for c in body["checks"].values())
    # Written by the worker's pool process, merged into the web's exposition (multiprocess mode).
    assert value(metrics, "crt_detection_latency_seconds_count") >= 2
    assert value(metrics, "crt_detection_jobs_processed_total") >= 2
    assert value(metrics, 'crt_contradictions_recorded_total{type="CONFLICT"}') >= 1
    assert value(metrics, 'crt_http_request_duration_seconds_count{method="POST",route="api/chat/send",status="200"}') >= 2
    assert value(metrics, "crt_detection_queue_depth") == 0
