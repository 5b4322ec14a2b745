"""Retries, dead letters and requeueing, with the task run in-process (Celery's apply).

Faults are injected by making one step of the job raise (a code bug for "bad data", a dropped
database connection for a transient error); the database is real.
"""

import pytest
from django.core.management import call_command
from django.db import OperationalError

from crtproject import metrics
from detection import services, tasks
from detection.models import DetectionJob, DetectionLog, JobStatus
from ledger.models import ContradictionEntry
from memory.services import store_memory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_publishing(settings):
    settings.CRT_DETECTION_MODE = "off"


def new_job(user, text="I work at Amazon.", thread="t") -> DetectionJob:
    return services.create_detection_job(memory=store_memory(owner=user, thread_id=thread, text=text))


def counter(metric, **labels) -> float:
    return (metric.labels(**labels) if labels else metric)._value.get()


def test_bad_data_goes_dead_at_once_with_its_error_and_no_retry(user, monkeypatch):
    job = new_job(user)
    monkeypatch.setattr(services, "detect", lambda *a, **k: (_ for _ in ()).throw(ValueError("cannot parse")))
    before = counter(metrics.JOBS_FAILED, reason="error")

    result = tasks.detect_contradictions.apply(args=[job.job_id])

    job.refresh_from_db()
    assert result.failed()
    assert job.status == JobStatus.DEAD and job.attempts == 1
    assert "ValueError: cannot parse" in job.last_error
    assert counter(metrics.JOBS_FAILED, reason="error") == before + 1


def test_transient_errors_are_retried_and_the_job_then_succeeds(user, monkeypatch):
    from memory import selectors

    real = selectors.detection_candidate_ids
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] <= 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(selectors, "detection_candidate_ids", flaky)
    job = new_job(user)
    retried = counter(metrics.JOBS_RETRIED)

    tasks.detect_contradictions.apply(args=[job.job_id])

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 3 and job.last_error == ""
    assert counter(metrics.JOBS_RETRIED) == retried + 2
    assert DetectionLog.objects.filter(job=job).count() == 1


def test_transient_errors_past_the_retries_make_a_dead_letter(user, monkeypatch):
    from memory import selectors

    def down(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(selectors, "detection_candidate_ids", down)
    job = new_job(user)
    exhausted = counter(metrics.JOBS_FAILED, reason="retries_exhausted")

    tasks.detect_contradictions.apply(args=[job.job_id])

    job.refresh_from_db()
    assert job.status == JobStatus.DEAD
    assert job.attempts == tasks.detect_contradictions.max_retries + 1
    assert "could not connect" in job.last_error
    assert counter(metrics.JOBS_FAILED, reason="retries_exhausted") == exhausted + 1


def test_a_dead_job_redelivered_by_the_broker_is_dropped_without_running(user):
    job = new_job(user)
    services.mark_dead(job_id=job.job_id, error="boom")

    result = tasks.detect_contradictions.apply(args=[job.job_id]).get()

    assert result == {"job_id": job.job_id, "error": "dead job"}
    job.refresh_from_db()
    assert job.status == JobStatus.DEAD and job.attempts == 0


def test_a_poison_job_claimed_too_often_is_declared_dead(user, settings):
    settings.CRT_DETECTION_MAX_RETRIES = 1
    job = new_job(user)
    DetectionJob.objects.filter(pk=job.pk).update(attempts=2, last_error="WorkerLostError")

    with pytest.raises(services.DeadJobError):
        services.run_detection_job(job_id=job.job_id)
    job.refresh_from_db()
    assert job.status == JobStatus.DEAD and "gave up after 2 attempts" in job.last_error


def test_requeue_dead_jobs_inline_runs_them_to_done(user, capsys):
    new_job(user, "I work at Microsoft.")
    job = new_job(user, "I work at Amazon.")
    services.mark_dead(job_id=job.job_id, error="ValueError: cannot parse")

    call_command("requeue_dead_jobs", "--inline")

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 1 and job.last_error == ""
    assert ContradictionEntry.objects.filter(memory_b_id=job.memory_id).count() == 1
    assert "requeued 1 job(s) (ran inline)" in capsys.readouterr().out


def test_requeue_dead_jobs_dry_run_lists_and_changes_nothing(user, capsys):
    job = new_job(user)
    services.mark_dead(job_id=job.job_id, error="boom")

    call_command("requeue_dead_jobs", "--dry-run")

    assert job.job_id in capsys.readouterr().out
    job.refresh_from_db()
    assert job.status == JobStatus.DEAD


def test_requeue_leaves_jobs_that_are_not_dead_alone_and_says_so(user, capsys):
    job = new_job(user)

    call_command("requeue_dead_jobs", job.job_id, "detect_job_missing")

    err = capsys.readouterr().err
    assert f"skipping {job.job_id}: status is pending, not dead" in err
    assert "skipping detect_job_missing: no such job" in err
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING


def test_requeue_command_has_help():
    with pytest.raises(SystemExit) as exit_info:
        call_command("requeue_dead_jobs", "--help")
    assert exit_info.value.code == 0


def test_admin_lists_dead_jobs_and_its_action_requeues_them(user, admin_client):
    job = new_job(user)
    services.mark_dead(job_id=job.job_id, error="ValueError: cannot parse")
    url = "/admin/detection/detectionjob/"

    listing = admin_client.get(url, {"status__exact": "dead"})
    assert listing.status_code == 200 and job.job_id in listing.content.decode()
    assert "ValueError: cannot parse" in listing.content.decode()

    response = admin_client.post(url, {"action": "requeue_dead", "_selected_action": [job.job_id]}, follow=True)

    assert response.status_code == 200 and "Requeued 1 dead job(s)." in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING and job.attempts == 0
