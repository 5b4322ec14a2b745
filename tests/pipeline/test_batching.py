"""The batched worker path: one task claims several pending jobs and processes them together.

Real database; the Celery task runs in-process (``apply``). Publishing is switched off or
recorded, so no broker is needed.
"""

import threading

import pytest
from django.db import connection, transaction

from crtproject import metrics
from detection import services, tasks
from detection.models import DetectionJob, DetectionLog, JobStatus
from ledger import services as ledger_services
from ledger.models import ContradictionEntry
from ledger.verification import verify_chains
from memory import selectors
from memory.models import Memory
from memory.services import ensure_embeddings, store_memory


@pytest.fixture(autouse=True)
def no_publishing(settings):
    settings.CRT_DETECTION_MODE = "off"
    settings.CRT_DETECTION_BATCH = 16


@pytest.fixture
def published(monkeypatch):
    """Job ids handed to ``publish_job`` (recorded instead of sent)."""
    sent: list[str] = []
    monkeypatch.setattr(services, "publish_job", lambda *, job_id: sent.append(job_id) or True)
    services.clear_wakeup()  # no marker left by another test holds back a wake-up
    yield sent
    services.clear_wakeup()


def write(user, text, thread="t") -> DetectionJob:
    with transaction.atomic():
        return services.create_detection_job(memory=store_memory(owner=user, thread_id=thread, text=text))


def pairs() -> set[tuple[str, str, str]]:
    return set(ContradictionEntry.objects.values_list("memory_a__text", "memory_b__text", "slot"))


@pytest.mark.django_db
def test_one_task_processes_the_pending_jobs_of_several_threads_and_their_messages_then_do_nothing(user):
    jobs = [write(user, "I work at Microsoft.", "a"), write(user, "I live in Oslo.", "b"),
            write(user, "I work at Amazon.", "a"), write(user, "I live in Rome.", "b"), write(user, "Hello.", "c")]
    duplicates = metrics.JOBS_DUPLICATE._value.get()
    processed = metrics.JOBS_PROCESSED._value.get()

    result = tasks.detect_contradictions.apply(args=[jobs[0].job_id]).get()

    assert result["batch"] == 5
    assert set(DetectionJob.objects.values_list("status", flat=True)) == {JobStatus.DONE}
    assert set(DetectionJob.objects.values_list("batch_leader", flat=True)) == {jobs[0].job_id}
    assert list(DetectionLog.objects.values_list("batch_size", flat=True).distinct()) == [5]
    assert pairs() == {("I work at Microsoft.", "I work at Amazon.", "employer"),
                       ("I live in Oslo.", "I live in Rome.", "location")}
    assert metrics.JOBS_PROCESSED._value.get() == processed + 5
    # The other jobs' own messages arrive afterwards: nothing runs, nothing is written, no "duplicate".
    for job in jobs[1:]:
        late = tasks.detect_contradictions.apply(args=[job.job_id]).get()
        assert late["batched_by"] == jobs[0].job_id
    assert DetectionLog.objects.count() == 5 and ContradictionEntry.objects.count() == 2
    assert set(DetectionJob.objects.values_list("attempts", flat=True)) == {1}
    assert metrics.JOBS_DUPLICATE._value.get() == duplicates
    assert verify_chains().ok


@pytest.mark.django_db
def test_batch_size_setting_limits_the_jobs_claimed_per_task(user, settings):
    settings.CRT_DETECTION_BATCH = 2
    jobs = [write(user, f"I have visited {place} twice.") for place in ("Peru", "Chile", "Nepal")]

    assert tasks.detect_contradictions.apply(args=[jobs[0].job_id]).get()["batch"] == 2

    assert DetectionJob.objects.filter(status=JobStatus.PENDING).count() == 1


