"""The shared ring of finished job ids (detection.fastpath): pure logic plus a real fork."""

import os

import pytest

from detection import fastpath


@pytest.fixture(autouse=True)
def empty_ring():
    fastpath.clear()
    yield
    fastpath.clear()


def test_recorded_ids_are_found_and_others_are_not():
    fastpath.record_done(["detect_job_a", "detect_job_b"])
    assert fastpath.is_done("detect_job_a") and fastpath.is_done("detect_job_b")
    assert not fastpath.is_done("detect_job_c")
    assert not fastpath.is_done("")  # an empty slot (zero) never matches


def test_a_pool_process_forked_after_import_writes_where_the_main_process_reads():
    pid = os.fork()
    if pid == 0:  # the child: as a Celery pool process after its batch commits
        fastpath.record_done(["detect_job_from_child"])
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert fastpath.is_done("detect_job_from_child")


def test_the_ring_forgets_the_oldest_ids_once_full():
    fastpath.record_done([f"old-{i}" for i in range(10)])
    fastpath.record_done([f"new-{i}" for i in range(fastpath.RING_SIZE)])
    assert not any(fastpath.is_done(f"old-{i}") for i in range(10))
    assert fastpath.is_done("new-0") and fastpath.is_done(f"new-{fastpath.RING_SIZE - 1}")


def test_digests_are_stable_and_never_zero():
    assert fastpath.digest("detect_job_x") == fastpath.digest("detect_job_x") != 0
    assert fastpath.digest("detect_job_x") != fastpath.digest("detect_job_y")
