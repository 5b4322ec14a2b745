"""The pair classifier's denial gate: a denial contradicts only the value it denies."""

import numpy as np
import pytest

from detection import classifier
from detection.evaluation import build_statement


def stmt(text, memory_id, timestamp, seed):
    vector = np.random.default_rng(seed).normal(size=384)
    return build_statement(memory_id=memory_id, text=text, timestamp=timestamp, embedding=vector / np.linalg.norm(vector))


@pytest.mark.parametrize("old, new", [
    ("I have visited Peru twice.", "I have not visited Japan twice."),
    ("I don't speak Italian.", "I speak Portuguese."),
])
def test_a_denial_of_another_value_is_never_a_contradiction(old, new):
    a, b = stmt(old, "a", 1.0, 1), stmt(new, "b", 2.0, 2)
    assert classifier.denies_another_value(a, b)
    model = classifier.load()
    assert model.score(a, b) == 0.0 and model.score_many(b, [a]) == [0.0]


@pytest.mark.parametrize("old, new", [
    ("I have visited Peru twice.", "I have not visited Peru twice."),  # the same value denied
    ("I have visited Peru twice.", "I have visited Japan twice."),      # no denial: left to the model
    ("I work at Google.", "I don't work there anymore."),              # nothing masked on one side
])
def test_other_pairs_are_left_to_the_model(old, new):
    assert not classifier.denies_another_value(stmt(old, "a", 1.0, 1), stmt(new, "b", 2.0, 2))