@pytest.mark.django_db
def test_a_job_set_back_to_pending_after_it_was_done_keeps_its_single_log(user):
    first, second = write(user, "I work at Microsoft."), write(user, "I work at Amazon.")
    tasks.detect_contradictions.apply(args=[first.job_id])
    DetectionJob.objects.filter(pk=second.pk).update(status=JobStatus.PENDING, attempts=0)

    tasks.detect_contradictions.apply(args=[second.job_id])

    assert DetectionLog.objects.filter(job=second).count() == 1
    assert ContradictionEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_message_of_a_job_a_live_worker_is_processing_is_dropped_as_busy(user):
    job = write(user, "I work at Amazon.")
    holding, release = threading.Event(), threading.Event()

    def live_worker():  # another connection holds the job's session lock, as a running batch does
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s, %s)", services.job_lock_key(job.job_id))
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=live_worker)
    holder.start()
    try:
        assert holding.wait(10)
        result = tasks.detect_contradictions.apply(args=[job.job_id]).get()
    finally:
        release.set()
        holder.join()

    assert result == {"job_id": job.job_id, "busy": True}
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING and job.attempts == 0
    services.run_detection_job(job_id=job.job_id)  # lock released: it runs normally
    assert DetectionJob.objects.get(pk=job.pk).status == JobStatus.DONE


@pytest.mark.django_db
def test_a_redelivered_leader_runs_alone_and_republishes_its_dead_batch_mates(user, published, settings):
    leader, mate, other = write(user, "I work at Microsoft."), write(user, "I work at Amazon."), write(user, "Hi.")
    settings.CRT_DETECTION_MODE = "async"
    # The worker that claimed leader + mate died: both running, no lock held.
    DetectionJob.objects.filter(pk__in=[leader.pk, mate.pk]).update(status=JobStatus.RUNNING, attempts=1,
                                                                     batch_leader=leader.job_id)

    result = tasks.detect_contradictions.apply(args=[leader.job_id]).get()

    assert result["batch"] == 1  # a retry never takes other jobs with it
    # The dead batch's mate is re-published; `other`, still pending, gets the wake-up every claim
    # leaves for the jobs beyond its batch (coalesced publishing, services.notify_job).
    assert published == [other.job_id, mate.job_id]
    assert DetectionJob.objects.get(pk=other.pk).status == JobStatus.PENDING
    tasks.detect_contradictions.apply(args=[mate.job_id])
    mate.refresh_from_db()
    assert mate.status == JobStatus.DONE and mate.attempts == 2 and mate.batch_leader == mate.job_id
    assert pairs() == {("I work at Microsoft.", "I work at Amazon.", "employer")}


@pytest.mark.django_db
def test_bad_data_in_a_batch_kills_only_its_own_job(user, monkeypatch, published, settings):
    real = services.detect

    def detect(new, earlier, **kwargs):
        if "poison" in new.text:
            raise ValueError("cannot parse")
        return real(new, earlier, **kwargs)

    monkeypatch.setattr(services, "detect", detect)
    good, bad, good2 = write(user, "I work at Microsoft."), write(user, "poison pill"), write(user, "I work at Amazon.")
    settings.CRT_DETECTION_MODE = "async"

    result = tasks.detect_contradictions.apply(args=[good.job_id]).get()

    assert result["batch"] == 1  # the batch failed; the leader was re-run alone
    assert published == [bad.job_id, good2.job_id]
    assert DetectionJob.objects.get(pk=bad.pk).status == JobStatus.FAILED
    failed = tasks.detect_contradictions.apply(args=[bad.job_id])
    tasks.detect_contradictions.apply(args=[good2.job_id])
    assert failed.failed()
    statuses = dict(DetectionJob.objects.values_list("job_id", "status"))
    assert statuses == {good.job_id: JobStatus.DONE, bad.job_id: JobStatus.DEAD, good2.job_id: JobStatus.DONE}
    assert pairs() == {("I work at Microsoft.", "I work at Amazon.", "employer")}


@pytest.mark.django_db
def test_batched_candidates_equal_the_single_memory_selector(user):
    texts = ["I work at Microsoft.", "I live in Oslo.", "I have visited Peru twice.", "The weather is nice.",
             "I work at Google.", "I am 34 years old.", "I have not visited Peru twice.", "I live in Bergen.",
             "My dog is called Rex.", "I work at Amazon."]
    memories = [store_memory(owner=user, thread_id="t", text=t) for t in texts]
    store_memory(owner=user, thread_id="other", text="I work at Oracle.")
    ensure_embeddings(memories=list(Memory.objects.all()))
    reloaded = [Memory.objects.get(pk=m.pk) for m in memories]

    batched = selectors.detection_candidate_ids(memory_ids=[m.memory_id for m in reloaded], k=3)

    for memory in reloaded:
        single = [c.memory_id for c in selectors.detection_candidates(memory=memory, k=3)]
        assert [cid for cid, _ in batched[memory.memory_id]] == single, memory.text


