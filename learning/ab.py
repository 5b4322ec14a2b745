"""Deterministic A/B assignment of users to the learned models or the rule-based baselines.

Seed 001 (learning phase 2): "10 % traffic to learned model, 90 % to rule-based (control)". The
arm of a user is fixed by SHA-256(salt + ":" + user id): the first 64 bits as a number in [0, 1)
below ``share`` → ``learned``. Same user, same arm, in every process and across restarts;
changing the salt reshuffles everyone (start a new experiment). Pure Python.
"""

from __future__ import annotations

import hashlib
import math

LEARNED = "learned"
RULES = "rules"
ARMS = (LEARNED, RULES)


def user_fraction(user_id: int | str, *, salt: str) -> float:
    """A uniform number in [0, 1) fixed by (salt, user id)."""
    digest = hashlib.sha256(f"{salt}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign_arm(user_id: int | str, *, share: float, salt: str) -> str:
    """``"learned"`` for a ``share`` (in [0, 1], ``ValueError`` otherwise) of users, else ``"rules"``."""
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"A/B share must be in [0, 1], got {share!r}")
    return LEARNED if user_fraction(user_id, salt=salt) < share else RULES


def two_proportion_z_test(successes_a: int, total_a: int, successes_b: int, total_b: int) -> dict:
    """Two-sided two-proportion z-test (pooled standard error; any statistics textbook).

    Returns ``{"rate_a", "rate_b", "difference", "z", "p_value"}``; rates are None for an empty
    arm and z/p are None when either arm is empty or the pooled rate is 0 or 1.
    """
    rate_a = successes_a / total_a if total_a else None
    rate_b = successes_b / total_b if total_b else None
    result = {"rate_a": rate_a, "rate_b": rate_b,
              "difference": None if rate_a is None or rate_b is None else rate_a - rate_b,
              "z": None, "p_value": None}
    if not total_a or not total_b:
        return result
    pooled = (successes_a + successes_b) / (total_a + total_b)
    if pooled in (0.0, 1.0):
        return result
    se = math.sqrt(pooled * (1 - pooled) * (1 / total_a + 1 / total_b))
    z = (rate_a - rate_b) / se
    result["z"] = z
    result["p_value"] = math.erfc(abs(z) / math.sqrt(2))
    return result
