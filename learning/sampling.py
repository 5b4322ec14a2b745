"""Tail-based sampling of the interaction log (seed 004, step 3), pure Python.

The decision is taken at the end of the request, when its outcome is known, and before anything
is published (seed 004: "before MQ publish"). Kept at 100 %:

* ``error`` — the turn raised;
* ``slow`` — latency at or above ``slow_ms`` (default 100 ms: seed 000's API p95 target);
* ``contradiction`` — a contradiction was detected for this message or disclosed in the answer;
* ``feedback_prompt`` — the answer asked the user something (confirm an extraction, "is X still
  true?"): the answer is a future training label and must be kept;
* ``model_prediction`` — a learned model made a prediction (so every learned prediction is logged
  with the version that made it, issue 7).

Everything else is kept with probability ``rate``, **deterministically by request id**: the first
8 bytes of SHA-256(request id) as a number in [0, 1) compared with ``rate``, so the same request id
always gets the same decision (in any process) and a re-sent log is never half-kept.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

#: Reasons in priority order (the first that applies is recorded).
RETAIN_REASONS = ("error", "slow", "contradiction", "feedback_prompt", "model_prediction")
SAMPLED = "sampled"
DROPPED = "dropped"


def request_fraction(request_id: str) -> float:
    """A uniform number in [0, 1) fixed by ``request_id`` (SHA-256, first 64 bits)."""
    digest = hashlib.sha256(request_id.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass(frozen=True)
class SamplingDecision:
    """``keep``: store the interaction; ``reason``: one of :data:`RETAIN_REASONS`, ``"sampled"``
    or ``"dropped"``; ``rate``: the probability a normal request had of being kept."""

    keep: bool
    reason: str
    rate: float


def decide(
    *,
    request_id: str,
    rate: float,
    slow_ms: float,
    latency_ms: float,
    error: bool = False,
    contradiction: bool = False,
    feedback_prompt: bool = False,
    model_prediction: bool = False,
) -> SamplingDecision:
    """Tail-based sampling decision for one request.

    ``rate`` in [0, 1] (``ValueError`` otherwise); ``slow_ms`` and ``latency_ms`` in milliseconds.
    """
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"sampling rate must be in [0, 1], got {rate!r}")
    flags = {"error": error, "slow": latency_ms >= slow_ms, "contradiction": contradiction,
             "feedback_prompt": feedback_prompt, "model_prediction": model_prediction}
    for reason in RETAIN_REASONS:
        if flags[reason]:
            return SamplingDecision(True, reason, rate)
    if request_fraction(request_id) < rate:
        return SamplingDecision(True, SAMPLED, rate)
    return SamplingDecision(False, DROPPED, rate)
