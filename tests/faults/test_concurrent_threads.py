"""Two workers, 500 messages in 10 threads posted concurrently: every contradiction exactly once."""

import pytest

from .scenario import conversation

pytestmark = pytest.mark.faults

THREADS, TURNS = 10, 50


def test_two_workers_find_every_expected_contradiction_of_500_messages_exactly_once(stack):
    session = stack.new_user()
    stack.start_worker("left", concurrency=1)
    stack.start_worker("right", concurrency=1)
    stack.warm_up(session)

    conversations = {f"busy-{i}": conversation(400 + i, TURNS) for i in range(THREADS)}
    statuses: list[int] = []
    memory_ids = stack.post_conversations(session, conversations, statuses)
    assert statuses.count(200) == THREADS * TURNS

    stack.wait_all_done(session.username, THREADS * TURNS + 1, timeout=180)
    stack.assert_one_log_per_job(session.username)
    expected = stack.assert_each_expected_contradiction_once(session.username, conversations, memory_ids)
    assert expected >= 150
    workers = stack.query("SELECT count(DISTINCT split_part(claimed_by, ':', 2)) FROM detection_detectionjob j "
                          "JOIN auth_user u ON u.id = j.owner_id WHERE u.username = %s", (session.username,))[0][0]
    assert workers >= 2, "one worker did all the work; the test did not exercise concurrency"
