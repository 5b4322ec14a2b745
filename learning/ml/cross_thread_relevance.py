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

import re
from typing import Sequence

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction import FeatureHasher
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from learning.ml.base import ModelSpec, binary_metrics

THRESHOLD = 0.5
N_FEATURES = 2**16
IDENTITY_SLOTS = frozenset({"name", "age", "spouse"})
#: Rule-based baseline's topic words per slot (baseline choice, deliberately short).
TOPIC_KEYWORDS = {
    "employer": {"work", "job", "office", "boss", "company", "career", "colleague", "meeting"},
    "job_title": {"work", "job", "role", "career", "promotion", "resume", "interview"},
    "location": {"home", "city", "move", "moving", "weather", "rent", "neighborhood"},
    "pet": {"pet", "dog", "cat", "vet", "walk"},
    "language": {"language", "speak", "translate", "travel", "trip"},
    "preference": {"food", "eat", "dinner", "restaurant", "music", "hobby", "weekend"},
}
_STOP = frozenset("""a an the and or but if of to in on at for with about from by as is are was were be been am i
me my you your it its this that these those do does did can could would should will what where when who how
which why so just really very please thanks thank ok okay hey hi hello""".split())
_WORD = re.compile(r"[a-z][a-z'-]+")


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall((text or "").lower()) if w not in _STOP]


def _thread_words(thread_id: str) -> list[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", thread_id or "")
    return [w for w in re.split(r"[^a-z]+", spaced.lower()) if len(w) > 1 and w not in _STOP]


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


def baseline_relevance(row: dict) -> float:
    """1.0 / 0.0 by the keyword rule of the module docstring."""
    slot = row.get("slot", "")
    if slot in IDENTITY_SLOTS:
        return 1.0
    words = set(_words(row.get("context", ""))) | set(_thread_words(row.get("current_thread", "")))
    words |= {w[:-1] for w in words if w.endswith("s")}  # "pets" → "pet"
    return 1.0 if words & TOPIC_KEYWORDS.get(slot, set()) else 0.0


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
        out = []
        for row in inputs:
            p = baseline_relevance(row)
            out.append({"relevance": p, "relevant": p > THRESHOLD})
        return out

    def score(self, predictions: Sequence[dict], labels: Sequence[dict]) -> dict:
        return binary_metrics([p["relevant"] for p in predictions], [bool(l.get("relevant")) for l in labels],
                              [p["relevance"] for p in predictions])


SPEC = CrossThreadRelevanceSpec()
