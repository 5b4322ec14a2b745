"""detection.forest: the pair classifier's trees evaluated with NumPy give scikit-learn's probabilities."""

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from detection import classifier
from detection.forest import CompiledForest, compile_forest


def _fitted(n_features=6, with_missing=False, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(400, n_features))
    y = (X[:, 0] + 0.5 * X[:, 1] ** 2 - X[:, 2] > 0.3).astype(int)
    if with_missing:
        X[rng.random(X.shape) < 0.15] = np.nan
    model = HistGradientBoostingClassifier(max_iter=40, max_leaf_nodes=7, random_state=0).fit(X, y)
    return model, X


@pytest.mark.parametrize("with_missing", [False, True])
def test_compiled_trees_match_scikit_learn_row_by_row(with_missing):
    model, X = _fitted(with_missing=with_missing)
    forest = compile_forest(model)

    assert np.allclose(forest.predict_proba(X), model.predict_proba(X)[:, 1], rtol=0, atol=1e-12)
    assert np.allclose(forest.predict_proba(X[:1]), model.predict_proba(X[:1])[:, 1], rtol=0, atol=1e-12)


def test_the_committed_pair_classifier_is_compiled_and_agrees_with_scikit_learn():
    model = classifier.load()
    assert model is not None and model.__dict__.get("_forest") is not None
    rng = np.random.default_rng(1)
    width = model.pipeline[-1].n_features_in_
    rows = rng.normal(size=(classifier.FOREST_MAX_ROWS, width)) * (rng.random((classifier.FOREST_MAX_ROWS, width)) < 0.5)

    fast = model._predict(rows)
    slow = model.pipeline.predict_proba(rows)[:, 1]

    assert np.allclose(fast, slow, rtol=0, atol=1e-12)
    assert ((fast >= model.threshold) == (slow >= model.threshold)).all()


def test_models_it_cannot_reproduce_are_refused():
    X = np.random.default_rng(0).normal(size=(50, 3))
    y = (X[:, 0] > 0).astype(int)
    with pytest.raises(ValueError, match="HistGradientBoostingClassifier"):
        CompiledForest(LogisticRegression().fit(X, y))
    model = HistGradientBoostingClassifier(max_iter=5).fit(X, np.arange(50) % 3)
    with pytest.raises(ValueError, match="binary"):
        CompiledForest(model)


def test_a_matrix_of_the_wrong_width_is_an_error_not_a_wrong_answer():
    model, X = _fitted()
    with pytest.raises(ValueError, match="expected shape"):
        compile_forest(model).predict_proba(X[:, :3])
