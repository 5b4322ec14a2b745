"""kill -9 a worker in the middle of jobs: another worker finishes them, nothing lost or doubled."""

import time

import pytest

from .scenario import conversation

pytestmark = pytest.mark.faults

THREADS, TURNS = 6, 20


def test_jobs_of_a_worker_killed_mid_job_are_finished_by_another_worker_exactly_once(stack):
    session = stack.new_user()
    victim = stack.start_worker("victim", concurrency=2)
    stack.warm_up(session)
    rescuer = stack.start_worker("rescuer", concurrency=1)  # loads its model while the victim works
    conversations = {f"kill-{i}": conversation(100 + i, TURNS) for i in range(THREADS)}
    memory_ids = stack.post_conversations(session, conversations)
    total = THREADS * TURNS + 1

    # Wait until the victim is inside a job (claimed, not finished), then SIGKILL its process group.
    victim_pids = {str(pid) for pid in victim.children()}
    in_flight = []

    def victim_mid_job():
        nonlocal in_flight
        in_flight = stack.query("SELECT job_id FROM detection_detectionjob WHERE status = 'running' "
                                "AND split_part(claimed_by, ':', 2) = ANY(%s)", (list(victim_pids),))
        return bool(in_flight)

    stack.wait_for(victim_mid_job, 60, "the victim worker to be inside a job")
    victim.kill9()
    # In flight = still claimed by the victim after it died (a batch may have committed between the
    # look above and the kill; those jobs are done and rightly not run again).
    victim_mid_job()
    assert in_flight, "the victim had no job in flight when it was killed; nothing was tested"
    done_at_kill = stack.jobs_of(session.username).get("done", 0)
    assert done_at_kill < total, "the victim finished everything before it was killed; nothing was tested"

    started = time.monotonic()
    stack.wait_all_done(session.username, total, timeout=120)
    assert rescuer.alive()

    jobs = stack.jobs_of(session.username)
    assert jobs == {"done": total}, jobs
    stack.assert_one_log_per_job(session.username)
    expected = stack.assert_each_expected_contradiction_once(session.username, conversations, memory_ids)
    assert expected >= 30
    # The jobs that were in flight ran again on the rescuer: two claims, one log, no second trust update.
    rows = stack.query("SELECT attempts, claimed_by FROM detection_detectionjob WHERE job_id = ANY(%s)",
                       ([row[0] for row in in_flight],))
    assert all(attempts >= 2 and claimed.split(":")[1] not in victim_pids for attempts, claimed in rows), rows
    trust = stack.query(
        "SELECT m.memory_id, m.trust, array_agg(coalesce(e.drift_mean, 1) ORDER BY e.created_at) "
        "FROM memory_memory m JOIN ledger_contradictionentry e ON e.memory_a_id = m.memory_id "
        "JOIN auth_user u ON u.id = m.owner_id WHERE u.username = %s GROUP BY m.memory_id, m.trust",
        (session.username,))
    for memory_id, value, drifts in trust:
        expected_trust = 0.7
        for drift in drifts:
            expected_trust = round(expected_trust * (1 - 0.15 * min(max(drift, 0.0), 1.0)), 6)
        assert value == pytest.approx(expected_trust, abs=1e-5), f"{memory_id}: trust updated twice?"
    print(f"killed with {done_at_kill}/{total} done; rescued in {time.monotonic() - started:.1f}s")
