"""Conflict-resolution policy (seed 001, learning phase 4): what to do with a new contradiction.

Input ``{"slot", "contradiction_type", "old_value", "new_value", "time_delta_days",
"history": {...}}`` where ``history`` counts the same user's earlier resolutions
(:func:`history_features`: ``keep_new``, ``keep_old``, ``keep_both``, ``total`` and the same
for this slot as ``slot_*``); label ``{"action": "auto_update" | "ask_user" | "keep_both"}``.

A user's actual resolution in the ledger maps to the action that would have been right
(:func:`action_for_resolution`): kept the new statement → ``auto_update``; kept the old one →
``ask_user`` (updating silently would have been wrong); kept both or dismissed → ``keep_both``.

Pipeline: :class:`PolicyFeaturizer` (slot and type one-hot, time delta, value similarity, the
user's resolution rates overall and for this slot with Laplace smoothing — the per-user
preference features) → decision tree (seed 001: "decision tree or random forest") of depth
:data:`TREE_MAX_DEPTH` with at least :func:`min_samples_leaf` rows per leaf, so that leaf
probabilities are steady enough for the threshold below. **Conservative auto-update**: the
policy says ``auto_update`` only when its probability is ≥ :data:`AUTO_UPDATE_THRESHOLD` (0.8,
baseline choice); otherwise it asks (or keeps both when that is likelier than asking).

Baseline (rules): multi-valued slots and refinements → keep both; TEMPORAL / REVISION (the user
said "now", "moved", "actually") → auto-update; CONFLICT / DENIAL → ask.

Metrics (:meth:`ResolutionPolicySpec.score`), each over held-out contradictions with a user
resolution; the policy's action is compared with the action the user's resolution implies:

* ``agreement`` (primary; the issue's "> 85 % agreement"): share where the conservative
  decision equals it. Asking counts as agreeing **only** when the user kept the old value; an
  "ask" where the user then accepted the update, or kept both, is a disagreement (asking is
  safe but is friction; counting every ask as right would let "always ask" score 100 %).
* ``agreement_most_likely``: the same for the most likely action without the threshold.
* ``auto_update_precision`` (seed 001's "auto-resolution accuracy > 85 %"): of the auto-updates
  (the one action carried out without the user), the share where the user kept the new value;
  ``unsafe_auto_update_rate``, ``auto_update_rate``, ``ask_rate`` (seed: "prompts reduced").

What bounds the agreement on generated users: their resolution style is hidden and each
resolution is a draw; :func:`learning.synthetic.resolution_agreement_ceiling` computes the
best any policy can reach (docs/LEARNING.md). Recency features (last resolution, decayed rates)
and per-type history rates were tried and gave nothing on this generator (its styles do not
drift), so they were not added; gradient boosting agreed no better on the validation set
(0.789–0.791 vs 0.792) at 1.5–2 ms per single prediction (the target is < 1 ms).
"""

from __future__ import annotations

import math
import re
from difflib import SequenceMatcher
from typing import Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.pipeline import Pipeline
from sklearn.tree import DecisionTreeClassifier

from detection.engine import MULTI_VALUED_SLOTS
from learning.ml.base import ModelSpec
from learning.ml.common import SLOTS
from learning.ml.rules import (  # noqa: F401 - re-exported: the policy's vocabulary lives in rules
    ACTION_TO_RESOLUTION,
    ACTIONS,
    ASK_USER,
    AUTO_UPDATE,
    AUTO_UPDATE_THRESHOLD,
    CONTRADICTION_TYPES,
    HISTORY_KEYS,
    KEEP_BOTH,
    RESOLUTION_TO_ACTION,
    action_for_resolution,
    baseline_action,
    decide,
    empty_history,
    history_features,
    policy_baseline,
)

_HISTORY_KEYS = HISTORY_KEYS


def _numeric(value: str) -> float | None:
    match = re.search(r"-?\d+(?:\.\d+)?", value or "")
    return float(match.group(0)) if match else None


def policy_features(row: dict) -> list[float]:
    """Fixed-length feature vector of one contradiction (see :data:`FEATURE_NAMES`)."""
    slot = row.get("slot", "")
    kind = str(row.get("contradiction_type", "")).upper()
    old, new = str(row.get("old_value", "")).lower().strip(), str(row.get("new_value", "")).lower().strip()
    delta = max(float(row.get("time_delta_days") or 0.0), 0.0)
    history = {**empty_history(), **(row.get("history") or {})}
    vector = [1.0 if slot == s else 0.0 for s in SLOTS]
    vector.append(0.0 if slot in SLOTS else 1.0)
    vector.append(1.0 if slot in MULTI_VALUED_SLOTS else 0.0)
    vector.extend(1.0 if kind == t else 0.0 for t in CONTRADICTION_TYPES)
    vector.extend([math.log1p(delta), 1.0 if delta < 1 else 0.0, 1.0 if delta > 180 else 0.0])
    vector.append(SequenceMatcher(None, old, new).ratio() if old or new else 0.0)
    vector.append(1.0 if old and new and (old in new or new in old) else 0.0)
    a, b = _numeric(old), _numeric(new)
    vector.append(math.log1p(abs(a - b)) if a is not None and b is not None else -1.0)
    total, slot_total = history["total"], history["slot_total"]
    vector.append(math.log1p(total))
    vector.extend((history[k] + 1) / (total + 3) for k in _HISTORY_KEYS)
    vector.append(math.log1p(slot_total))
    vector.extend((history[f"slot_{k}"] + 1) / (slot_total + 3) for k in _HISTORY_KEYS)
    return vector


