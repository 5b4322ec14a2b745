"""The learned pair classifier: P(contradiction) for statement pairs the slot rules do not decide.

One scikit-learn ``Pipeline`` (a histogram gradient-boosted tree ensemble over
:mod:`detection.features`, version 2: embedding cosine, value-masked template overlap, the 14
original pair features and the rules' own view of the pair) is trained by
``manage.py train_pair_classifier`` on **all** our labeled development pairs (every
``detection/eval/pairs_dev*.jsonl``, never a test split) and saved with its feature version,
decision threshold, held-out metrics and a hash of its training data as one joblib artifact
(``detection/artifacts/pair_classifier.joblib`` + a readable ``.json``). Worker and evaluation
harness load it once per process through :func:`get_scorer`.

How the threshold is chosen (issue 3, third session; docs/DETECTION.md has the figures):
leave-one-dev-set-out. For each development file, the model is fitted on the others and scores the
held-out file; the combined system (rules first, then the classifier on the pairs the rules leave
undecided, :func:`detection.engine.pair_decided_by_rules`) is scored per threshold. The threshold
is the lowest one of :data:`THRESHOLD_GRID` at which the classifier adds at most
:data:`MAX_ADDED_FPR` false positives (as a share of the held-out file's negatives) on *every*
held-out file; if none does, the threshold is above 1 and the model abstains. The fit also
holds sampled negatives (:func:`sample_cross_pairs`: statements of two different labelled pairs),
because in service most scored pairs are about unrelated things.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import joblib
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from detection.engine import Statement, statement_flags
from detection.masking import is_value_like, tokens
from detection.features import FEATURE_NAMES, FEATURE_VERSION, feature_matrix, features_against, pair_features

logger = logging.getLogger(__name__)

DEFAULT_ARTIFACT = Path(__file__).resolve().parent / "artifacts" / "pair_classifier.joblib"
#: Largest share of a held-out file's negatives the classifier may turn into false positives
#: (baseline choice: the rules alone measured 0.018-0.022 FPR on unseen data, the seed's bar is
#: 0.05, so rules plus classifier stay near 0.04 at worst).
MAX_ADDED_FPR = 0.02
#: Thresholds tried, lowest first (baseline choice: a coarse grid, since each held-out file holds
#: only a handful of the rules' misses, finer steps would fit noise).
THRESHOLD_GRID = (0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
#: Threshold of a model that never fires.
ABSTAIN = 1.01
MIN_TRAINING_PAIRS = 20
#: At most this many undecided earlier statements are scored per new statement, the most similar
#: by embedding cosine (the worker's candidate retrieval also uses 20 nearest neighbours,
#: memory.selectors.CANDIDATE_NEIGHBOURS).
SHORTLIST = 20

#: Up to this many rows, predictions go through :mod:`detection.forest` (measured 2026-11-22: 20
#: rows 0.52 vs 2.8 ms through scikit-learn, whose cost is mostly per call); larger matrices
#: (training, evaluation) through scikit-learn, which is faster there (320 rows: 7.5 vs 13.4 ms).
FOREST_MAX_ROWS = 64

PairScorer = Callable[[Statement, Statement], float]
#: Environment switch of the learned fallback: ``on`` makes :func:`get_scorer` return the model;
#: unset or anything else means rules only. **Off by default** (2026-11-22): on the fault tests'
#: scripted conversations it flags list-like statements of one template with another name ("I
#: have visited Greece twice." / "I have visited Portugal twice."), which the rules rightly treat
#: as additions; docs/DETECTION.md.
ENABLE_ENV = "CRT_PAIR_CLASSIFIER"
DISABLE_ENV = ENABLE_ENV  # the same variable (``off`` disables), kept for callers of the old name


def classifier_enabled() -> bool:
    """True when ``CRT_PAIR_CLASSIFIER`` is ``on`` (or 1/true/yes)."""
    return os.environ.get(ENABLE_ENV, "").strip().lower() in {"on", "1", "true", "yes"}


_controller = None
#: Earlier statements' embeddings as float32 arrays, by (memory_id, timestamp): converting 1,000
#: stored tuples per new statement measured ~17 ms; a thread's statements recur on every
#: detection. Bounded (baseline choice: 8,192 vectors = 12.6 MB).
_VECTOR_CACHE_SIZE = 8192
_vectors: "OrderedDict[tuple[str, float], np.ndarray]" = OrderedDict()
_vectors_lock = threading.Lock()


def _stored_vector(statement: Statement) -> np.ndarray:
    key = (statement.memory_id, statement.timestamp)
    with _vectors_lock:
        vector = _vectors.get(key)
        if vector is not None and len(vector) == len(statement.embedding):
            _vectors.move_to_end(key)
            return vector
    vector = np.asarray(statement.embedding, dtype=np.float32)
    with _vectors_lock:
        _vectors[key] = vector
        if len(_vectors) > _VECTOR_CACHE_SIZE:
            _vectors.popitem(last=False)
    return vector


def _threadpools():
    """The process's threadpoolctl controller (native thread pools are enumerated once)."""
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()
    return _controller


