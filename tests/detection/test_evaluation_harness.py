"""The evaluation harness's parsing and arithmetic (pure, no servers)."""

import json

import pytest

from detection.evaluation import (
    Conversation,
    DatasetError,
    LabeledPair,
    evaluate_conversations,
    evaluate_pairs,
    format_report,
    load_dataset,
    score_predictions,
)


def write(tmp_path, rows):
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def test_both_formats_are_read_from_one_file(tmp_path):
    path = write(tmp_path, [
        {"premise": "I work at A.", "hypothesis": "I work at B.", "label": "contradiction", "category": "employer"},
        {"id": "c1", "turns": [{"text": "I live in Oslo.", "expect_contradiction": False}]},
    ])
    pairs, conversations = load_dataset(path)
    assert pairs == [LabeledPair("I work at A.", "I work at B.", "contradiction", "employer")]
    assert conversations == [Conversation("c1", (("I live in Oslo.", False),))]


@pytest.mark.parametrize("line,message", [
    ("{not json", "line 1: not JSON"),
    ('{"premise": "a", "hypothesis": "b", "label": "maybe"}', "label must be one of"),
    ('{"premise": "a", "label": "neutral"}', "needs string"),
    ('{"id": "x", "turns": [{"text": "a"}]}', "'turns' must be"),
    ("[1, 2]", "expected a JSON object"),
])
def test_bad_lines_are_reported_with_their_line_number(tmp_path, line, message):
    with pytest.raises(DatasetError, match=message):
        load_dataset(write(tmp_path, [line]))


def test_score_predictions_counts_and_rates():
    report = score_predictions([True, True, False, False, False], [True, False, True, False, False])
    assert (report["tp"], report["fn"], report["fp"], report["tn"]) == (1, 1, 1, 2)
    assert report["precision"] == 0.5 and report["recall"] == 0.5
    assert report["false_positive_rate"] == pytest.approx(1 / 3, abs=1e-4)


def test_pairs_report_has_per_category_figures_and_latency():
    pairs = [
        LabeledPair("I work at Microsoft.", "I work at Amazon.", "contradiction", "employer"),
        LabeledPair("I live in Oslo.", "I live in Oslo.", "entailment", "paraphrase_repeat"),
    ]
    report = evaluate_pairs(pairs, embed=None)
    assert report["tp"] == 1 and report["tn"] == 1
    assert set(report["categories"]) == {"employer", "paraphrase_repeat"}
    assert report["latency"]["p95_ms"] >= 0
    assert "employer" in format_report(report)


def test_conversation_turns_are_checked_against_their_own_history():
    conversation = Conversation("c", (("My name is Ann.", False), ("What is my name?", False),
                                      ("My name is Beth.", True), ("My name is Beth.", False)))
    report = evaluate_conversations([conversation], embed=None)
    assert [row["predicted"] for row in report["rows"]] == [False, False, True, False]