@pytest.mark.django_db
def test_batched_knn_never_uses_the_hnsw_index(user):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT c.memory_id FROM memory_memory b CROSS JOIN LATERAL ("
                       "SELECT m.memory_id FROM memory_memory m WHERE m.owner_id = b.owner_id "
                       "AND m.thread_id = b.thread_id ORDER BY (m.embedding <=> b.embedding) + 0 LIMIT 20) c "
                       "WHERE b.memory_id = ANY(%s)", [["x"]])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "memory_embedding_hnsw" not in plan


@pytest.mark.django_db
def test_bulk_ledger_append_is_idempotent_and_keeps_the_chain(user):
    a, b, c = (store_memory(owner=user, thread_id="t", text=t) for t in ("I work at X.", "I work at Y.", "I work at Z."))

    def item(old, new):
        return {"owner_id": user.pk, "thread_id": "t", "memory_a_id": old.memory_id, "memory_b_id": new.memory_id,
                "old_text": old.text, "new_text": new.text, "slot": "employer", "old_value": "x", "new_value": "y",
                "contradiction_type": "CONFLICT", "severity": "HIGH", "confidence": 0.9, "drift": 0.3,
                "summary": "employer changed", "evidence": {"detector_version": "test"}, "detection_job_id": None}

    first = ledger_services.record_contradictions(entries=[item(a, b), item(b, c), item(a, b)])
    again = ledger_services.record_contradictions(entries=[item(b, c)])

    assert [created for _, created in first] == [True, True, False]
    assert first[0][0].ledger_id == first[2][0].ledger_id
    assert again == [(first[1][0], False)] or (again[0][0].ledger_id, again[0][1]) == (first[1][0].ledger_id, False)
    assert ContradictionEntry.objects.count() == 2
    assert list(ContradictionEntry.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2]
    assert verify_chains().ok


@pytest.mark.django_db
def test_a_batch_of_sixteen_jobs_costs_fewer_than_twice_the_queries_of_one_job(user):
    from django.test.utils import CaptureQueriesContext

    texts = ["I work at Microsoft.", "I live in Oslo.", "I work at Amazon.", "I have visited Peru twice."]
    jobs = [write(user, texts[i % 4], f"t{i % 4}") for i in range(20)]
    ensure_embeddings(memories=list(Memory.objects.all()))  # embedding time is not the point here
    services.run_detection_batch(job_id=jobs[0].job_id, limit=1)  # first of its thread: no candidates

    with CaptureQueriesContext(connection) as solo:
        services.run_detection_batch(job_id=jobs[4].job_id, limit=1)
    with CaptureQueriesContext(connection) as batch:
        outcome = services.run_detection_batch(job_id=jobs[5].job_id, limit=16)

    assert len(outcome.logs) == 16
    assert len(batch.captured_queries) < 2 * len(solo.captured_queries), (len(batch), len(solo))


@pytest.mark.django_db(transaction=True)
def test_a_failed_run_releases_the_job_lock_for_the_next_worker(user, monkeypatch):
    from django.db import OperationalError

    job = write(user, "I work at Amazon.")
    monkeypatch.setattr(selectors, "detection_candidate_ids",
                        lambda **kwargs: (_ for _ in ()).throw(OperationalError("server closed the connection")))
    with pytest.raises(OperationalError):
        services.run_detection_batch(job_id=job.job_id, limit=16)
    free = []

    def other_worker():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", services.job_lock_key(job.job_id))
                free.append(cursor.fetchone()[0])
                cursor.execute("SELECT pg_advisory_unlock_all()")
        finally:
            connection.close()

    other = threading.Thread(target=other_worker)
    other.start()
    other.join()
    assert free == [True]