FEATURE_NAMES = ([f"slot={s}" for s in SLOTS] + ["slot=other", "multi_valued"]
                 + [f"type={t}" for t in CONTRADICTION_TYPES]
                 + ["log1p_delta_days", "delta_lt_1d", "delta_gt_180d", "value_similarity", "value_contains",
                    "log1p_numeric_diff", "log1p_history_total"]
                 + [f"rate_{k}" for k in _HISTORY_KEYS] + ["log1p_slot_history_total"]
                 + [f"slot_rate_{k}" for k in _HISTORY_KEYS])


class PolicyFeaturizer(BaseEstimator, TransformerMixin):
    """Rows → dense (n, len(FEATURE_NAMES)) float matrix of :func:`policy_features`."""

    def fit(self, X, y=None, **_fit_params):
        return self

    def transform(self, X) -> np.ndarray:
        return np.asarray([policy_features(row) for row in X], dtype=float).reshape(-1, len(FEATURE_NAMES))


#: Decision-tree shape, chosen on a separately generated validation set (seed 1, 20,000 rows; the
#: benchmark trains and evaluates on seed 0): depth 8–14 with ≥ 200 rows per leaf at 80,000
#: training rows all agreed 0.790–0.794 (conservative) / 0.822 (most likely action), against
#: 0.776 / 0.819 for the earlier 30-row leaves, whose probabilities were too noisy for the 0.8
#: auto-update threshold. docs/LEARNING.md ("Resolution policy: what bounds the agreement").
TREE_MAX_DEPTH = 10
MIN_LEAF_FLOOR = 30
MIN_LEAF_FRACTION = 1 / 400


def min_samples_leaf(n_rows: int) -> int:
    """Rows per leaf for ``n_rows`` training rows: max(30, n/400) (200 at 80,000 rows; see above)."""
    return max(MIN_LEAF_FLOOR, round(n_rows * MIN_LEAF_FRACTION))


class ResolutionPolicySpec(ModelSpec):
    """See the module docstring."""

    name = "resolution_policy"
    feature_version = f"policy-{len(FEATURE_NAMES)}-1"
    primary_metric = "agreement"
    description = "contradiction + the user's past resolutions → auto-update / ask / keep both (decision tree)"

    def build_pipeline(self, *, random_state: int = 0) -> Pipeline:
        return Pipeline([("features", PolicyFeaturizer()),
                         ("clf", DecisionTreeClassifier(max_depth=TREE_MAX_DEPTH, min_samples_leaf=MIN_LEAF_FLOOR,
                                                        random_state=random_state))])

    def fit(self, pipeline: Pipeline, inputs: list[dict], y: np.ndarray, weights: np.ndarray) -> Pipeline:
        """Fit with leaves of at least :func:`min_samples_leaf` training rows (calibrated leaf
        probabilities: the conservative auto-update threshold compares them with 0.8)."""
        pipeline.set_params(clf__min_samples_leaf=min_samples_leaf(len(y)))
        return super().fit(pipeline, inputs, y, weights)

    def targets(self, labels: Sequence[dict]) -> np.ndarray:
        return np.asarray([label["action"] for label in labels])

    def predict(self, pipeline: Pipeline, inputs: Sequence[dict]) -> list[dict]:
        classes = list(pipeline[-1].classes_)
        out = []
        for row in pipeline.predict_proba(list(inputs)):
            probabilities = {action: 0.0 for action in ACTIONS}
            probabilities.update({c: round(float(p), 4) for c, p in zip(classes, row)})
            out.append({"action": decide(probabilities), "probabilities": probabilities})
        return out

    def baseline(self, inputs: Sequence[dict]) -> list[dict]:
        return [policy_baseline(row) for row in inputs]

    def score(self, predictions: Sequence[dict], labels: Sequence[dict]) -> dict:
        predicted = [p["action"] for p in predictions]
        actual = [label["action"] for label in labels]
        n = len(actual)
        auto = [i for i, p in enumerate(predicted) if p == AUTO_UPDATE]
        per_action = {}
        for action in ACTIONS:
            hits = sum(1 for p, a in zip(predicted, actual) if p == a == action)
            support = sum(1 for a in actual if a == action)
            per_action[action] = {"support": support, "recall": hits / support if support else None}
        most_likely = [max(ACTIONS, key=lambda action: p["probabilities"].get(action, 0.0))
                       for p in predictions if p.get("probabilities")]
        return {
            "agreement": sum(p == a for p, a in zip(predicted, actual)) / n if n else 0.0,
            # the most likely action, without the conservative threshold (learned models only)
            "agreement_most_likely": (sum(p == a for p, a in zip(most_likely, actual)) / n
                                      if n and len(most_likely) == n else None),

            "unsafe_auto_update_rate": sum(1 for i in auto if actual[i] != AUTO_UPDATE) / n if n else 0.0,
            # seed 001 "auto-resolution accuracy": auto-update is the one action carried out without
            # the user; its precision is the share of auto-updates where the user kept the new value
            "auto_update_precision": (sum(1 for i in auto if actual[i] == AUTO_UPDATE) / len(auto)) if auto else None,
            "auto_update_rate": len(auto) / n if n else 0.0,
            "ask_rate": predicted.count(ASK_USER) / n if n else 0.0,
            "per_action": per_action,
            "rows": n,
        }


SPEC = ResolutionPolicySpec()
