"""End to end: HTTP API (live server) → Redis → a real Celery worker process → ledger."""

import time

import pytest
import requests
from rest_framework.authtoken.models import Token

from detection.models import DetectionJob, DetectionLog
from ledger.models import ContradictionEntry

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def client_session(live_server, user):
    session = requests.Session()
    session.headers["Authorization"] = f"Token {Token.objects.create(user=user).key}"
    session.base_url = live_server.url
    return session


def post(session, thread, message, **params):
    response = session.post(f"{session.base_url}/api/chat/send", json={"thread_id": thread, "message": message},
                            params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def wait_until(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def warm_up(session):
    """First job of a fresh worker process may still wait for the model load (~7 s)."""
    job_id = post(session, "warm-up", "Hello there.")["metadata"]["detection_job_id"]
    assert wait_until(lambda: DetectionJob.objects.get(job_id=job_id).status == "done", 120)


def test_contradiction_posted_over_http_reaches_the_ledger_within_5_seconds(worker, client_session):
    warm_up(client_session)
    post(client_session, "work", "I work at Microsoft.")
    posted_at = time.monotonic()
    post(client_session, "work", "I work at Amazon.")

    found = wait_until(lambda: ContradictionEntry.objects.filter(thread_id="work").exists(), timeout=5.0)

    assert found, f"no ledger entry {time.monotonic() - posted_at:.1f}s after posting\n{worker.log_text()[-2000:]}"
    entry = ContradictionEntry.objects.get(thread_id="work")
    assert (entry.slot, entry.old_value, entry.new_value) == ("employer", "Microsoft", "Amazon")
    listed = client_session.get(f"{client_session.base_url}/api/contradictions", params={"thread_id": "work"}).json()
    assert [item["ledger_id"] for item in listed["contradictions"]] == [entry.ledger_id]


def test_repeated_identical_statement_creates_no_ledger_entry(worker, client_session):
    warm_up(client_session)
    jobs = [post(client_session, "home", "I live in Seattle.")["metadata"]["detection_job_id"] for _ in range(2)]

    assert wait_until(lambda: DetectionJob.objects.filter(job_id__in=jobs, status="done").count() == 2, 30)
    assert not ContradictionEntry.objects.filter(thread_id="home").exists()


def test_every_job_gets_one_detection_log_with_a_latency(worker, client_session):
    warm_up(client_session)
    jobs = [post(client_session, "log", text)["metadata"]["detection_job_id"]
            for text in ("I am 32 years old.", "I am 34 years old.", "How old am I?")]

    assert wait_until(lambda: DetectionLog.objects.filter(job_id__in=jobs).count() == 3, 30)
    for log in DetectionLog.objects.filter(job_id__in=jobs):
        assert log.detection_latency_ms >= 0 and log.end_to_end_ms is not None


def test_wait_ms_returns_the_detection_result_in_the_same_response(worker, client_session):
    warm_up(client_session)
    post(client_session, "wait", "My name is Jordan.")

    body = post(client_session, "wait", "My name is Taylor.", wait_ms=5000)

    assert body["metadata"]["detection_status"] == "done"
    assert body["metadata"]["contradiction_detected"] is True
    assert body["metadata"]["unresolved_contradictions_total"] == 1
    assert body["metadata"]["contradictions"][0]["slot"] == "name"
