"""SIGTERM a worker mid-job (warm shutdown): it finishes that job; the rest goes back to the queue."""

import os
import signal

import pytest

from .scenario import conversation

pytestmark = pytest.mark.faults


def test_warm_shutdown_finishes_the_running_job_and_hands_back_the_others(stack):
    session = stack.new_user()
    leaving = stack.start_worker("leaving", concurrency=1)
    stack.warm_up(session)
    conversations = {f"shutdown-{i}": conversation(500 + i, 15) for i in range(4)}
    memory_ids = stack.post_conversations(session, conversations)
    pool = {str(pid) for pid in leaving.children()}
    running = []

    def mid_job():
        nonlocal running
        running = [row[0] for row in stack.query(
            "SELECT job_id FROM detection_detectionjob WHERE status = 'running' "
            "AND split_part(claimed_by, ':', 2) = ANY(%s)", (list(pool),))]
        return bool(running)

    stack.wait_for(mid_job, 60, "the worker to be inside a job")
    os.kill(leaving.pid, signal.SIGTERM)  # what honcho / systemd send: Celery's warm shutdown
    leaving.popen.wait(timeout=60)

    finished = dict(stack.query("SELECT job_id, status FROM detection_detectionjob WHERE job_id = ANY(%s)", (running,)))
    assert set(finished.values()) == {"done"}, f"the running job was not finished before exit: {finished}"
    done_before = stack.jobs_of(session.username).get("done", 0)
    assert done_before < 61, "everything was done before the shutdown; nothing was tested"

    stack.start_worker("arriving", concurrency=1)
    stack.wait_all_done(session.username, 61, timeout=120)
    attempts = stack.query("SELECT max(j.attempts) FROM detection_detectionjob j JOIN auth_user u ON u.id = j.owner_id "
                           "WHERE u.username = %s", (session.username,))[0][0]
    assert attempts == 1, "a job ran twice: the warm shutdown did not hand messages back cleanly"
    stack.assert_one_log_per_job(session.username)
    stack.assert_each_expected_contradiction_once(session.username, conversations, memory_ids)
