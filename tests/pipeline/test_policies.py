"""Pure decisions of the pipeline: retry backoff, lock keys, modes, the false-positive estimate."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from crtproject.metrics import false_positive_rate_estimate
from detection import services


@pytest.mark.parametrize("retries", range(8))
def test_retry_delay_is_full_jitter_below_the_exponential_bound_and_the_cap(settings, retries):
    settings.CRT_DETECTION_RETRY_BACKOFF_S = 1.0
    settings.CRT_DETECTION_RETRY_BACKOFF_MAX_S = 60.0
    delays = [services.retry_delay_s(retries) for _ in range(200)]

    assert all(0 <= d <= min(60.0, 2 ** retries) for d in delays)
    assert len(set(delays)) > 1 or 2 ** retries < 1  # jittered, not a constant


def test_max_attempts_is_retries_plus_the_first_attempt(settings):
    settings.CRT_DETECTION_MAX_RETRIES = 3
    assert services.max_attempts() == 4


def test_thread_lock_key_is_stable_namespaced_and_distinct_per_owner_and_thread():
    key = services.thread_lock_key(owner_id=1, thread_id="default")

    assert key == services.thread_lock_key(owner_id=1, thread_id="default")
    assert key[0] == services.THREAD_LOCK_NAMESPACE
    assert -2 ** 31 <= key[1] < 2 ** 31
    assert key != services.thread_lock_key(owner_id=2, thread_id="default")
    assert key != services.thread_lock_key(owner_id=1, thread_id="other")


def test_unknown_detection_mode_is_a_configuration_error(settings):
    settings.CRT_DETECTION_MODE = "sometimes"
    with pytest.raises(ImproperlyConfigured, match="CRT_DETECTION_MODE"):
        services.detection_mode()


def test_false_positive_estimate_counts_dismissals_among_reviewed_entries_only():
    assert false_positive_rate_estimate({"open": 40}) is None
    assert false_positive_rate_estimate({"open": 40, "dismissed": 1, "resolved": 3}) == pytest.approx(0.25)
    assert false_positive_rate_estimate({"dismissed": 2}) == 1.0
