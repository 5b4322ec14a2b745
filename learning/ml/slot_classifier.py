"""Slot classifier (seed 001, learning phase 2): question → which fact slots it needs.

Input ``{"query": str, "embedding"?: list[float] (384)}``; label ``{"slots": [slot, ...]}``
(empty for questions about nothing the user told us). Pipeline: the query's 384-d
all-MiniLM-L6-v2 embedding (:class:`QueryEmbedder`; a precomputed ``embedding`` is used as is)
→ one logistic regression per slot (:class:`MultiLabelLogistic`, multi-label: "where do I live and
work?" needs two). A slot is needed when its probability is ≥ :data:`THRESHOLD`.

Baseline: the rule-based ``detection.engine.question_slots`` (regular expressions).
Primary metric: **subset accuracy** (the predicted slot set equals the true set; seed target
> 90 %). Micro precision/recall/F1 and per-slot F1 are reported too.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from typing import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from learning.ml.base import ModelSpec, NotEnoughData
from learning.ml.common import SLOTS  # noqa: F401 - re-exported (the slots this model predicts)
from learning.ml.rules import slot_baseline
#: Probability at or above which a slot is predicted (baseline choice: the symmetric point).
THRESHOLD = 0.5
#: Embedding dimension of all-MiniLM-L6-v2.
EMBEDDING_DIMENSIONS = 384
#: Texts whose embeddings are cached per process (generated training sets repeat texts a lot;
#: 100,000 × 384 float32 ≈ 150 MB at most).
EMBEDDING_CACHE_SIZE = 100_000
#: Batch size when embedding many texts at once (training, evaluation). Short questions gain from
#: larger batches than the worker's ``CRT_EMBEDDING_BATCH_SIZE`` (64); measured with
#: ``bench/learning.py --embedding-sweep`` (docs/BENCHMARKS.md, learning section).
BULK_EMBEDDING_BATCH_SIZE = 128

_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_cache_lock = threading.Lock()
_uncased: bool | None = None


def _model_is_uncased() -> bool:
    """Whether MiniLM's tokenizer lower-cases its input (all-MiniLM-L6-v2: ``BertNormalizer(lowercase=
    True)``, so "Where do I live?" and "where do i live?" have the same tokens and the same
    embedding — checked in ``tests/learning/test_learning_models_beat_baselines.py``)."""
    global _uncased
    if _uncased is None:
        from memory.embeddings import get_model  # noqa: PLC0415 - heavy import, only when needed

        tokenizer = get_model().tokenizer
        _uncased = bool(getattr(tokenizer, "do_lower_case", False) or getattr(tokenizer, "lowercase", False))
    return _uncased


def embedding_key(text: str) -> str:
    """The cache key of ``text``: lower-cased when the model is uncased and the text is ASCII (for
    ASCII, ``str.lower`` is exactly the tokenizer's lower-casing), else the text itself. Texts
    with one key have one embedding, so each is embedded once (a quarter of the generated
    training questions differ from another one only by case)."""
    return text.lower() if text.isascii() and _model_is_uncased() else text


#: Texts this process has embedded through :func:`embed_queries` and the wall seconds it took
#: (the benchmark reports the embedding's share of training).
EMBEDDING_STATS = {"texts": 0, "seconds": 0.0}


def _encode(texts: list[str], batch_size: int) -> np.ndarray:
    from memory.embeddings import embed_texts, get_model  # noqa: PLC0415 - heavy import, only when needed

    started = time.perf_counter()
    if len(texts) <= batch_size:
        vectors = embed_texts(texts)
    else:
        # the same call as memory.embeddings.embed_texts (normalized float32), with a bulk batch size
        vectors = get_model().encode(texts, batch_size=batch_size, normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False).astype(np.float32, copy=False)
    EMBEDDING_STATS["texts"] += len(texts)
    EMBEDDING_STATS["seconds"] += time.perf_counter() - started
    return vectors


def embed_queries(texts: Sequence[str], *, batch_size: int = BULK_EMBEDDING_BATCH_SIZE) -> np.ndarray:
    """Embeddings of ``texts`` (shape (n, 384), float32, unit norm); each distinct
    :func:`embedding_key` is embedded once.

    Uses MiniLM from ``memory.embeddings`` (loads it on first use, ~7 s) and a per-process LRU
    cache of :data:`EMBEDDING_CACHE_SIZE` keys, so models trained in one process (and repeated
    training runs of the worker) share embeddings. ``batch_size``: texts per forward pass.
    """
    keys = [embedding_key(text) for text in texts]
    with _cache_lock:
        missing = list(dict.fromkeys(k for k in keys if k not in _cache))
    if missing:
        vectors = _encode(missing, batch_size)
        with _cache_lock:
            for key, vector in zip(missing, vectors):
                _cache[key] = vector
                _cache.move_to_end(key)
            while len(_cache) > EMBEDDING_CACHE_SIZE:
                _cache.popitem(last=False)
    with _cache_lock:
        out = np.zeros((len(texts), EMBEDDING_DIMENSIONS), dtype=np.float32)
        evicted = []
        for i, key in enumerate(keys):
            vector = _cache.get(key)
            if vector is None:  # evicted meanwhile by another thread: embed again below
                evicted.append(i)
            else:
                out[i] = vector
    if evicted:
        out[evicted] = _encode([keys[i] for i in evicted], batch_size)
    return out


class QueryEmbedder(BaseEstimator, TransformerMixin):
    """Inputs (dicts with ``query`` and optionally ``embedding``) → (n, 384) float32 matrix."""

    def fit(self, X, y=None, **_fit_params):
        return self

    def transform(self, X) -> np.ndarray:
        rows = list(X)
        out = np.zeros((len(rows), EMBEDDING_DIMENSIONS), dtype=np.float32)
        to_embed: list[tuple[int, str]] = []
        for i, row in enumerate(rows):
            vector = row.get("embedding") if isinstance(row, dict) else None
            if vector is not None:
                out[i] = np.asarray(vector, dtype=np.float32)
            else:
                to_embed.append((i, row["query"] if isinstance(row, dict) else str(row)))
        if to_embed:
            vectors = embed_queries([text for _, text in to_embed])
            for (i, _), vector in zip(to_embed, vectors):
                out[i] = vector
        return out


class MultiLabelLogistic(BaseEstimator, ClassifierMixin):
    """One L2 logistic regression per label column (binary relevance); a column that is constant
    in the training data predicts that constant (probability 0 or 1) instead of failing. The k
    models are kept as one coefficient matrix, so predicting is one matrix product.

    ``fit(X (n, d), Y (n, k) in {0, 1}, sample_weight (n,))``; ``predict_proba(X)`` → (n, k).
    ``labels`` names the k columns.
    """

    def __init__(self, labels: Sequence[str] = SLOTS, C: float = 4.0, max_iter: int = 2000):
        self.labels = labels
        self.C = C
        self.max_iter = max_iter

    def fit(self, X, Y, sample_weight=None):
        X = np.asarray(X, dtype=np.float64)
        Y = np.asarray(Y)
        coef = np.zeros((Y.shape[1], X.shape[1]))
        intercept = np.zeros(Y.shape[1])
        for column in range(Y.shape[1]):
            target = Y[:, column]
            if target.min() == target.max():  # constant label: a constant probability of 0 or 1
                intercept[column] = 40.0 if target[0] else -40.0
                continue
            model = LogisticRegression(C=self.C, max_iter=self.max_iter)
            model.fit(X, target, sample_weight=sample_weight)
            coef[column], intercept[column] = model.coef_[0], model.intercept_[0]
        # one matrix product at prediction time instead of k estimator calls (< 0.1 ms per query)
        self.coef_, self.intercept_ = coef, intercept
        self.classes_ = np.asarray(self.labels)
        return self

    def predict_proba(self, X) -> np.ndarray:
        logits = np.asarray(X, dtype=np.float64) @ self.coef_.T + self.intercept_
        return 1.0 / (1.0 + np.exp(-logits))

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X) >= THRESHOLD).astype(int)


def _slot_set_digest() -> str:
    return hashlib.sha256(",".join(SLOTS).encode()).hexdigest()[:8]


class SlotClassifierSpec(ModelSpec):
    """See the module docstring."""

    name = "slot_classifier"
    feature_version = f"minilm384-{_slot_set_digest()}-2"
    primary_metric = "subset_accuracy"
    description = "question embedding → fact slots it needs (multi-label logistic regression)"

    def build_pipeline(self, *, random_state: int = 0) -> Pipeline:
        return Pipeline([("embed", QueryEmbedder()), ("clf", MultiLabelLogistic(labels=SLOTS))])

    def targets(self, labels: Sequence[dict]) -> np.ndarray:
        index = {slot: i for i, slot in enumerate(SLOTS)}
        Y = np.zeros((len(labels), len(SLOTS)), dtype=int)
        for row, label in enumerate(labels):
            for slot in label.get("slots", []):
                if slot in index:
                    Y[row, index[slot]] = 1
        return Y

    def fit(self, pipeline: Pipeline, inputs: list[dict], y: np.ndarray, weights: np.ndarray) -> Pipeline:
        """Fit on rows merged by (:func:`embedding_key`, slots): questions that differ only by case
        have one embedding, so merging them with summed weights leaves the weighted loss — and the
        model — unchanged while the logistic regressions see fewer rows."""
        merged: dict[tuple, int] = {}
        rows: list[dict] = []
        targets: list[np.ndarray] = []
        summed: list[float] = []
        for row, target, weight in zip(inputs, y, weights):
            if row.get("embedding") is not None:  # a precomputed vector: keep the row as it is
                key = None
            else:
                key = (embedding_key(row["query"]), tuple(int(v) for v in target))
            if key is not None and key in merged:
                summed[merged[key]] += float(weight)
                continue
            if key is not None:
                merged[key] = len(rows)
            rows.append(row)
            targets.append(target)
            summed.append(float(weight))
        return super().fit(pipeline, rows, np.asarray(targets), np.asarray(summed, dtype=float))

    def check_trainable(self, y: np.ndarray) -> None:
        if len(y) < 10:
            raise NotEnoughData(f"{self.name}: {len(y)} training examples; at least 10 are needed")
        if not y.any():
            raise NotEnoughData(f"{self.name}: no training question needs any slot")

    def predict_proba(self, pipeline: Pipeline, inputs: Sequence[dict]) -> np.ndarray:
        """(n, len(labels)) probabilities; columns follow ``pipeline[-1].labels``."""
        return pipeline.predict_proba(list(inputs))

    def predict(self, pipeline: Pipeline, inputs: Sequence[dict]) -> list[dict]:
        labels = list(pipeline[-1].labels)
        probabilities = self.predict_proba(pipeline, inputs)
        return [
            {"slots": [slot for slot, p in zip(labels, row) if p >= THRESHOLD],
             "probabilities": {slot: round(float(p), 4) for slot, p in zip(labels, row)}}
            for row in probabilities
        ]

    def baseline(self, inputs: Sequence[dict]) -> list[dict]:
        return [slot_baseline(row) for row in inputs]

    def score(self, predictions: Sequence[dict], labels: Sequence[dict]) -> dict:
        tp = fp = fn = exact = 0
        per_slot = {slot: [0, 0, 0] for slot in SLOTS}  # tp, fp, fn
        for prediction, label in zip(predictions, labels):
            predicted, actual = set(prediction["slots"]), set(label.get("slots", []))
            exact += predicted == actual
            for slot in predicted | actual:
                counts = per_slot.setdefault(slot, [0, 0, 0])
                if slot in predicted and slot in actual:
                    tp += 1
                    counts[0] += 1
                elif slot in predicted:
                    fp += 1
                    counts[1] += 1
                else:
                    fn += 1
                    counts[2] += 1
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0

        def f1(t: int, f_p: int, f_n: int) -> float:
            return 2 * t / (2 * t + f_p + f_n) if t else 0.0

        return {
            "subset_accuracy": exact / len(labels) if labels else 0.0,
            "micro_precision": precision,
            "micro_recall": recall,
            "micro_f1": f1(tp, fp, fn),
            "per_slot_f1": {slot: round(f1(*counts), 4) for slot, counts in per_slot.items()},
            "rows": len(labels),
        }


SPEC = SlotClassifierSpec()
