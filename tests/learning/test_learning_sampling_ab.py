"""Tail-based sampling and the A/B assignment are deterministic and keep what must be kept."""

import pytest

from learning import ab, sampling


def decide(request_id="req_1", rate=0.1, latency_ms=10.0, **flags):
    return sampling.decide(request_id=request_id, rate=rate, slow_ms=100.0, latency_ms=latency_ms, **flags)


@pytest.mark.parametrize("flags, reason", [
    ({"error": True}, "error"),
    ({"latency_ms": 150.0}, "slow"),
    ({"contradiction": True}, "contradiction"),
    ({"feedback_prompt": True}, "feedback_prompt"),
    ({"model_prediction": True}, "model_prediction"),
])
def test_errors_slow_contradiction_prompt_and_learned_turns_are_always_kept(flags, reason):
    for i in range(50):
        decision = decide(request_id=f"req_{i}", rate=0.0, **flags)
        assert decision.keep and decision.reason == reason


def test_the_decision_is_a_function_of_the_request_id():
    ids = [f"req_{i:05d}" for i in range(2000)]
    first = [decide(request_id=i).keep for i in ids]
    again = [decide(request_id=i).keep for i in ids]
    assert first == again


def test_normal_requests_are_kept_at_the_configured_rate():
    kept = sum(decide(request_id=f"req_{i}", rate=0.1).keep for i in range(20_000))
    assert 0.09 < kept / 20_000 < 0.11  # binomial sd at n=20,000 is 0.2 %


def test_rate_bounds():
    assert all(decide(request_id=f"r{i}", rate=1.0).reason == "sampled" for i in range(100))
    assert not any(decide(request_id=f"r{i}", rate=0.0).keep for i in range(100))
    with pytest.raises(ValueError):
        decide(rate=1.5)


def test_ab_arm_is_stable_per_user_and_the_share_is_respected():
    arms = [ab.assign_arm(user_id, share=0.1, salt="s") for user_id in range(20_000)]
    assert arms == [ab.assign_arm(user_id, share=0.1, salt="s") for user_id in range(20_000)]
    assert 0.09 < arms.count(ab.LEARNED) / len(arms) < 0.11
    assert ab.assign_arm(5, share=0.0, salt="s") == ab.RULES
    assert ab.assign_arm(5, share=1.0, salt="s") == ab.LEARNED


def test_a_new_salt_reshuffles_users():
    a = [ab.assign_arm(u, share=0.5, salt="one") for u in range(1000)]
    b = [ab.assign_arm(u, share=0.5, salt="two") for u in range(1000)]
    assert a != b


def test_two_proportion_z_test_matches_a_hand_computation():
    result = ab.two_proportion_z_test(60, 100, 45, 100)
    # pooled p = 0.525, se = sqrt(.525*.475*(2/100)) = 0.07062, z = 0.15/0.07062 = 2.124
    assert result["z"] == pytest.approx(2.124, abs=1e-3)
    assert result["p_value"] == pytest.approx(0.0337, abs=1e-3)
    assert ab.two_proportion_z_test(0, 0, 1, 2)["p_value"] is None
