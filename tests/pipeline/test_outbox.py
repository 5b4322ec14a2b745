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
    services.clear_wakeup()
    yield
    app.control.purge()
    services.clear_wakeup()


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


def test_a_job_written_while_a_wake_up_waits_in_the_queue_sends_no_message_of_its_own(settings, user, empty_queue):
    settings.CRT_DETECTION_MODE = "async"
    first, second = new_job(user), new_job(user, "I live in Oslo.", thread="u")

    first.refresh_from_db(), second.refresh_from_db()
    assert first.publish_count == 1 and second.published_at is None  # the first one's message will claim both
    assert services.queue_depth() == 1

    services.clear_wakeup()  # what a task does right before it claims pending jobs
    third = new_job(user, "I am 34 years old.", thread="v")
    third.refresh_from_db()
    assert third.publish_count == 1 and services.queue_depth() == 2


def test_coalescing_off_publishes_one_message_per_job(settings, user, empty_queue):
    settings.CRT_DETECTION_MODE = "async"
    settings.CRT_DETECTION_COALESCE = False
    new_job(user), new_job(user, "I live in Oslo.", thread="u")
    assert services.queue_depth() == 2


def test_a_task_that_leaves_pending_jobs_behind_publishes_a_wake_up_for_the_oldest(settings, user, empty_queue):
    settings.CRT_DETECTION_MODE = "off"  # written without messages, as coalesced jobs are
    jobs = [new_job(user, f"I have {n} cats.", thread=f"t{n}") for n in range(1, 6)]
    settings.CRT_DETECTION_MODE = "async"

    outcome = services.run_detection_batch(job_id=jobs[0].job_id, limit=3)

    assert outcome.status == "ran" and len(outcome.logs) == 3
    assert services.queue_depth() == 1  # the wake-up for the two jobs beyond the batch
    assert DetectionJob.objects.get(pk=jobs[3].pk).publish_count == 1  # the oldest job still pending
    outcome = services.run_detection_batch(job_id=jobs[3].job_id, limit=3)
    assert outcome.status == "ran" and len(outcome.logs) == 2
    assert services.queue_depth() == 1  # nothing left: no further wake-up


def test_the_wake_up_message_is_never_acknowledged_by_the_consumers_fast_path(settings, user, empty_queue):
    from detection import fastpath

    settings.CRT_DETECTION_MODE = "async"
    waking, coalesced = new_job(user), new_job(user, "I live in Oslo.", thread="u")

    # Even once its job is done (by another batch), the wake-up's message must reach a task, which
    # clears the marker and claims what was written since; a batch mate's message need not.
    fastpath.record_done([waking.job_id, coalesced.job_id])
    assert fastpath.holds_wakeup(waking.job_id) and not fastpath.holds_wakeup(coalesced.job_id)
    services.clear_wakeup()
    assert not fastpath.holds_wakeup(waking.job_id)
    fastpath.clear()


def test_a_wake_up_lingers_so_that_writes_of_its_window_join_its_batch(settings, user, empty_queue):
    import threading

    from django.db import connection

    settings.CRT_DETECTION_MODE = "async"
    settings.CRT_DETECTION_LINGER_MS = 1500
    first = new_job(user)

    def later_write():
        new_job(user, "I live in Oslo.", thread="u")
        connection.close()

    writer = threading.Timer(0.3, later_write)
    writer.start()
    outcome = services.run_detection_batch(job_id=first.job_id, limit=16)
    writer.join()

    assert outcome.status == "ran" and len(outcome.logs) == 2  # the job written 0.3 s later rode along
    assert DetectionJob.objects.filter(status=JobStatus.DONE).count() == 2
    assert services.queue_depth() == 1  # the first job's wake-up only: the second coalesced into it


def test_no_linger_for_a_backlog_an_old_job_or_a_zero_window(settings, user, empty_queue):
    settings.CRT_DETECTION_MODE = "off"
    settings.CRT_DETECTION_LINGER_MS = 5000
    jobs = [new_job(user, f"I have {n} cats.", thread=f"t{n}") for n in range(1, 4)]

    assert services._linger(limit=3) == 0.0  # a full batch is waiting
    for job in jobs:
        age(job, created_at=6)
    assert services._linger(limit=16) == 0.0  # the oldest waited long enough
    settings.CRT_DETECTION_LINGER_MS = 0
    assert services._linger(limit=16) == 0.0
    DetectionJob.objects.all().delete()
    settings.CRT_DETECTION_LINGER_MS = 5000
    assert services._linger(limit=16) == 0.0  # nothing pending


def test_linger_waits_out_the_rest_of_the_window_of_the_oldest_pending_job(settings, user, empty_queue):
    settings.CRT_DETECTION_MODE = "off"
    settings.CRT_DETECTION_LINGER_MS = 1000
    job = new_job(user)
    age(job, created_at=0.6)
    waited = services._linger(limit=16)
    assert 0.2 < waited <= 0.4 + 0.05
