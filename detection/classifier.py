"""The learned pair classifier: P(contradiction) for statement pairs the slot rules do not decide.

One scikit-learn ``Pipeline`` (scaling + logistic regression over :mod:`detection.features`) is
trained by ``manage.py train_pair_classifier`` on our labeled development pairs
(``detection/eval/pairs_dev.jsonl``) and saved with its feature version, decision threshold,
cross-validated metrics and a hash of its training data as one joblib artifact
(``detection/artifacts/pair_classifier.joblib``, versioned in the repository). Worker and
evaluation harness load it once per process through :func:`get_scorer`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import joblib
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from detection.engine import Statement
from detection.features import FEATURE_NAMES, FEATURE_VERSION, feature_matrix, pair_features

logger = logging.getLogger(__name__)

DEFAULT_ARTIFACT = Path(__file__).resolve().parent / "artifacts" / "pair_classifier.joblib"
#: The threshold is the lowest cross-validated probability that keeps precision at or above this
#: on the training pairs (baseline choice: the seed's <5% false-positive goal leaves the
#: classifier little room, so it must be precise).
TARGET_PRECISION = 0.9
MIN_TRAINING_PAIRS = 20

PairScorer = Callable[[Statement, Statement], float]


@dataclass
class PairClassifier:
    """A trained pipeline with its metadata. ``score(old, new)`` → probability in [0, 1]."""

    pipeline: Pipeline
    threshold: float
    version: str
    feature_version: str = FEATURE_VERSION
    metrics: dict = field(default_factory=dict)
    training_rows: int = 0
    data_sha256: str = ""
    trained_at: str = ""

    def score(self, old: Statement, new: Statement) -> float:
        """P(new contradicts old) from the pair's features."""
        return float(self.pipeline.predict_proba(np.asarray([pair_features(old, new)]))[0, 1])

    def describe(self) -> dict:
        """Metadata as JSON-ready dict (no model weights)."""
        return {"version": self.version, "feature_version": self.feature_version, "threshold": self.threshold,
                "metrics": self.metrics, "training_rows": self.training_rows, "data_sha256": self.data_sha256,
                "trained_at": self.trained_at, "features": list(FEATURE_NAMES)}


def _choose_threshold(y: np.ndarray, proba: np.ndarray) -> float:
    best = 1.01  # never fire if no threshold reaches the target precision
    for threshold in sorted(set(np.round(proba, 4)), reverse=True):
        predicted = proba >= threshold
        if predicted.sum() == 0:
            continue
        precision = float((y[predicted] == 1).mean())
        if precision >= TARGET_PRECISION:
            best = float(threshold)
    return best


def train(pairs: Sequence[tuple[Statement, Statement]], labels: Sequence[int], *, data_sha256: str = "",
          applies: Sequence[bool] | None = None) -> PairClassifier:
    """Fit the pipeline on (old, new) pairs with labels 1 = contradiction, 0 = not.

    ``applies`` marks the pairs the classifier will actually be asked about in service (those the
    slot rules leave undecided); the threshold and the reported metrics are computed on those rows
    of the 5-fold stratified cross-validated predictions (all rows when None). Raises
    ``ValueError`` with fewer than ``MIN_TRAINING_PAIRS`` pairs or a single class.
    """
    y = np.asarray(labels, dtype=int)
    if len(y) < MIN_TRAINING_PAIRS or len(set(y)) < 2:
        raise ValueError(f"need >= {MIN_TRAINING_PAIRS} pairs of both classes, got {len(y)} ({int(y.sum())} positive)")
    X = feature_matrix(pairs)
    pipeline = Pipeline([("scale", StandardScaler()),
                         ("model", LogisticRegression(class_weight="balanced", max_iter=2000, C=1.0))])
    folds = StratifiedKFold(n_splits=min(5, int(min(y.sum(), len(y) - y.sum()))), shuffle=True, random_state=0)
    proba = cross_val_predict(pipeline, X, y, cv=folds, method="predict_proba")[:, 1]
    mask = np.ones(len(y), dtype=bool) if applies is None else np.asarray(applies, dtype=bool)
    ys, ps = y[mask], proba[mask]
    threshold = _choose_threshold(ys, ps)
    precision, recall, f1, _ = precision_recall_fscore_support(ys, ps >= threshold, average="binary",
                                                               zero_division=0)
    auc = roc_auc_score(ys, ps) if len(set(ys)) == 2 else float("nan")
    pipeline.fit(X, y)
    now = dt.datetime.now(dt.timezone.utc)
    return PairClassifier(
        pipeline=pipeline, threshold=threshold, version=f"pair-clf-{now:%Y%m%d%H%M%S}-{data_sha256[:8]}",
        metrics={"cv_precision": round(float(precision), 4), "cv_recall": round(float(recall), 4),
                 "cv_f1": round(float(f1), 4), "cv_roc_auc": round(float(auc), 4),
                 "evaluated_on": int(mask.sum()), "evaluated_positives": int(ys.sum()),
                 "positives": int(y.sum()), "negatives": int(len(y) - y.sum())},
        training_rows=len(y), data_sha256=data_sha256, trained_at=now.isoformat(timespec="seconds"),
    )


def save(model: PairClassifier, path: Path = DEFAULT_ARTIFACT) -> Path:
    """Write the artifact (joblib) and a readable ``.json`` sidecar with its metadata."""
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, path)
    path.with_suffix(".json").write_text(json.dumps(model.describe(), indent=2) + "\n")
    return path


_cache: dict[Path, PairClassifier | None] = {}
_lock = threading.Lock()


def load(path: Path = DEFAULT_ARTIFACT) -> PairClassifier | None:
    """The artifact at ``path``, loaded once per process; None if absent or of another feature version."""
    with _lock:
        if path not in _cache:
            model = None
            if path.exists():
                model = joblib.load(path)
                if getattr(model, "feature_version", None) != FEATURE_VERSION:
                    logger.warning("ignoring %s: feature version %s, expected %s", path,
                                   getattr(model, "feature_version", None), FEATURE_VERSION)
                    model = None
                else:
                    logger.info("loaded pair classifier %s (threshold %.3f)", model.version, model.threshold)
            else:
                logger.warning("no pair classifier at %s: slot rules only", path)
            _cache[path] = model
        return _cache[path]


def clear_cache() -> None:
    """Forget loaded artifacts (after training a new one in the same process)."""
    with _lock:
        _cache.clear()


def get_scorer(path: Path = DEFAULT_ARTIFACT) -> tuple[PairScorer | None, float]:
    """(scorer, threshold) for ``detection.engine.detect``.

    (None, 1.0) without an artifact, and also when the model's threshold is above 1: such a model
    abstains on every pair (no threshold reached the target precision), so scoring would only
    cost time (~0.4 ms per pair measured in bench/detection_latency.py).
    """
    model = load(path)
    if model is None or model.threshold > 1.0:
        return None, 1.0
    return model.score, model.threshold


def data_fingerprint(rows: Sequence[dict]) -> str:
    """SHA-256 of the canonical JSON of the training rows (recorded with the model)."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(json.dumps(row, sort_keys=True, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()
