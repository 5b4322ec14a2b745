"""Cross-thread relevance (seed 001, learning phase 5): is a fact from another thread relevant here?

Input ``{"context": str, "slot": str, "value": str, "current_thread": str, "fact_thread": str}``
— the current thread's recent text (the question included), one fact the same user stated in
another thread; label ``{"relevant": bool}``. The chat injects such a fact only when its
relevance is > :data:`THRESHOLD` (seed 001: "filter facts by relevance > 0.5 before injection").

Pipeline: :class:`RelevanceFeaturizer` (hashed: the slot, the context's words *crossed with the
slot* — so "meeting" can raise employer and lower pet — and the thread ids' words) → logistic
regression. No embedding model: it runs on the request path.

Baseline (rules): identity slots (name, age, spouse) are relevant everywhere; any other slot is
relevant when a word of the context or thread id is in that slot's small keyword list
(:data:`TOPIC_KEYWORDS`). Primary metric: **F1** of "relevant" at 0.5 (precision = injected facts
that were relevant, recall = relevant facts injected; seed targets 80 % / 90 %).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from learning.ml.base import ModelSpec, binary_metrics
from learning.ml.rules import (  # noqa: F401 - re-exported
    IDENTITY_SLOTS,
    TOPIC_KEYWORDS,
    baseline_relevance,
    context_words,
    relevance_baseline,
    thread_words,
)
from learning.ml.rules import RELEVANCE_THRESHOLD as THRESHOLD

N_FEATURES = 2**16
_words = context_words
_thread_words = thread_words


def relevance_features(row: dict) -> dict[str, float]:
    """Feature dict of one (context, fact) row."""
    slot = str(row.get("slot", ""))
    features = {f"slot={slot}": 1.0, "bias": 1.0}
    words = set(_words(row.get("context", "")))
    for word in words:
        features[f"{slot}|w={word}"] = 1.0
        features[f"w={word}"] = 1.0
    for word in _thread_words(row.get("current_thread", "")):
        features[f"{slot}|ct={word}"] = 1.0
    for word in _thread_words(row.get("fact_thread", "")):
        features[f"{slot}|ft={word}"] = 1.0
    features["context_words"] = min(len(words), 50) / 50.0
    return features


class RelevanceFeaturizer(BaseEstimator, TransformerMixin):
    """Rows → hashed sparse matrix (n, :data:`N_FEATURES`) of :func:`relevance_features`."""

    def fit(self, X, y=None, **_fit_params):
        return self

    def transform(self, X):
        hasher = FeatureHasher(n_features=N_FEATURES, input_type="dict", alternate_sign=False)
        return hasher.transform(relevance_features(row) for row in X)


class CrossThreadRelevanceSpec(ModelSpec):
    """See the module docstring."""

    name = "cross_thread_relevance"
    feature_version = "hash16-slotxword-1"
    primary_metric = "f1"
    description = "(thread context, fact from another thread) → relevance (logistic regression)"

    def build_pipeline(self, *, random_state: int = 0) -> Pipeline:
        return Pipeline([("features", RelevanceFeaturizer()),
                         ("clf", LogisticRegression(C=1.0, max_iter=3000, random_state=random_state))])

    def targets(self, labels: Sequence[dict]) -> np.ndarray:
        return np.asarray([1 if label.get("relevant") else 0 for label in labels])

    def predict(self, pipeline: Pipeline, inputs: Sequence[dict]) -> list[dict]:
        probabilities = pipeline.predict_proba(list(inputs))[:, 1]
        return [{"relevance": round(float(p), 4), "relevant": bool(p > THRESHOLD)} for p in probabilities]

    def baseline(self, inputs: Sequence[dict]) -> list[dict]:
        return [relevance_baseline(row) for row in inputs]

    def score(self, predictions: Sequence[dict], labels: Sequence[dict]) -> dict:
        return binary_metrics([p["relevant"] for p in predictions], [bool(l.get("relevant")) for l in labels],
                              [p["relevance"] for p in predictions])


SPEC = CrossThreadRelevanceSpec()
