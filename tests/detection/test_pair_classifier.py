"""Pair features, the classifier's train/save/load cycle and the committed artifact's behaviour
(no servers; the artifact tests embed their sentences with the real MiniLM model)."""

import joblib
import pytest

from detection import classifier
from detection.engine import detect
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


def test_value_masked_template_features():
    assert feature("templates_equal", "I work at Microsoft.", "I work at Amazon.") == 1.0
    assert feature("template_jaccard", "I work at Microsoft.", "I work at Amazon.") == 1.0
    assert feature("both_have_values", "I work at Microsoft.", "I work at Amazon.") == 1.0
    assert feature("templates_equal", "I work at Microsoft.", "The weather was nice.") == 0.0
    assert feature("new_values", "a", "one two three four five six seven") == 5.0  # capped


def test_dense_features_are_the_embeddings_difference_and_product():
    u = [1.0] + [0.0] * 383
    v = [0.6, 0.8] + [0.0] * 382
    values = pair_features(*pair("a", "b", old_vec=u, new_vec=v))
    assert values[FEATURE_NAMES.index("abs_diff_0")] == pytest.approx(0.4)
    assert values[FEATURE_NAMES.index("abs_diff_1")] == pytest.approx(0.8)
    assert values[FEATURE_NAMES.index("product_0")] == pytest.approx(0.6)
    without = pair_features(*pair("a", "b"))
    assert without[FEATURE_NAMES.index("abs_diff_0"):] == [0.0] * 768


def test_a_new_statement_the_rules_read_as_only_someone_elses_is_flagged():
    assert feature("rules_new_silent", "I work at Google.", "My friend Sarah works at Apple.") == 1.0
    assert feature("rules_new_silent", "I work at Google.", "I work at Apple.") == 0.0


def test_choose_threshold_keeps_every_folds_added_false_positives_within_budget():
    import numpy as np

    negatives = 100
    y = np.array([1] * 10 + [0] * negatives)
    flagged = np.array([True] * 8 + [False] * (2 + negatives))
    eligible = ~flagged
    proba = np.zeros(len(y))
    proba[8:10] = [0.97, 0.62]          # the two rules misses
    proba[10:13] = [0.96, 0.91, 0.58]   # three negatives the classifier likes
    fold = {"y": y, "flagged": flagged, "eligible": eligible, "proba": proba}
    # 0.5-0.55 would add 3 false positives (> 2 % of 100); 0.6 adds 2 and recovers both misses.
    assert classifier.choose_threshold([fold]) == 0.6
    proba[10:13] = [0.99, 0.99, 0.99]
    assert classifier.choose_threshold([fold]) == classifier.ABSTAIN


TRAINING = [("I love green tea.", "I hate green tea.", 1), ("I enjoy jazz records.", "I detest jazz records.", 1),
            ("I always cycle to work.", "I never cycle to work.", 1), ("I love spicy food.", "I dislike spicy food.", 1),
            ("I love long walks.", "I hate long walks.", 1), ("I always read at night.", "I never read at night.", 1),
            ("I went hiking.", "The weather was nice.", 0), ("I baked bread today.", "My sister visited.", 0),
            ("I like green tea.", "I like green tea a lot.", 0), ("I love jazz.", "I love jazz and blues.", 0),
            ("Work was busy.", "I painted the fence.", 0), ("I enjoy chess.", "I enjoy chess on Sundays.", 0)] * 5


@pytest.fixture(autouse=True, scope="module")
def classifier_switched_on():
    """These tests are about the model: switch the learned fallback on (it is off by default)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(classifier.ENABLE_ENV, "on")
        yield


@pytest.fixture
def small_ensemble(monkeypatch):
    """The same pipeline with 20 boosting rounds instead of 200: these tests check the
    train/save/load cycle, not the model's quality (which the leave-one-file-out figures do)."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline

    monkeypatch.setattr(classifier, "_pipeline", lambda: Pipeline(
        [("model", HistGradientBoostingClassifier(max_iter=20, learning_rate=0.3, random_state=0))]))


def test_training_saving_and_loading_round_trip(tmp_path, small_ensemble):
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


