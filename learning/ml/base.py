"""What every learned model of the learning track shares: examples, the spec interface, metrics.

A model is described by a :class:`ModelSpec` subclass in its own module (``learning/ml/*.py``):
it builds one scikit-learn ``Pipeline`` (feature extraction + estimator, so one object is
versioned, stored and loaded), turns labels into targets, turns pipeline output into predictions,
and has a **rule-based baseline** with the same prediction shape. :func:`evaluate_spec` scores
either on the same held-out examples, which is how the registry decides activation and how the
tests assert that each model beats its baseline.

Nothing here touches the database; :mod:`learning.training` does.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any, Sequence

import joblib
import numpy as np
from sklearn.model_selection import GroupShuffleSplit
from sklearn.pipeline import Pipeline

from learning.ml.common import Example, NotEnoughData, sha256_hex  # noqa: F401 - re-exported


@dataclass
class Evaluation:
    """Metrics of one predictor on one held-out set; ``primary`` is ``metrics[spec.primary_metric]``."""

    metrics: dict
    primary: float
    rows: int


@dataclass
class Split:
    """Train and held-out examples."""

    train: list[Example]
    heldout: list[Example]


class ModelSpec:
    """Interface of one learned model (subclass per module). All methods are pure.

    Class attributes: ``name`` (registry key), ``feature_version`` (bump when the featurizer's
    behaviour changes: artifacts of another version are not served), ``primary_metric`` (higher is
    better; activation compares it), ``description``.
    """

    name: str = ""
    feature_version: str = "1"
    primary_metric: str = "accuracy"
    description: str = ""

    def build_pipeline(self, *, random_state: int = 0) -> Pipeline:  # pragma: no cover - interface
        raise NotImplementedError

    def targets(self, labels: Sequence[dict]) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def check_trainable(self, y: np.ndarray) -> None:
        """Raise :class:`NotEnoughData` when ``y`` cannot train the estimator (default: ≥ 2 classes)."""
        if len(y) < 10:
            raise NotEnoughData(f"{self.name}: {len(y)} training examples; at least 10 are needed")
        if len(np.unique(y)) < 2:
            raise NotEnoughData(f"{self.name}: every training example has the same label")

    def fit(self, pipeline: Pipeline, inputs: list[dict], y: np.ndarray, weights: np.ndarray) -> Pipeline:
        """Fit with per-example weights routed to the final estimator (step ``clf``)."""
        return pipeline.fit(inputs, y, clf__sample_weight=weights)

    def predict(self, pipeline: Pipeline, inputs: Sequence[dict]) -> list[dict]:  # pragma: no cover
        raise NotImplementedError

    def baseline(self, inputs: Sequence[dict]) -> list[dict]:  # pragma: no cover - interface
        raise NotImplementedError

    def score(self, predictions: Sequence[dict], labels: Sequence[dict]) -> dict:  # pragma: no cover
        raise NotImplementedError


def deduplicate(examples: Sequence[Example]) -> tuple[list[dict], list[dict], np.ndarray]:
    """Merge identical (inputs, label) examples into one with the summed weight.

    Weighted training on the merged rows equals training on the duplicates (the losses are sums)
    and is much faster: generated data repeats itself. Returns (inputs, labels, weights).
    """
    merged: dict[str, list] = {}
    for example in examples:
        key = json.dumps([example.inputs, example.label], sort_keys=True, default=_json_default)
        if key in merged:
            merged[key][2] += example.weight
        else:
            merged[key] = [example.inputs, example.label, example.weight]
    rows = list(merged.values())
    return [r[0] for r in rows], [r[1] for r in rows], np.asarray([r[2] for r in rows], dtype=float)


def _json_default(value: Any):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    raise TypeError(f"not JSON-serializable: {type(value).__name__}")


def split_examples(examples: Sequence[Example], *, heldout_fraction: float = 0.2, random_state: int = 0) -> Split:
    """Group-aware train/held-out split (scikit-learn ``GroupShuffleSplit``).

    Examples without a group are their own group. Raises :class:`NotEnoughData` for fewer than
    10 examples or fewer than 2 groups.
    """
    examples = list(examples)
    if len(examples) < 10:
        raise NotEnoughData(f"{len(examples)} examples; at least 10 are needed for a held-out split")
    groups = [e.group or f"_row{i}" for i, e in enumerate(examples)]
    if len(set(groups)) < 2:
        raise NotEnoughData("all examples are in one group; nothing can be held out")
    splitter = GroupShuffleSplit(n_splits=1, test_size=heldout_fraction, random_state=random_state)
    train_idx, test_idx = next(splitter.split(np.zeros(len(examples)), groups=groups))
    return Split([examples[i] for i in train_idx], [examples[i] for i in test_idx])


def train_spec(spec: ModelSpec, examples: Sequence[Example], *, random_state: int = 0) -> Pipeline:
    """Deduplicate, build targets, check, and fit a fresh pipeline. Raises :class:`NotEnoughData`."""
    inputs, labels, weights = deduplicate(examples)
    y = spec.targets(labels)
    spec.check_trainable(y)
    pipeline = spec.build_pipeline(random_state=random_state)
    return spec.fit(pipeline, inputs, y, weights)


def evaluate_predictions(spec: ModelSpec, predictions: Sequence[dict], examples: Sequence[Example]) -> Evaluation:
    """Score predictions against the examples' labels (unweighted: one held-out example, one vote)."""
    metrics = spec.score(predictions, [e.label for e in examples])
    return Evaluation(metrics=metrics, primary=float(metrics[spec.primary_metric]), rows=len(examples))


def evaluate_spec(spec: ModelSpec, pipeline: Pipeline | None, examples: Sequence[Example]) -> Evaluation:
    """Evaluate ``pipeline`` (or the rule-based baseline when ``pipeline`` is None) on ``examples``."""
    inputs = [e.inputs for e in examples]
    predictions = spec.baseline(inputs) if pipeline is None else spec.predict(pipeline, inputs)
    return evaluate_predictions(spec, predictions, examples)


# --------------------------------------------------------------------------- artifacts
def serialize(pipeline: Pipeline) -> bytes:
    """The pipeline as joblib bytes (zlib level 3)."""
    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer, compress=3)
    return buffer.getvalue()


def deserialize(data: bytes) -> Pipeline:
    """Inverse of :func:`serialize`. Only call it on bytes whose checksum matched the registry:
    joblib unpickles, so it must never see data from outside our own database."""
    return joblib.load(io.BytesIO(data))


# --------------------------------------------------------------------------- metric helpers
def binary_metrics(predicted: Sequence[bool], actual: Sequence[bool], probabilities: Sequence[float] | None = None) -> dict:
    """accuracy, precision, recall, f1 of the positive class (+ roc_auc and brier with probabilities)."""
    from sklearn.metrics import brier_score_loss, roc_auc_score  # noqa: PLC0415

    p = np.asarray(predicted, dtype=bool)
    a = np.asarray(actual, dtype=bool)
    tp = int(np.sum(p & a))
    fp = int(np.sum(p & ~a))
    fn = int(np.sum(~p & a))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    result = {
        "accuracy": float(np.mean(p == a)) if len(a) else 0.0,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "positives": int(a.sum()),
        "rows": int(len(a)),
    }
    if probabilities is not None and len(a):
        probs = np.clip(np.asarray(probabilities, dtype=float), 0.0, 1.0)
        result["brier"] = float(brier_score_loss(a, probs))
        result["roc_auc"] = float(roc_auc_score(a, probs)) if 0 < a.sum() < len(a) else None
    return result
