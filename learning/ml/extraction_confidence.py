"""Extraction confidence (seed 001, learning phase 3): P(an extracted fact is what the user meant).

Input ``{"text": str, "slot": str, "value": str, "negated": bool}`` — a statement and one fact
the rule-based extractor took from it; label ``{"correct": bool}``. Below :data:`THRESHOLD`
(0.7, seed 001: "only extract if confidence > 0.7; low-confidence → ask for confirmation") the
chat asks the user to confirm instead of storing the fact silently.

Pipeline: :class:`ExtractionFeaturizer` (hashed sparse features: the slot, the value's shape,
marker words for hedges, jokes, fiction, plans, self-corrections and idioms, and the statement's
words crossed with the slot) → logistic regression. Pure Python + scikit-learn: well under a
millisecond per fact, so it can run on the request path without the embedding model.

Baseline (rule-based): 0.9, or 0.5 when the statement has a hedge or joke marker
(:data:`BASELINE_MARKERS`). Primary metric: **accuracy of the accept/ask decision at 0.7**
(a fact is accepted when confidence ≥ 0.7; right when accepted facts are correct and asked ones
are not). ROC AUC and Brier score are reported too.
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
from learning.ml.rules import (  # noqa: F401 - re-exported
    BASELINE_CONFIDENT,
    BASELINE_MARKERS,
    BASELINE_UNSURE,
    extraction_baseline,
)
from learning.ml.rules import EXTRACTION_THRESHOLD as THRESHOLD

#: Hashed feature space (2^16 columns: a 0.5 MB coefficient vector).
N_FEATURES = 2**16

_MARKERS = {
    "hedge": r"\b(?:i\s+think|i\s+guess|maybe|probably|perhaps|not\s+sure|i\s+believe|kind\s+of|sort\s+of|"
             r"supposedly|apparently|i\s+suppose)\b",
    "joke": r"\b(?:lol|lmao|haha+|hehe|jk|just\s+kidding|kidding|joking|rofl)\b|😂|🤣|;\)",
    "fiction": r"\b(?:in\s+(?:the|my)\s+(?:story|novel|game|dream|book|movie|script)|i\s+dreamed|i\s+dreamt|"
               r"pretend|imagine|role-?play|my\s+character)\b",
    "plan": r"\b(?:might|would|could|someday|one\s+day|planning|plan\s+to|hope\s+to|want\s+to|wish|next\s+"
            r"(?:year|month|week))\b",
    "self_correction": r"\b(?:no\s+wait|i\s+mean|sorry,?\s+i\s+meant|scratch\s+that|rather|correction)\b",
    "sarcasm": r"\b(?:oh\s+sure|yeah\s+right|sarcastic\w*|as\s+if)\b",
    "reported": r"\b(?:said|says|told\s+me|according\s+to|rumou?r)\b",
    "quantity": r"\b(?:in\s+dog\s+years|part[\s-]time|full[\s-]time|on\s+weekends)\b",
}
_MARKER_RES = {name: re.compile(pattern, re.I) for name, pattern in _MARKERS.items()}
_WORD = re.compile(r"[a-z][a-z'-]*|\d+")


def _value_shape(value: str) -> list[str]:
    words = value.split()
    shape = [f"val_words={min(len(words), 4)}"]
    if value[:1].isupper():
        shape.append("val_cap_first")
    if words and all(w[:1].isupper() for w in words):
        shape.append("val_cap_all")
    if any(ch.isdigit() for ch in value):
        shape.append("val_digit")
        digits = re.findall(r"\d+", value)
        if digits:
            number = int(digits[0])
            shape.append("val_num=" + ("0-17" if number < 18 else "18-99" if number < 100 else "100+"))
    if value[:1].islower():
        shape.append("val_lower_first")
    first = words[0].lower() if words else ""
    if first in {"a", "an", "the", "my", "some", "this", "that"}:
        shape.append("val_determiner")
    return shape


def extraction_features(row: dict) -> dict[str, float]:
    """Feature dict of one (text, slot, value, negated) row. Never raises for str fields."""
    text = str(row.get("text", ""))
    slot = str(row.get("slot", ""))
    value = str(row.get("value", ""))
    lower = text.lower()
    features: dict[str, float] = {f"slot={slot}": 1.0, "bias": 1.0}
    if row.get("negated"):
        features["negated"] = 1.0
    for token in _value_shape(value):
        features[token] = 1.0
        features[f"{slot}|{token}"] = 1.0
    for word in _WORD.findall(value.lower()):
        features[f"{slot}|vw={word}"] = 1.0
    for name, pattern in _MARKER_RES.items():
        if pattern.search(lower):
            features[f"m={name}"] = 1.0
            features[f"{slot}|m={name}"] = 1.0
    if "?" in text:
        features["question_mark"] = 1.0
    # words of the statement outside the value (the context), crossed with the slot
    value_at = lower.find(value.lower()) if value else -1
    context = lower if value_at < 0 else lower[:value_at] + " " + lower[value_at + len(value):]
    words = _WORD.findall(context)
    for word in words:
        features[f"w={word}"] = 1.0
        features[f"{slot}|w={word}"] = 1.0
    if value_at >= 0:
        before = _WORD.findall(lower[:value_at])[-2:]
        after = _WORD.findall(lower[value_at + len(value):])[:2]
        for i, word in enumerate(reversed(before)):
            features[f"prev{i}={word}"] = 1.0
        for i, word in enumerate(after):
            features[f"next{i}={word}"] = 1.0
        if not after:
            features["value_at_end"] = 1.0
    features["text_words"] = min(len(words), 40) / 40.0
    return features


class ExtractionFeaturizer(BaseEstimator, TransformerMixin):
    """Rows → hashed sparse matrix (n, :data:`N_FEATURES`) of :func:`extraction_features`."""

    def fit(self, X, y=None, **_fit_params):
        return self

    def transform(self, X):
        hasher = FeatureHasher(n_features=N_FEATURES, input_type="dict", alternate_sign=False)
        return hasher.transform(extraction_features(row) for row in X)


class ExtractionConfidenceSpec(ModelSpec):
    """See the module docstring."""

    name = "extraction_confidence"
    feature_version = "hash16-markers-1"
    primary_metric = "decision_accuracy"
    description = "statement + extracted fact → probability the extraction is right (logistic regression)"

    def build_pipeline(self, *, random_state: int = 0) -> Pipeline:
        return Pipeline([("features", ExtractionFeaturizer()),
                         ("clf", LogisticRegression(C=2.0, max_iter=3000, random_state=random_state))])

    def targets(self, labels: Sequence[dict]) -> np.ndarray:
        return np.asarray([1 if label.get("correct") else 0 for label in labels])

    def predict(self, pipeline: Pipeline, inputs: Sequence[dict]) -> list[dict]:
        probabilities = pipeline.predict_proba(list(inputs))[:, 1]
        return [{"confidence": round(float(p), 4), "needs_confirmation": bool(p < THRESHOLD)} for p in probabilities]

    def baseline(self, inputs: Sequence[dict]) -> list[dict]:
        return [extraction_baseline(row) for row in inputs]

    def score(self, predictions: Sequence[dict], labels: Sequence[dict]) -> dict:
        actual = [bool(label.get("correct")) for label in labels]
        accepted = [not p["needs_confirmation"] for p in predictions]
        metrics = binary_metrics(accepted, actual, [p["confidence"] for p in predictions])
        metrics["decision_accuracy"] = metrics["accuracy"]
        wrong = [not a for a in actual]
        asked = [p["needs_confirmation"] for p in predictions]
        metrics["wrong_caught_recall"] = (sum(1 for w, q in zip(wrong, asked) if w and q) / sum(wrong)) if any(wrong) else None
        metrics["confirmation_rate"] = sum(asked) / len(asked) if asked else 0.0
        metrics["silently_stored_wrong_rate"] = (
            sum(1 for w, q in zip(wrong, asked) if w and not q) / len(asked) if asked else 0.0)
        return metrics


SPEC = ExtractionConfidenceSpec()
