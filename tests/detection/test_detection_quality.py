"""Detection quality on the held-out test split, through the in-process path (the worker's own
code: same statement building, same engine, same pair classifier, real embeddings).

Issue #3's bar is recall >= 95% with a false-positive rate <= 5%. It is NOT met. These tests run
the default detector: the slot rules (engine rules-3), the learned pair classifier being off by
default (``CRT_PAIR_CLASSIFIER``; docs/DETECTION.md). Measured on the test split (never tuned on;
summary figures only), 2026-11-22: pairs recall 0.757 (106/140), FPR 0.018 (3/166); conversation
turns recall 0.750 (21/28), FPR 0.027 (3/112). With the classifier switched on: 0.829 / 0.036 and
0.821 / 0.027. These tests hold the false-positive bar and guard the measured recall, rounded
down, against regressions; they are floors, not the goal. Raising them to 0.95 is the open part
of issue #3.
"""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from detection import classifier
from detection.evaluation import evaluate_conversations, evaluate_pairs, load_dataset
from memory.embeddings import embed_texts

EVAL = Path(__file__).resolve().parents[2] / "detection" / "eval"


@pytest.fixture(scope="module")
def scorer():
    return classifier.get_scorer()


def test_the_trained_pair_classifier_artifact_is_present_and_loadable():
    model = classifier.load()
    assert model is not None, "run manage.py train_pair_classifier and commit the artifact"
    assert model.training_rows > 0 and "cv_precision" in model.metrics


#: Measured on the test split (see module docstring), rounded down: regression floors, not the goal.
PAIRS_RECALL_FLOOR = 0.75
CONVERSATIONS_RECALL_FLOOR = 0.75
FPR_BAR = 0.05  # issue #3 / seed 000: fewer than 5% false positives


def test_test_split_pairs_keep_fpr_within_5_percent_and_recall_at_the_measured_floor(scorer):
    pairs, _ = load_dataset(EVAL / "pairs_test.jsonl")
    report = evaluate_pairs(pairs, embed=embed_texts, scorer=scorer[0], threshold=scorer[1])
    assert report["n"] >= 250
    assert report["recall"] >= PAIRS_RECALL_FLOOR, {k: report[k] for k in ("recall", "tp", "fn")}
    assert report["false_positive_rate"] <= FPR_BAR, {k: report[k] for k in ("false_positive_rate", "fp", "tn")}


def test_test_split_conversations_keep_fpr_within_5_percent_and_recall_at_the_measured_floor(scorer):
    _, conversations = load_dataset(EVAL / "conversations_test.jsonl")
    report = evaluate_conversations(conversations, embed=embed_texts, scorer=scorer[0], threshold=scorer[1])
    assert len(conversations) >= 8
    assert report["recall"] >= CONVERSATIONS_RECALL_FLOOR, {k: report[k] for k in ("recall", "tp", "fn")}
    assert report["false_positive_rate"] <= FPR_BAR, {k: report[k] for k in ("false_positive_rate", "fp", "tn")}


@pytest.mark.django_db
def test_evaluate_detection_command_prints_and_writes_a_report(tmp_path, capsys):
    out = tmp_path / "report.json"
    call_command("evaluate_detection", str(EVAL / "conversations_test.jsonl"), "--json", str(out))
    printed = capsys.readouterr().out
    assert "precision" in printed and "false-positive rate" in printed
    report = json.loads(out.read_text())
    assert report["conversations"]["n"] > 0
