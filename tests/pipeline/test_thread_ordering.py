"""No missed pair: detection of a memory sees every earlier memory of its thread.

"Earlier" is the older (timestamp, memory_id). Detection of one (owner, thread) is serialized by an
advisory lock; memories still without an embedding are embedded under it; a memory committed after
a later one was processed is flagged and its job re-checks the later ones.
"""

import threading

import pytest
from django.db import connection, transaction

from detection import services
from detection.models import DetectionJob, DetectionLog
from ledger.models import ContradictionEntry
from memory.models import Memory
from memory.services import store_memory


@pytest.fixture(autouse=True)
def no_publishing(settings):
    settings.CRT_DETECTION_MODE = "off"


def write(user, text, thread="t"):
    with transaction.atomic():
        memory = store_memory(owner=user, thread_id=thread, text=text)
        return memory, services.create_detection_job(memory=memory)


@pytest.mark.django_db
def test_detection_sees_an_earlier_memory_whose_own_job_has_not_run_yet(user):
    earlier, _ = write(user, "I have visited Peru twice.")
    later, later_job = write(user, "I have not visited Peru twice.")

    services.run_detection_job(job_id=later_job.job_id)  # the earlier memory's job has not run

    entry = ContradictionEntry.objects.get()
    assert (entry.memory_a_id, entry.memory_b_id, entry.slot) == (earlier.memory_id, later.memory_id, "statement")
    assert Memory.objects.get(pk=earlier.pk).embedding is not None


@pytest.mark.django_db
def test_memory_committed_after_a_later_one_was_processed_is_compared_with_it(user):
    later, later_job = write(user, "I work at Amazon.")
    services.run_detection_job(job_id=later_job.job_id)
    assert not ContradictionEntry.objects.exists()

    # A message stamped earlier whose transaction commits only now (a slow concurrent request).
    with transaction.atomic():
        earlier = store_memory(owner=user, thread_id="t", text="I work at Google.")
        Memory.objects.filter(pk=earlier.pk).update(timestamp=later.timestamp - 1)
        earlier.refresh_from_db()
        job = services.create_detection_job(memory=earlier)

    assert job.late_commit is True
    log = services.run_detection_job(job_id=job.job_id)

    entry = ContradictionEntry.objects.get()
    assert (entry.memory_a_id, entry.memory_b_id, entry.slot) == (earlier.memory_id, later.memory_id, "employer")
    assert entry.detection_job_id == job.job_id
    assert [f["new_memory_id"] for f in log.contradictions_found] == [later.memory_id]


@pytest.mark.django_db
def test_memories_written_in_order_are_not_flagged_late(user):
    _, first = write(user, "I work at Amazon.")
    services.run_detection_job(job_id=first.job_id)
    _, second = write(user, "I work at Google.")
    assert second.late_commit is False


@pytest.mark.django_db(transaction=True)
def test_writer_flags_late_commit_while_a_detection_of_the_thread_holds_the_lock(user):
    holding, release = threading.Event(), threading.Event()

    def detection_in_progress():
        try:
            with transaction.atomic():
                services.lock_thread(owner_id=user.pk, thread_id="t")
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=detection_in_progress)
    holder.start()
    try:
        assert holding.wait(10)
        _, job = write(user, "I live in Oslo.")
        _, other_thread_job = write(user, "I live in Rome.", thread="elsewhere")
    finally:
        release.set()
        holder.join()

    assert job.late_commit is True
    assert other_thread_job.late_commit is False


@pytest.mark.django_db(transaction=True)
def test_two_jobs_of_one_thread_run_concurrently_and_the_pair_is_found_once(user):
    first, first_job = write(user, "I have visited Chile twice.")
    second, second_job = write(user, "I have not visited Chile twice.")
    errors = []

    def run(job_id):
        try:
            services.run_detection_job(job_id=job_id)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(j.job_id,)) for j in (second_job, first_job)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not errors
    assert DetectionLog.objects.count() == 2
    assert set(DetectionJob.objects.values_list("status", flat=True)) == {"done"}
    assert list(ContradictionEntry.objects.values_list("memory_a_id", "memory_b_id")) == [
        (first.memory_id, second.memory_id)]


def test_lock_thread_refuses_to_run_outside_a_transaction(transactional_db):
    from django.db.transaction import TransactionManagementError

    with pytest.raises(TransactionManagementError):
        services.lock_thread(owner_id=1, thread_id="t")
