"""/metrics, /ready and the multiprocess metrics against the real database and broker."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from crtproject import metrics
from detection import services
from memory.services import store_memory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def sample(text: str, name: str, **labels) -> float | None:
    """Value of one series in an exposition text (labels must all match), or None."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        match = re.match(r"([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(3) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match.group(4))
    return None


def scrape(client=None) -> str:
    response = (client or Client()).get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def test_api_latency_is_exported_by_route_and_status(api):
    before = sample(scrape(), "crt_http_request_duration_seconds_count", route="api/chat/send", status="200") or 0
    assert api.post("/api/chat/send", {"message": "I live in Oslo."}, format="json").status_code == 200
    assert api.post("/api/chat/send", {"message": ""}, format="json").status_code == 400

    text = scrape()

    assert sample(text, "crt_http_request_duration_seconds_count", route="api/chat/send", status="200") == before + 1
    assert sample(text, "crt_http_request_duration_seconds_count", route="api/chat/send", status="400") >= 1
    assert sample(text, "crt_http_request_duration_seconds_bucket", route="api/chat/send", status="200",
                  le="0.15") is not None
    assert sample(text, "crt_http_request_duration_seconds_count", route="<unmatched>", status="404") is None
    Client().get("/no/such/page")
    assert sample(scrape(), "crt_http_request_duration_seconds_count", route="<unmatched>", status="404") >= 1


def test_pipeline_state_gauges_come_from_the_database_and_the_broker(user, settings):
    settings.CRT_DETECTION_MODE = "off"
    for text in ("I work at Microsoft.", "I work at Amazon."):
        services.create_detection_job(memory=store_memory(owner=user, thread_id="t", text=text))

    text = scrape()

    assert sample(text, "crt_database_up") == 1 and sample(text, "crt_broker_up") == 1
    assert sample(text, "crt_detection_jobs", status="pending") == 2
    assert sample(text, "crt_detection_dead_jobs") == 0
    assert sample(text, "crt_detection_outbox_lag_seconds") >= 0
    assert sample(text, "crt_detection_queue_depth") is not None


def test_a_finished_job_shows_in_detection_latency_counters_and_contradictions_by_type(user, settings):
    settings.CRT_DETECTION_MODE = "off"
    jobs = [services.create_detection_job(memory=store_memory(owner=user, thread_id="t", text=text))
            for text in ("I work at Microsoft.", "I work at Amazon.")]
    before = scrape()

    for job in jobs:
        services.run_job_inline(job_id=job.job_id)

    after = scrape()
    count = "crt_detection_latency_seconds_count"
    assert sample(after, count) == (sample(before, count) or 0) + 2
    assert sample(after, "crt_detection_jobs_processed_total") == (sample(before, "crt_detection_jobs_processed_total") or 0) + 2
    assert sample(after, "crt_contradictions_recorded_total", type="CONFLICT") >= 1
    assert sample(after, "crt_ledger_entries", status="open") == 1
    assert sample(after, "crt_ledger_entries_by_type", type="CONFLICT") == 1


def test_series_written_by_another_process_are_merged_into_the_exposition():
    code = ("import sys; sys.path.insert(0, '.'); from crtproject import metrics; "
            "metrics.JOBS_REPUBLISHED.labels(reason='unpublished').inc(7)")
    before = sample(scrape(), "crt_detection_jobs_republished_total", reason="unpublished") or 0
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env={**os.environ})

    assert sample(scrape(), "crt_detection_jobs_republished_total", reason="unpublished") == before + 7
    assert os.environ["PROMETHEUS_MULTIPROC_DIR"] == metrics.MULTIPROC_DIR


def test_metrics_require_the_bearer_token_when_one_is_configured(settings):
    settings.CRT_METRICS_TOKEN = "s3cret"

    refused = Client().get("/metrics")
    allowed = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret")

    assert refused.status_code == 401 and refused.json()["errors"]["authorization"]
    assert allowed.status_code == 200


def test_ready_without_a_worker_is_503_and_names_the_failing_check():
    from crtproject.celery import app

    app.control.purge()
    response = Client().get("/ready")

    body = response.json()
    assert response.status_code == 503 and body["status"] == "not_ready"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True and body["checks"]["broker"]["queue_depth"] == 0
    assert body["checks"]["workers"] == {"ok": False, "error": "no worker answered the ping", "responding": [],
                                         "latency_ms": body["checks"]["workers"]["latency_ms"]}


def test_health_stays_public_and_ready_refuses_post():
    assert Client().get("/health").json() == {"status": "ok"}
    assert Client().post("/ready").status_code == 405
