"""Fact staleness (seed 001, learning phase 6): P(a stored fact is no longer true).

Input ``{"slot": str, "age_days": float, "n_statements": int, "n_values": int, "span_days": float}``
— the fact's slot, days since the user stated its current value, how often the user stated this
slot, how many distinct values they gave and over how many days (the slot's update frequency for
this user); label ``{"stale": bool}``. Above :data:`PROMPT_THRESHOLD` (0.8, seed 001) the answer
asks "is X still true?".

Pipeline: :class:`StalenessFeaturizer` → logistic regression. The featurizer gives each slot its
own piecewise-linear curve over log(age) (hat functions on :data:`AGE_KNOTS_DAYS`), the same
curve scaled by the user's changes per year, and the counts; so the model learns per-slot age
thresholds (an age stated 13 months ago is stale, a name stated 10 years ago is not) and that
volatile users' facts go stale sooner. A linear model on these features predicts in well under a
millisecond; gradient boosting was as accurate here but slower per single prediction.

Baseline (rules): a fixed half-life per slot (:data:`HALF_LIVES_YEARS`, baseline choice):
p = 1 − 0.5^(age / half-life). Primary metric: **accuracy at 0.5** (seed target > 75 %);
precision of the prompts at 0.8 and the prompt rate are reported too.
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from learning.ml.base import ModelSpec, binary_metrics
from learning.ml.common import SLOTS
from learning.ml.rules import (  # noqa: F401 - re-exported
    DEFAULT_HALF_LIFE_YEARS,
    HALF_LIVES_YEARS,
    staleness_baseline,
    staleness_prediction,
)
from learning.ml.rules import STALENESS_DECISION_THRESHOLD as DECISION_THRESHOLD
from learning.ml.rules import STALENESS_PROMPT_THRESHOLD as PROMPT_THRESHOLD
from learning.ml.rules import baseline_stale_probability as baseline_probability  # noqa: F401


def changes_per_year(row: dict) -> float:
    """(distinct values − 1) per year over the span the user stated the slot (span ≥ 30 days)."""
    n_values = max(int(row.get("n_values") or 1), 1)
    span = max(float(row.get("span_days") or 0.0), 30.0)
    return (n_values - 1) * 365.0 / span


#: Knots of the per-slot age curves, days (baseline choice: a week to ten years).
AGE_KNOTS_DAYS = (0.0, 7.0, 30.0, 90.0, 180.0, 270.0, 365.0, 540.0, 730.0, 1095.0, 1460.0, 2190.0, 3650.0)
_LOG_KNOTS = np.log1p(np.asarray(AGE_KNOTS_DAYS))
_SLOT_INDEX = {slot: i for i, slot in enumerate(SLOTS)}
_N_SLOTS = len(SLOTS) + 1  # + "other"
_N_KNOTS = len(AGE_KNOTS_DAYS)


def _hat_basis(log_age: np.ndarray) -> np.ndarray:
    """(n, knots) piecewise-linear interpolation weights of log(1 + age) between the knots."""
    x = np.clip(log_age, _LOG_KNOTS[0], _LOG_KNOTS[-1])
    upper = np.clip(np.searchsorted(_LOG_KNOTS, x, side="right"), 1, _N_KNOTS - 1)
    lower = upper - 1
    t = (x - _LOG_KNOTS[lower]) / (_LOG_KNOTS[upper] - _LOG_KNOTS[lower])
    basis = np.zeros((len(x), _N_KNOTS))
    rows = np.arange(len(x))
    basis[rows, lower] = 1.0 - t
    basis[rows, upper] += t
    return basis


def staleness_matrix(rows: Sequence[dict]) -> np.ndarray:
    """Feature matrix (n, len(FEATURE_NAMES)): per slot, the age basis and the age basis × log(1 +
    changes per year); then log(1 + changes per year), log(statements), log(1 + span)."""
    n = len(rows)
    ages = np.asarray([max(float(r.get("age_days") or 0.0), 0.0) for r in rows], dtype=float)
    cpy = np.log1p(np.asarray([changes_per_year(r) for r in rows], dtype=float))
    slots = np.asarray([_SLOT_INDEX.get(r.get("slot", ""), len(SLOTS)) for r in rows], dtype=int)
    basis = _hat_basis(np.log1p(ages))
    out = np.zeros((n, _N_SLOTS * 2 * _N_KNOTS + 3))
    for i in range(n):
        start = slots[i] * 2 * _N_KNOTS
        out[i, start:start + _N_KNOTS] = basis[i]
        out[i, start + _N_KNOTS:start + 2 * _N_KNOTS] = basis[i] * cpy[i]
    out[:, -3] = cpy
    out[:, -2] = [math.log1p(max(int(r.get("n_statements") or 1), 1)) for r in rows]
    out[:, -1] = [math.log1p(max(float(r.get("span_days") or 0.0), 0.0)) for r in rows]
    return out


FEATURE_NAMES = [f"{slot}|{kind}@{int(knot)}d" for slot in list(SLOTS) + ["other"]
                 for kind in ("age", "age_x_changes") for knot in AGE_KNOTS_DAYS] + \
    ["log1p_changes_per_year", "log1p_statements", "log1p_span_days"]


def staleness_features(row: dict) -> list[float]:
    """Feature vector of one row (see :func:`staleness_matrix`)."""
    return staleness_matrix([row])[0].tolist()


class StalenessFeaturizer(BaseEstimator, TransformerMixin):
    """Rows → dense (n, len(FEATURE_NAMES)) matrix of :func:`staleness_matrix`."""

    def fit(self, X, y=None, **_fit_params):
        return self

    def transform(self, X) -> np.ndarray:
        return staleness_matrix(list(X))


class StalenessSpec(ModelSpec):
    """See the module docstring."""

    name = "staleness"
    feature_version = f"staleness-hat{len(FEATURE_NAMES)}-1"
    primary_metric = "accuracy"
    description = "(slot, age, update frequency) → probability the fact is stale (logistic regression)"

    def build_pipeline(self, *, random_state: int = 0) -> Pipeline:
        return Pipeline([("features", StalenessFeaturizer()),
                         ("clf", LogisticRegression(C=1.0, max_iter=3000, random_state=random_state))])

    def targets(self, labels: Sequence[dict]) -> np.ndarray:
        return np.asarray([1 if label.get("stale") else 0 for label in labels])

    def predict(self, pipeline: Pipeline, inputs: Sequence[dict]) -> list[dict]:
        probabilities = pipeline.predict_proba(list(inputs))[:, 1]
        return [self._prediction(float(p)) for p in probabilities]

    @staticmethod
    def _prediction(p: float) -> dict:
        return staleness_prediction(p)

    def baseline(self, inputs: Sequence[dict]) -> list[dict]:
        return [staleness_baseline(row) for row in inputs]

    def score(self, predictions: Sequence[dict], labels: Sequence[dict]) -> dict:
        actual = [bool(label.get("stale")) for label in labels]
        metrics = binary_metrics([p["stale"] for p in predictions], actual,
                                 [p["stale_probability"] for p in predictions])
        prompted = [i for i, p in enumerate(predictions) if p["prompt"]]
        metrics["prompt_rate"] = len(prompted) / len(predictions) if predictions else 0.0
        metrics["prompt_precision"] = (sum(1 for i in prompted if actual[i]) / len(prompted)) if prompted else None
        return metrics


SPEC = StalenessSpec()
