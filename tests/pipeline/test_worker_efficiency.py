"""What the worker saves per message (issue #5 throughput): kept database connections, batch mates
answered from memory, one-statement embedding writes, and a nice value the scheduler honours.

Real database; tasks run in-process (``apply``); the autogroup test starts a real process.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from django.db import connection, transaction

from crtproject import celery as crt_celery
from detection import services, tasks
from detection.models import DetectionJob, JobStatus
from memory.models import Memory
from memory.services import ensure_embeddings, store_memory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_publishing(settings):
    settings.CRT_DETECTION_MODE = "off"
    settings.CRT_DETECTION_BATCH = 16


def write(user, text, thread="t") -> DetectionJob:
    with transaction.atomic():
        return services.create_detection_job(memory=store_memory(owner=user, thread_id=thread, text=text))


class _WorkerTask:
    """What ``task_postrun`` passes for a task a worker ran (not eagerly in the caller)."""

    class request:  # noqa: N801 - mirrors celery's attribute
        is_eager = False


@pytest.mark.django_db(transaction=True)
def test_a_successful_task_keeps_its_database_connection_and_a_failed_one_closes_it():
    connection.ensure_connection()
    kept = connection.connection

    crt_celery._recycle_database_connections(task=_WorkerTask(), state="SUCCESS")
    assert connection.connection is kept  # the next message needs no new PostgreSQL backend

    crt_celery._recycle_database_connections(task=_WorkerTask(), state="RETRY")
    assert connection.connection is None  # e.g. session locks of a failed batch go with it


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_saw_an_error_or_outlived_its_max_age_is_closed_after_the_task():
    connection.ensure_connection()
    connection.errors_occurred = True  # what Django sets when PostgreSQL went away mid-query
    crt_celery._recycle_database_connections(task=_WorkerTask(), state="SUCCESS")
    assert connection.connection is None

    connection.ensure_connection()
    connection.close_at = 0.0  # older than CONN_MAX_AGE
    crt_celery._recycle_database_connections(task=_WorkerTask(), state="SUCCESS")
    assert connection.connection is None


@pytest.mark.django_db
def test_an_eager_task_never_closes_the_callers_connection():
    class Eager:
        class request:  # noqa: N801
            is_eager = True

    connection.ensure_connection()
    crt_celery._recycle_database_connections(task=Eager(), state="FAILURE")
    assert connection.connection is not None


@pytest.mark.django_db(transaction=True)
def test_batch_mates_this_process_finished_are_answered_without_a_query(user, django_assert_num_queries):
    jobs = [write(user, "I work at Microsoft."), write(user, "I work at Amazon."), write(user, "I live in Oslo.")]
    assert tasks.detect_contradictions.apply(args=[jobs[0].job_id]).get()["batch"] == 3

    with django_assert_num_queries(0):
        outcome = services.run_detection_batch(job_id=jobs[1].job_id, limit=16)

    assert outcome.status == "done" and outcome.job.batch_leader == jobs[0].job_id
    assert outcome.log.job_id == jobs[1].job_id and len(outcome.log.contradictions_found) == 1
    services._finished_here.clear()  # another process: one query, same answer
    with django_assert_num_queries(1):
        again = services.run_detection_batch(job_id=jobs[1].job_id, limit=16)
    assert again.status == "done" and again.job.batch_leader == jobs[0].job_id
    assert again.log.contradictions_found == outcome.log.contradictions_found


@pytest.mark.django_db
def test_a_batch_inside_a_callers_transaction_is_not_remembered_as_finished(user):
    job = write(user, "I work at Microsoft.")
    services._finished_here.clear()
    services.run_detection_batch(job_id=job.job_id, limit=16)  # the test's transaction may still roll back
    assert job.job_id not in services._finished_here
    assert DetectionJob.objects.get(pk=job.pk).status == JobStatus.DONE


@pytest.mark.django_db
def test_embeddings_written_in_one_statement_read_back_bit_for_bit(user):
    memories = [store_memory(owner=user, thread_id="t", text=text)
                for text in ("I work at Microsoft.", "I live in Oslo.", "Hello there!")]
    assert ensure_embeddings(memories=memories) == 3

    for memory in memories:
        stored = Memory.objects.get(pk=memory.pk).embedding
        assert np.array_equal(np.asarray(stored, dtype=np.float32), memory.embedding)
    assert ensure_embeddings(memories=list(Memory.objects.all())) == 0  # nothing left to embed


@pytest.mark.skipif(not os.path.exists("/proc/self/autogroup"), reason="kernel without scheduler autogroups")
def test_a_niced_worker_in_its_own_session_gives_its_autogroup_the_same_nice():
    script = ("import crtproject.celery as c; c._apply_nice_to_autogroup(); "
              "print(open('/proc/self/autogroup').read().split()[-1])")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "crtproject.settings"}
    # A new session, as honcho starts each Procfile line; nice as the Procfile does.
    result = subprocess.run(["nice", "-n", "7", sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60, start_new_session=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(min(19, os.nice(0) + 7))  # nice adds to the suite's own nice value
