"""The transactional outbox against the real database and broker: what is published, and when."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from crtproject.celery import app
from detection import services
from detection.models import DetectionJob, JobStatus
from memory.services import store_memory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def empty_queue():
    app.control.purge()
    yield
    app.control.purge()


def new_job(user, text="I work at Microsoft.", thread="t") -> DetectionJob:
    with transaction.atomic():
        memory = store_memory(owner=user, thread_id=thread, text=text)
        return services.create_detection_job(memory=memory)


def age(job, **fields_seconds_ago):
    now = timezone.now()
    DetectionJob.objects.filter(pk=job.pk).update(**{f: now - timedelta(seconds=s) for f, s in fields_seconds_ago.items()})


def test_job_is_published_after_commit_in_async_mode(settings, user, empty_queue):
    settings.CRT_DETECTION_MODE = "async"
    job = new_job(user)

    job.refresh_from_db()
    assert job.status == JobStatus.PENDING and job.published_at is not None and job.publish_count == 1
    assert services.queue_depth() == 1


def test_off_mode_publishes_nothing_and_the_job_stays_pending(settings, user, empty_queue):
    settings.CRT_DETECTION_MODE = "off"
    job = new_job(user)

    job.refresh_from_db()
    assert job.status == JobStatus.PENDING and job.published_at is None
    assert services.queue_depth() == 0
    age(job, created_at=120)
    assert sum(services.republish_stale_jobs().values()) == 0


def test_rolled_back_memory_leaves_no_job_and_publishes_nothing(settings, user, empty_queue):
    settings.CRT_DETECTION_MODE = "async"
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            memory = store_memory(owner=user, thread_id="t", text="I live in Oslo.")
            services.create_detection_job(memory=memory)
            raise RuntimeError("request failed after the write")

    assert DetectionJob.objects.count() == 0
    assert services.queue_depth() == 0


def test_sweeper_publishes_a_job_never_published_once_it_is_30_seconds_old(settings, user, empty_queue):
    settings.CRT_DETECTION_MODE = "off"
    young, old = new_job(user), new_job(user, "I live in Oslo.")
    age(old, created_at=31)
    settings.CRT_DETECTION_MODE = "async"

    counts = services.republish_stale_jobs()

    assert counts["unpublished"] == 1
    old.refresh_from_db()
    young.refresh_from_db()
    assert old.published_at is not None and old.publish_count == 1 and young.published_at is None
    assert services.queue_depth() == 1
    assert services.republish_stale_jobs()["unpublished"] == 0  # not twice


def test_sweeper_republishes_a_pending_job_whose_message_is_gone_from_an_empty_queue(settings, user, empty_queue):
    settings.CRT_DETECTION_MODE = "async"
    job = new_job(user)
    app.control.purge()  # the message is lost (e.g. the broker lost its data)
    age(job, created_at=40, published_at=31)

    assert services.republish_stale_jobs()["lost"] == 1
    assert services.queue_depth() == 1


def test_sweeper_leaves_a_queued_job_alone_while_its_message_waits_in_the_queue(settings, user, empty_queue):
    settings.CRT_DETECTION_MODE = "async"
    job = new_job(user)
    age(job, created_at=40, published_at=31)  # still queued: depth 1

    assert services.republish_stale_jobs()["lost"] == 0
    age(job, published_at=601)  # ten minutes in the queue: republished anyway
    assert services.republish_stale_jobs()["lost"] == 1


def test_stale_running_job_is_republished_until_its_attempts_are_used_up(settings, user, empty_queue):
    settings.CRT_DETECTION_MODE = "async"
    settings.CRT_DETECTION_MAX_RETRIES = 2
    job = new_job(user)
    DetectionJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, attempts=1)
    age(job, started_at=settings.CRT_STALE_RUNNING_S + 1)

    assert services.republish_stale_jobs()["stale_running"] == 1

    DetectionJob.objects.filter(pk=job.pk).update(attempts=3)
    counts = services.republish_stale_jobs()
    job.refresh_from_db()
    assert counts["dead"] == 1 and job.status == JobStatus.DEAD and "3 attempts" in job.last_error
