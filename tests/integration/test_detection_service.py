"""Detection called as plain Python (no Celery) against the real database and embedding model."""

import pytest

from detection.models import DetectionJob, DetectionLog
from detection.services import create_detection_job, run_detection_job
from ledger.models import ContradictionEntry
from memory.models import Memory
from memory.services import store_memory

pytestmark = pytest.mark.django_db


def say(user, text, thread="t"):
    memory = store_memory(owner=user, thread_id=thread, text=text)
    job = create_detection_job(memory=memory)
    return memory, run_detection_job(job_id=job.job_id)


def test_employer_change_lands_in_the_ledger_with_drift_and_lowers_old_trust(user):
    old, _ = say(user, "I work at Microsoft.")
    trust_before = Memory.objects.get(pk=old.pk).trust
    new, log = say(user, "I work at Amazon now.")

    entry = ContradictionEntry.objects.get()
    assert (entry.memory_a_id, entry.memory_b_id) == (old.memory_id, new.memory_id)
    assert (entry.slot, entry.old_value, entry.new_value) == ("employer", "Microsoft", "Amazon")
    assert entry.owner == user and entry.thread_id == "t" and entry.status == "open"
    assert 0 < entry.drift_mean < 1
    assert entry.evidence["rule"] and entry.evidence["old_text"] == "I work at Microsoft."
    assert Memory.objects.get(pk=old.pk).trust < trust_before
    assert old.memory_id in log.potential_conflicts
    assert log.contradictions_found[0]["ledger_id"] == entry.ledger_id


def test_memories_are_embedded_by_detection(user):
    memory, _ = say(user, "I live in Lisbon.")
    memory.refresh_from_db()
    assert memory.embedding is not None and len(memory.embedding) == 384


def test_identical_repeat_is_not_a_contradiction(user):
    say(user, "I live in Seattle.")
    say(user, "I live in Seattle.")
    assert ContradictionEntry.objects.count() == 0


def test_negation_of_an_earlier_statement_is_a_denial(user):
    say(user, "I work at Microsoft.")
    say(user, "I don't work at Microsoft anymore.")
    entry = ContradictionEntry.objects.get()
    assert entry.contradiction_type == "DENIAL"


def test_other_threads_and_other_owners_are_never_compared(user, other_user):
    say(user, "I work at Microsoft.", thread="a")
    say(other_user, "I work at Google.", thread="b")
    say(user, "I work at Amazon.", thread="b")
    assert ContradictionEntry.objects.count() == 0


def test_running_a_job_twice_writes_one_log_and_no_duplicate_entries(user):
    say(user, "My name is Ann.")
    memory = store_memory(owner=user, thread_id="t", text="My name is Beth.")
    job = create_detection_job(memory=memory)
    first = run_detection_job(job_id=job.job_id)
    DetectionJob.objects.filter(pk=job.pk).update(status="pending")  # as if the message were redelivered
    second = run_detection_job(job_id=job.job_id)

    assert first.pk == second.pk
    assert DetectionLog.objects.filter(job=job).count() == 1
    assert ContradictionEntry.objects.count() == 1


def test_unknown_job_raises_does_not_exist():
    with pytest.raises(DetectionJob.DoesNotExist):
        run_detection_job(job_id="detect_job_missing")
