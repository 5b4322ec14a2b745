"""PostgreSQL restarts under a running worker: the same worker process carries on."""

import pytest

from .scenario import conversation

pytestmark = pytest.mark.faults


def test_worker_recovers_from_a_database_restart_without_being_restarted(stack):
    session = stack.new_user()
    worker = stack.start_worker("survivor", concurrency=2)
    stack.warm_up(session)
    processes_before = {worker.pid, *worker.children()}

    before = {"before-db": conversation(300, 15)}
    ids_before = stack.post_conversations(session, before)
    stack.kill_server("postgres")  # jobs of the last messages are queued or mid-flight right now
    stack.start_servers()
    after = {"after-db": conversation(301, 15)}
    ids_after = stack.post_conversations(session, after)

    stack.wait_all_done(session.username, 31, timeout=120)
    assert worker.alive() and {worker.pid, *worker.children()} == processes_before, "the worker was restarted"
    assert stack.jobs_of(session.username) == {"done": 31}
    stack.assert_one_log_per_job(session.username)
    stack.assert_each_expected_contradiction_once(session.username, {**before, **after}, {**ids_before, **ids_after})
