"""A fitted gradient-boosting model's trees as flat arrays, evaluated with NumPy for all rows at once.

Why: scikit-learn's ``HistGradientBoostingClassifier.predict_proba`` walks its 200 trees one
Python call each, a fixed ~2.6 ms per call whatever the number of rows (measured 2026-11-22: 1 row
2.61 ms, 20 rows 2.61 ms, 320 rows 5.91 ms). The worker calls the pair classifier once per new
statement, so that overhead was most of the classifier's cost per detection job
(docs/BENCHMARKS.md, throughput with and without the classifier). Here the trees are stacked into
one node table and every (row, tree) pair descends one level per NumPy step, so a call costs a
few dozen array operations.

The result equals scikit-learn's (same comparisons: a value goes left when ``x <= threshold``, a
missing value where the node's ``missing_go_to_left`` says; same baseline and logistic link); the
sums are taken in another order, so probabilities agree to ~1e-15. :func:`compile_forest` checks
that on a probe matrix and refuses (``ValueError``) a model it cannot reproduce: multi-class,
categorical splits, or any other estimator.
"""

from __future__ import annotations

import numpy as np

#: Largest difference tolerated between this evaluator and scikit-learn on the probe rows.
PROBE_TOLERANCE = 1e-9


class CompiledForest:
    """The trees of a binary ``HistGradientBoostingClassifier`` over numeric features.

    ``predict_proba(X)`` takes an array of shape ``(n_rows, n_features)`` and returns P(class 1)
    of shape ``(n_rows,)``, as ``model.predict_proba(X)[:, 1]``. Raises ``ValueError`` at
    construction for a model it cannot represent.
    """

    def __init__(self, model):
        if type(model).__name__ != "HistGradientBoostingClassifier":
            raise ValueError(f"not a HistGradientBoostingClassifier: {type(model).__name__}")
        if getattr(model, "n_trees_per_iteration_", None) != 1:
            raise ValueError("only binary classification is supported")
        trees = [iteration[0].nodes for iteration in model._predictors]
        if any(tree["is_categorical"].any() for tree in trees):
            raise ValueError("categorical splits are not supported")
        sizes = np.array([len(tree) for tree in trees])
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        nodes = np.concatenate(trees)
        offset = np.repeat(starts, sizes)  # each node's tree start: child indices are per tree
        self.n_features = int(model.n_features_in_)
        self.roots = starts.astype(np.intp)
        self.feature = nodes["feature_idx"].astype(np.intp)
        self.threshold = nodes["num_threshold"].astype(np.float64)
        self.missing_left = nodes["missing_go_to_left"].astype(bool)
        self.is_leaf = nodes["is_leaf"].astype(bool)
        own = np.arange(len(nodes), dtype=np.intp)
        # A leaf's children are the leaf itself, so every (row, tree) can take a step at every
        # level without checking whether it already arrived.
        self.left = np.where(self.is_leaf, own, nodes["left"].astype(np.intp) + offset)
        self.right = np.where(self.is_leaf, own, nodes["right"].astype(np.intp) + offset)
        self.value = nodes["value"].astype(np.float64)
        self.max_depth = int(nodes["depth"].max())
        self.baseline = float(np.asarray(model._baseline_prediction).ravel()[0])

    def raw(self, X: np.ndarray) -> np.ndarray:
        """The model's decision function (log-odds) for each row: shape ``(n_rows,)``."""
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"expected shape (n, {self.n_features}), got {X.shape}")
        n_rows, n_trees = X.shape[0], len(self.roots)
        flat = np.ascontiguousarray(X).ravel()
        row_start = np.repeat(np.arange(n_rows, dtype=np.intp) * self.n_features, n_trees)
        node = np.tile(self.roots, n_rows)  # (row, tree) pairs, row-major
        has_missing = bool(np.isnan(flat).any())
        for _ in range(self.max_depth):
            x = flat.take(row_start + self.feature.take(node))
            go_left = x <= self.threshold.take(node)
            if has_missing:
                go_left = np.where(np.isnan(x), self.missing_left.take(node), go_left)
            node = np.where(go_left, self.left.take(node), self.right.take(node))
        return self.baseline + self.value.take(node).reshape(n_rows, n_trees).sum(axis=1)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """P(class 1) for each row, shape ``(n_rows,)`` (the logistic link of :meth:`raw`)."""
        return 1.0 / (1.0 + np.exp(-self.raw(X)))


def compile_forest(model, *, probe_rows: int = 256, seed: int = 0) -> CompiledForest:
    """:class:`CompiledForest` of ``model``, checked against ``model.predict_proba`` on random
    probe rows (standard normal, a share of them zero as our sparse features are).

    Raises ``ValueError`` if the model cannot be represented or a probe row disagrees by more
    than :data:`PROBE_TOLERANCE`.
    """
    forest = CompiledForest(model)
    rng = np.random.default_rng(seed)
    probe = rng.normal(size=(probe_rows, forest.n_features)) * (rng.random((probe_rows, forest.n_features)) < 0.7)
    expected = model.predict_proba(probe)[:, 1]
    worst = float(np.max(np.abs(forest.predict_proba(probe) - expected)))
    if worst > PROBE_TOLERANCE:
        raise ValueError(f"compiled trees disagree with scikit-learn by {worst:.3g} on the probe rows")
    return forest