def test_a_model_that_reaches_no_threshold_abstains_without_scoring(tmp_path, small_ensemble):
    pairs = [pair(old, new) for old, new, _ in TRAINING]
    model = classifier.train(pairs, [label for *_, label in TRAINING])
    model.threshold = classifier.ABSTAIN  # what train() picks when no threshold meets the FPR budget
    path = classifier.save(model, tmp_path / "abstain.joblib")
    classifier.clear_cache()
    assert classifier.get_scorer(path) == (None, 1.0)


def test_an_artifact_of_another_feature_version_is_refused(tmp_path, small_ensemble):
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


# ---------------------------------------------------------------------------------------------
# The committed artifact, with real MiniLM embeddings (sentences written for these tests, not taken
# from the labelled data).

@pytest.fixture(scope="module")
def shipped():
    from memory.embeddings import embed_texts

    classifier.clear_cache()
    scorer, threshold = classifier.get_scorer()
    assert scorer is not None and threshold <= 1.0, "the committed classifier abstains"

    def flagged(old_text, new_text):
        old_vec, new_vec = embed_texts([old_text, new_text])
        old, new = pair(old_text, new_text, old_vec=old_vec, new_vec=new_vec)
        findings = detect(new, [old], pair_scorer=scorer, pair_threshold=threshold)
        return any(f.is_contradiction for f in findings), findings

    return flagged


@pytest.mark.parametrize("old, new", [
    ("Home is Rotterdam for me.", "We settled in Utrecht after selling the Rotterdam flat."),
    ("I'm conversational in Hungarian.", "I don't know a single word of Hungarian."),
    ("I've never ridden a horse.", "I rode my horse along the beach this morning."),
])
def test_the_shipped_classifier_catches_changes_the_rules_miss(shipped, old, new):
    contradiction, findings = shipped(old, new)
    assert contradiction and [f.rule for f in findings] == ["pair_classifier"]
    assert findings[0].confidence >= classifier.load().threshold
    assert classifier.load().version in findings[0].summary


@pytest.mark.parametrize("old, new", [
    ("I adore opera.", "My wife can't stand opera."),                                # third party
    ("I work at Accenture.", "My brother-in-law works at Capgemini."),              # third party
    ("I live in Rotterdam.", "If the job comes through, we might settle in Utrecht."),  # hypothetical
    ("I speak Hungarian.", "I'm also picking up some Finnish."),                    # multi-valued addition
    ("I have a cat.", "We also adopted a rabbit."),                                 # multi-valued addition
    ("I live in Bavaria.", "I live in Munich."),                                    # refinement
    ("I work in finance.", "I'm a bond trader at Barclays."),                       # refinement
    ("I'm a carpenter.", "The weather was awful today."),                           # unrelated
])
def test_the_shipped_classifier_leaves_trap_pairs_alone(shipped, old, new):
    contradiction, _ = shipped(old, new)
    assert not contradiction


def test_the_shipped_artifact_records_its_held_out_folds():
    model = classifier.load()
    folds = model.metrics["folds"]
    assert {"pairs_dev", "pairs_dev2", "pairs_dev3", "pairs_dev4", "pairs_dev5"} <= set(folds)
    for fold in folds.values():
        assert fold["added_fp"] <= classifier.MAX_ADDED_FPR * fold["negatives"]
    assert not any("test" in name for name in folds)


def test_batched_features_equal_the_per_pair_features():
    from detection.features import features_against

    rng = __import__("random").Random(3)
    vec = lambda: [rng.uniform(-1, 1) for _ in range(384)]  # noqa: E731
    new = pair("I love opera.", "I can't stand opera any more.", new_vec=vec())[1]
    earlier = [pair(t, "x", old_vec=v)[0] for t, v in
               [("I love opera.", vec()), ("I live in Leeds.", None), ("I'm 40.", vec())]]
    batched = features_against(new, earlier)
    for row, old in zip(batched, earlier):
        assert row.tolist() == pytest.approx(pair_features(old, new))


def test_the_classifier_is_off_unless_the_environment_switches_it_on(monkeypatch):
    monkeypatch.delenv(classifier.ENABLE_ENV, raising=False)
    assert classifier.get_scorer() == (None, 1.0)
    monkeypatch.setenv(classifier.ENABLE_ENV, "on")
    assert classifier.get_scorer()[0] is classifier.load()
    monkeypatch.setenv(classifier.ENABLE_ENV, "off")
    assert classifier.get_scorer() == (None, 1.0)
