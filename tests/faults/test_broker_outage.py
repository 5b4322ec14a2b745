"""Redis stops while 200 messages are posted: the API keeps answering, detections catch up after."""

import time

import pytest

from .scenario import conversation

pytestmark = pytest.mark.faults

THREADS, TURNS = 10, 20


def test_messages_posted_while_the_broker_is_down_are_all_detected_after_it_returns(stack):
    session = stack.new_user()
    stack.start_worker("steady", concurrency=2)
    stack.warm_up(session)

    stack.kill_server("redis")
    conversations = {f"outage-{i}": conversation(200 + i, TURNS) for i in range(THREADS)}
    statuses: list[int] = []
    posted = time.monotonic()
    memory_ids = stack.post_conversations(session, conversations, statuses)
    posting_s = time.monotonic() - posted
    pending = stack.jobs_of(session.username).get("pending", 0)
    stack.start_servers()

    assert len(statuses) == THREADS * TURNS
    assert all(code == 200 for code in statuses), sorted(set(statuses))
    assert pending == THREADS * TURNS, "jobs were not left pending while the broker was down"
    stack.wait_all_done(session.username, THREADS * TURNS + 1, timeout=120)
    stack.assert_one_log_per_job(session.username)
    assert stack.assert_each_expected_contradiction_once(session.username, conversations, memory_ids) >= 40
    # Every outage job went out through the outbox sweeper, or was taken into the batch of a job
    # that did (a batch claims pending jobs whether their message was sent yet or not).
    unreached = stack.query(
        "SELECT count(*) FROM detection_detectionjob j JOIN auth_user u ON u.id = j.owner_id "
        "LEFT JOIN detection_detectionjob leader ON leader.job_id = j.batch_leader "
        "WHERE u.username = %s AND j.publish_count = 0 AND coalesce(leader.publish_count, 0) = 0",
        (session.username,))[0][0]
    assert unreached == 0
    print(f"posted {len(statuses)} messages with the broker down in {posting_s:.1f}s")