def _pipeline() -> Pipeline:
    # Hyper-parameters: a baseline choice. In leave-one-dev-set-out runs this model recovered
    # more of the rules' misses than logistic regression at the same false-positive budget
    # (docs/DETECTION.md, "pair classifier v3").
    return Pipeline([("model", HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                                              random_state=0))])


@dataclass
class PairClassifier:
    """A trained pipeline with its metadata.

    Calling the object (or ``score(old, new)``) gives P(new contradicts old) in [0, 1];
    ``score_many(new, earlier)`` the same for many earlier statements in one batch;
    ``shortlist(new, earlier, k)`` picks the ``k`` earlier statements most similar to ``new``.
    """

    pipeline: Pipeline
    threshold: float
    version: str
    feature_version: str = FEATURE_VERSION
    metrics: dict = field(default_factory=dict)
    training_rows: int = 0
    data_sha256: str = ""
    trained_at: str = ""

    def score(self, old: Statement, new: Statement) -> float:
        """P(new contradicts old) from the pair's features (0 for a denial of another value)."""
        if denies_another_value(old, new):
            return 0.0
        return float(self._predict(np.asarray([pair_features(old, new)]))[0])

    def _predict(self, matrix: np.ndarray) -> np.ndarray:
        forest = self.__dict__.get("_forest")  # set by load(); see detection/forest.py
        if forest is not None and len(matrix) <= FOREST_MAX_ROWS:
            return forest.predict_proba(matrix)
        # One OpenMP thread: the tree ensemble's multi-threaded prediction on a small batch, on
        # cores shared with the worker's other processes, measured p50 7.3 / p95 12.6 / max 551 ms
        # per call against 2.3 / 2.7 / 6.0 ms single-threaded (5 pairs, 200 calls, 2 cores, load 3.7).
        with _threadpools().limit(limits=1, user_api="openmp"):
            return self.pipeline.predict_proba(matrix)[:, 1]

    __call__ = score

    def score_many(self, new: Statement, earlier: Sequence[Statement]) -> list[float]:
        """P(new contradicts old) for every ``old`` of ``earlier``, in one batch (one
        ``predict_proba`` call: a tree ensemble's per-call overhead, ~2-5 ms here, is paid once)."""
        if not earlier:
            return []
        probabilities = self._predict(features_against(new, earlier)).tolist()
        return [0.0 if denies_another_value(old, new) else p for old, p in zip(earlier, probabilities)]

    def shortlist(self, new: Statement, earlier: Sequence[Statement], k: int = SHORTLIST) -> list[Statement]:
        """The ``k`` statements of ``earlier`` most similar to ``new`` by embedding cosine, in their
        input order; all of them when ``len(earlier) <= k`` or an embedding is missing."""
        if len(earlier) <= k or new.embedding is None or any(s.embedding is None for s in earlier):
            return list(earlier)
        matrix = np.stack([_stored_vector(s) for s in earlier])
        similarity = matrix @ np.asarray(new.embedding, dtype=np.float32)
        keep = set(np.argsort(-similarity, kind="stable")[:k].tolist())
        return [s for i, s in enumerate(earlier) if i in keep]

    def describe(self) -> dict:
        """Metadata as JSON-ready dict (no model weights)."""
        return {"version": self.version, "feature_version": self.feature_version, "threshold": self.threshold,
                "metrics": self.metrics, "training_rows": self.training_rows, "data_sha256": self.data_sha256,
                "trained_at": self.trained_at, "features": list(FEATURE_NAMES)}


def _fold_report(y: np.ndarray, flagged: np.ndarray, eligible: np.ndarray, proba: np.ndarray, threshold: float) -> dict:
    combined = flagged | (eligible & (proba >= threshold))
    positives, negatives = int(y.sum()), int(len(y) - y.sum())
    rules_tp, rules_fp = int((flagged & (y == 1)).sum()), int((flagged & (y == 0)).sum())
    tp, fp = int((combined & (y == 1)).sum()), int((combined & (y == 0)).sum())
    return {"n": len(y), "positives": positives, "negatives": negatives,
            "rules_tp": rules_tp, "rules_fp": rules_fp, "combined_tp": tp, "combined_fp": fp,
            "rules_recall": round(rules_tp / positives, 4) if positives else 0.0,
            "rules_fpr": round(rules_fp / negatives, 4) if negatives else 0.0,
            "combined_recall": round(tp / positives, 4) if positives else 0.0,
            "combined_fpr": round(fp / negatives, 4) if negatives else 0.0,
            "recovered": tp - rules_tp, "added_fp": fp - rules_fp}


