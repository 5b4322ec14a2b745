"""Pair features and the classifier's train/save/load cycle (pure, no servers)."""

import joblib
import pytest

from detection import classifier
from detection.evaluation import build_statement
from detection.features import FEATURE_NAMES, pair_features


def pair(old, new, hours=24.0, old_vec=None, new_vec=None):
    return (build_statement(memory_id="a", text=old, timestamp=0.0, embedding=old_vec),
            build_statement(memory_id="b", text=new, timestamp=hours * 3600, embedding=new_vec))


def feature(name, old, new, **kw):
    return pair_features(*pair(old, new, **kw))[FEATURE_NAMES.index(name)]


def test_one_value_per_feature_name():
    assert len(pair_features(*pair("I like tea.", "I hate tea."))) == len(FEATURE_NAMES)


def test_antonyms_across_the_pair_are_flagged():
    assert feature("antonym_mismatch", "I love early mornings.", "I hate early mornings.") == 1.0
    assert feature("antonym_mismatch", "I love early mornings.", "I love early mornings.") == 0.0


def test_cosine_comes_from_the_embeddings():
    assert feature("cosine", "a b", "c d", old_vec=[1.0, 0.0], new_vec=[0.0, 1.0]) == 0.0
    assert feature("cosine", "a b", "c d", old_vec=[1.0, 0.0], new_vec=[1.0, 0.0]) == pytest.approx(1.0)
    assert feature("cosine", "a b", "c d") == 0.0


def test_time_between_statements_is_log_hours():
    assert feature("log_hours_between", "a", "b", hours=0.0) == 0.0
    assert feature("log_hours_between", "a", "b", hours=99.0) == pytest.approx(4.60517, abs=1e-4)


def test_lexical_overlap_is_jaccard_of_content_words():
    assert feature("jaccard", "I enjoy green tea.", "I enjoy green tea.") == 1.0
    assert feature("jaccard", "I enjoy green tea.", "Volcanoes erupt rarely.") == 0.0


TRAINING = [("I love green tea.", "I hate green tea.", 1), ("I enjoy jazz records.", "I detest jazz records.", 1),
            ("I always cycle to work.", "I never cycle to work.", 1), ("I love spicy food.", "I dislike spicy food.", 1),
            ("I love long walks.", "I hate long walks.", 1), ("I always read at night.", "I never read at night.", 1),
            ("I went hiking.", "The weather was nice.", 0), ("I baked bread today.", "My sister visited.", 0),
            ("I like green tea.", "I like green tea a lot.", 0), ("I love jazz.", "I love jazz and blues.", 0),
            ("Work was busy.", "I painted the fence.", 0), ("I enjoy chess.", "I enjoy chess on Sundays.", 0)] * 2


def test_training_saving_and_loading_round_trip(tmp_path):
    pairs = [pair(old, new) for old, new, _ in TRAINING]
    model = classifier.train(pairs, [label for *_, label in TRAINING], data_sha256="ab" * 32)
    path = classifier.save(model, tmp_path / "clf.joblib")
    classifier.clear_cache()

    loaded = classifier.load(path)

    assert loaded.version == model.version and 0 <= loaded.threshold <= 1.01
    assert (tmp_path / "clf.json").exists()
    assert loaded.score(*pair("I love chess.", "I hate chess.")) > loaded.score(*pair("I love chess.", "I went out."))
    scorer, threshold = classifier.get_scorer(path)
    assert loaded.threshold <= 1.0  # these pairs are separable: the model does fire
    assert scorer is not None and threshold == loaded.threshold


def test_a_model_that_reaches_no_threshold_abstains_without_scoring(tmp_path):
    pairs = [pair(old, new) for old, new, _ in TRAINING]
    model = classifier.train(pairs, [label for *_, label in TRAINING])
    model.threshold = 1.01  # what train() picks when no threshold reaches TARGET_PRECISION
    path = classifier.save(model, tmp_path / "abstain.joblib")
    classifier.clear_cache()
    assert classifier.get_scorer(path) == (None, 1.0)


def test_an_artifact_of_another_feature_version_is_refused(tmp_path):
    pairs = [pair(old, new) for old, new, _ in TRAINING]
    model = classifier.train(pairs, [label for *_, label in TRAINING])
    model.feature_version = "pair-features-0"
    path = tmp_path / "old.joblib"
    joblib.dump(model, path)
    classifier.clear_cache()
    assert classifier.load(path) is None
    assert classifier.get_scorer(path) == (None, 1.0)


def test_training_needs_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        classifier.train([pair("a", "b")] * 30, [0] * 30)


def test_train_command_defaults_to_every_dev_pairs_file_and_never_a_test_split():
    from detection.management.commands.train_pair_classifier import DEFAULT_DATA

    names = {path.name for path in DEFAULT_DATA}
    assert {"pairs_dev.jsonl", "pairs_dev2.jsonl", "pairs_dev3.jsonl"} <= names
    assert not any("test" in name for name in names)


def test_train_command_refuses_a_test_split_among_its_files(tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="test split"):
        call_command("train_pair_classifier", "--data", str(tmp_path / "pairs_dev.jsonl"),
                     str(tmp_path / "pairs_test.jsonl"), "--out", str(tmp_path / "clf.joblib"))
