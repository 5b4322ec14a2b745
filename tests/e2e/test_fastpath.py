"""A real worker acknowledges its batch mates' messages in its consumer (detection.fastpath)."""

import time

import pytest

from detection import services
from detection.models import DetectionJob, DetectionLog, JobStatus
from ledger.models import ContradictionEntry
from memory.services import store_memory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STATEMENTS = ["I work at Microsoft.", "I live in Oslo.", "I am 34 years old.", "I have a cat.",
              "I work at Amazon now.", "I live in Bergen.", "I am 36 years old.", "I like jazz."]


def test_batch_mates_messages_are_acknowledged_by_the_consumer_and_every_job_runs_once(worker, user, settings):
    settings.CRT_DETECTION_MODE = "off"  # write everything first, then publish: one batch takes the jobs
    jobs = [services.create_detection_job(memory=store_memory(owner=user, thread_id="fp", text=text))
            for text in STATEMENTS]
    assert all(services.publish_job(job_id=job.job_id) for job in jobs)

    deadline = time.monotonic() + 120
    pending = DetectionJob.objects.filter(pk__in=[job.pk for job in jobs]).exclude(status=JobStatus.DONE)
    while pending.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not pending.exists()

    # Every message is acknowledged: the consumer answered batch mates without the pool.
    # One pool process, prefetch 1: the first message's task ran all 8 jobs, the consumer answers the 7 others.
    def fast_acked():
        return worker.log_text().count("is already done (its batch ran in this worker)")

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and fast_acked() < len(jobs) - 1:
        time.sleep(0.2)
    fast = fast_acked()
    assert fast == len(jobs) - 1, worker.log_text()[-3000:]
    assert DetectionLog.objects.filter(job__in=jobs).count() == len(jobs)  # one log per job
    conflicts = ContradictionEntry.objects.filter(owner=user).exclude(contradiction_type="REFINEMENT")
    assert conflicts.count() == 3  # employer, city, age; once each