def choose_threshold(folds: Sequence[dict]) -> float:
    """The lowest :data:`THRESHOLD_GRID` value at which every held-out fold's added false positives
    stay within :data:`MAX_ADDED_FPR` of its negatives and at least one rules miss is recovered;
    :data:`ABSTAIN` if none. ``folds``: dicts with numpy arrays ``y``, ``flagged``, ``eligible``,
    ``proba``."""
    for threshold in THRESHOLD_GRID:
        reports = [_fold_report(f["y"], f["flagged"], f["eligible"], f["proba"], threshold) for f in folds]
        if all(r["added_fp"] <= MAX_ADDED_FPR * r["negatives"] for r in reports) and \
                sum(r["recovered"] for r in reports) > 0:
            return threshold
    return ABSTAIN


def train(pairs: Sequence[tuple[Statement, Statement]], labels: Sequence[int], *, data_sha256: str = "",
          applies: Sequence[bool] | None = None, flagged: Sequence[bool] | None = None,
          groups: Sequence[str] | None = None, sampled: Sequence[bool] | None = None) -> PairClassifier:
    """Fit the pipeline on (old, new) pairs with labels 1 = contradiction, 0 = not.

    ``applies`` marks the pairs the classifier will be asked about in service (those the slot
    rules leave undecided; all when None); ``flagged`` the pairs the rules already call a
    contradiction (none when None); ``groups`` names each pair's data set: the held-out folds are
    the groups (leave-one-dev-set-out) when there are at least two, else 5 stratified folds.
    ``sampled`` marks sampled negatives (:func:`sample_cross_pairs`): they are fitted on (with
    their group's other rows) but never scored as held-out rows, so the held-out figures are the
    labelled pairs' own. The threshold is :func:`choose_threshold` over the held-out folds; the
    metrics hold every fold's rules-alone and combined figures at that threshold. The final model is fitted on all
    pairs. Raises ``ValueError`` with fewer than ``MIN_TRAINING_PAIRS`` pairs or a single class.
    """
    y = np.asarray(labels, dtype=int)
    if len(y) < MIN_TRAINING_PAIRS or len(set(y)) < 2:
        raise ValueError(f"need >= {MIN_TRAINING_PAIRS} pairs of both classes, got {len(y)} ({int(y.sum())} positive)")
    X = feature_matrix(pairs)
    eligible = np.ones(len(y), dtype=bool) if applies is None else np.asarray(applies, dtype=bool)
    rules = np.zeros(len(y), dtype=bool) if flagged is None else np.asarray(flagged, dtype=bool)
    synthetic = np.zeros(len(y), dtype=bool) if sampled is None else np.asarray(sampled, dtype=bool)
    names = None if groups is None else np.asarray(groups)
    if names is not None and len(set(names.tolist())) >= 2:
        splits = [(names != g, names == g, str(g)) for g in sorted(set(names.tolist()))]
    else:
        n_splits = max(2, min(5, int(min(y.sum(), len(y) - y.sum()))))
        folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=0)
        splits = [(np.isin(np.arange(len(y)), tr), np.isin(np.arange(len(y)), te), f"fold{i}")
                  for i, (tr, te) in enumerate(folds.split(X, y))]
    proba = np.zeros(len(y))
    held_out = []
    for train_mask, test_mask, name in splits:
        test_mask = test_mask & ~synthetic
        model = _pipeline().fit(X[train_mask], y[train_mask])
        proba[test_mask] = model.predict_proba(X[test_mask])[:, 1]
        held_out.append({"name": name, "y": y[test_mask], "flagged": rules[test_mask],
                         "eligible": eligible[test_mask] & ~rules[test_mask], "proba": proba[test_mask]})
    threshold = choose_threshold(held_out)
    fires = eligible & ~rules & ~synthetic & (proba >= threshold)
    precision = float((y[fires] == 1).mean()) if fires.any() else 0.0
    auc = roc_auc_score(y[~synthetic], proba[~synthetic])
    pipeline = _pipeline().fit(X, y)
    now = dt.datetime.now(dt.timezone.utc)
    return PairClassifier(
        pipeline=pipeline, threshold=threshold, version=f"pair-clf-{now:%Y%m%d%H%M%S}-{data_sha256[:8]}",
        metrics={"cv_precision": round(precision, 4), "cv_fired": int(fires.sum()),
                 "cv_recovered": int((fires & (y == 1)).sum()), "cv_roc_auc": round(float(auc), 4),
                 "max_added_fpr": MAX_ADDED_FPR,
                 "folds": {f["name"]: _fold_report(f["y"], f["flagged"], f["eligible"], f["proba"], threshold)
                           for f in held_out},
                 "positives": int(y.sum()), "negatives": int(len(y) - y.sum() - synthetic.sum()),
                 "sampled_negatives": int(synthetic.sum()),
                 "undecided": int((eligible & ~rules & ~synthetic).sum())},
        training_rows=len(y), data_sha256=data_sha256, trained_at=now.isoformat(timespec="seconds"),
    )


def sample_cross_pairs(texts: Sequence[str], *, count: int, seed: int = 0) -> list[tuple[str, str]]:
    """``count`` (older, newer) pairs of two different texts of ``texts``, drawn at random with a
    fixed seed: statements of *different* labelled pairs, used as sampled negatives.

    Why: the labelled pairs are mostly about one topic each, but in service the classifier scores
    a new statement against every earlier statement the rules leave undecided, most of them about
    something else; without such pairs in training it is over-confident on unrelated pairs
    (measured: docs/DETECTION.md). The caller keeps only the pairs the rules leave undecided
    (those the classifier would see); a rare real conflict among them is label noise.
    """
    rng = np.random.default_rng(seed)
    unique = list(dict.fromkeys(texts))
    if len(unique) < 2:
        return []
    out = []
    for _ in range(count):
        i, j = rng.choice(len(unique), size=2, replace=False)
        out.append((unique[int(i)], unique[int(j)]))
    return out


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
                    _compile(model)
                    logger.info("loaded pair classifier %s (threshold %.3f)", model.version, model.threshold)
            else:
                logger.warning("no pair classifier at %s: slot rules only", path)
            _cache[path] = model
        return _cache[path]


def denies_another_value(old: Statement, new: Statement) -> bool:
    """True when exactly one of the two statements is negated and both name values — numbers or
    names (:func:`detection.masking.is_value_like`) — that the other does not: "I have visited Peru
    twice." / "I have not visited Japan twice." A denial contradicts only the value it denies, so
    such a pair is never a contradiction.

    The model, trained on pairs whose denials repeat the value, scored that example 0.87; the
    fault tests' scripted conversations, where every "not visited X" was flagged against every
    earlier "visited Y", showed the pattern. Only names and numbers count as values here: a
    changed verb or noun ("never ridden a horse" / "rode my horse") is left to the model.
    """
    if bool(statement_flags(old.text).get("negated")) == bool(statement_flags(new.text).get("negated")):
        return False
    old_values, new_values = _named_values(old.text), _named_values(new.text)
    return bool(old_values) and bool(new_values) and old_values.isdisjoint(new_values)


def _named_values(text: str) -> frozenset[str]:
    words = tokens(text)
    return frozenset(word.lower() for i, word in enumerate(words) if is_value_like(word, sentence_initial=i == 0))


def _compile(model: PairClassifier) -> None:
    """Attach the model's trees as a :class:`detection.forest.CompiledForest` (same probabilities,
    without scikit-learn's fixed ~2.6 ms per call); keeps scikit-learn's path if they cannot be."""
    from detection.forest import compile_forest  # noqa: PLC0415

    try:
        model.__dict__["_forest"] = compile_forest(model.pipeline[-1]) if len(model.pipeline.steps) == 1 else None
    except ValueError as exc:
        logger.info("pair classifier %s runs through scikit-learn: %s", model.version, exc)
        model.__dict__["_forest"] = None


def clear_cache() -> None:
    """Forget loaded artifacts (after training a new one in the same process)."""
    with _lock:
        _cache.clear()


def get_scorer(path: Path = DEFAULT_ARTIFACT) -> tuple[PairScorer | None, float]:
    """(scorer, threshold) for ``detection.engine.detect``.

    The scorer is the :class:`PairClassifier` itself (callable ``(old, new) -> probability``,
    with ``version`` and ``shortlist``, which :func:`detection.engine.detect` uses to name the
    model in a finding and to score only the most similar undecided statements). (None, 1.0)
    without an artifact, and also when the model's threshold is above 1: such a model abstains
    on every pair (no threshold met the held-out false-positive budget), so scoring would only
    cost time; and unless the environment sets ``CRT_PAIR_CLASSIFIER=on`` (:data:`ENABLE_ENV`:
    the learned fallback is off by default; switch it on or off without a deploy).
    """
    if not classifier_enabled():
        return None, 1.0
    model = load(path)
    if model is None or model.threshold > 1.0:
        return None, 1.0
    return model, model.threshold


def data_fingerprint(rows: Sequence[dict]) -> str:
    """SHA-256 of the canonical JSON of the training rows (recorded with the model)."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(json.dumps(row, sort_keys=True, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()
