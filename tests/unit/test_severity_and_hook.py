"""Severity rule, the learned pair-classifier hook and per-statement flags (pure Python)."""

from __future__ import annotations

import pytest

from detection.engine import Statement, detect, extract_facts, pair_decided_by_rules, severity, statement_flags


def stmt(memory_id: str, text: str, timestamp: float) -> Statement:
    return Statement(memory_id=memory_id, text=text, timestamp=timestamp, facts=tuple(extract_facts(text)))


# --- severity ------------------------------------------------------------------------------

@pytest.mark.parametrize("slot, kind, expected", [
    ("health", "CONFLICT", "CRITICAL"), ("health", "DENIAL", "CRITICAL"), ("health", "TEMPORAL", "HIGH"),
    ("name", "CONFLICT", "HIGH"), ("spouse", "DENIAL", "HIGH"), ("age", "REVISION", "MEDIUM"),
    ("employer", "CONFLICT", "MEDIUM"), ("location", "TEMPORAL", "MEDIUM"),
    ("preference", "CONFLICT", "LOW"), ("other", "DENIAL", "LOW"),
    ("employer", "REFINEMENT", "LOW"), ("statement", "CONFLICT", "MEDIUM"),
])
def test_severity_follows_the_slot_tier_and_the_change_type(slot, kind, expected):
    assert severity(slot, kind) == expected


def test_third_party_severity_is_one_level_lower_but_not_below_low():
    assert severity("name", "CONFLICT", third_party=True) == "MEDIUM"
    assert severity("preference", "CONFLICT", third_party=True) == "LOW"


def test_unknown_type_is_rejected():
    with pytest.raises(ValueError):
        severity("employer", "MAYBE")


# --- pair classifier hook ------------------------------------------------------------------

class RecordingScorer:
    """A scorer that returns a fixed probability and records which pairs it saw."""

    def __init__(self, probability: float) -> None:
        self.probability = probability
        self.pairs: list[tuple[str, str]] = []

    def __call__(self, old: Statement, new: Statement) -> float:
        self.pairs.append((old.memory_id, new.memory_id))
        return self.probability


def test_scorer_sees_only_pairs_no_rule_decided():
    earlier = [stmt("slot", "I work at Microsoft.", 0), stmt("question", "Where do I work?", 1),
               stmt("free", "I'm training for a half marathon.", 2)]
    new = stmt("new", "I haven't run in years because of my knee.", 3)
    scorer = RecordingScorer(0.2)
    assert detect(new, earlier, pair_scorer=scorer) == []
    assert scorer.pairs == [("slot", "new"), ("free", "new")]


def test_scorer_is_not_asked_about_a_pair_sharing_a_slot():
    scorer = RecordingScorer(0.99)
    findings = detect(stmt("b", "I work at Amazon now.", 1), [stmt("a", "I work at Microsoft.", 0)], pair_scorer=scorer)
    assert scorer.pairs == []
    assert [f.rule for f in findings] == ["slot_value_change"]


def test_score_at_or_above_threshold_gives_a_pair_classifier_conflict():
    new = stmt("new", "I'm always in bed by 8 pm and up at 4.", 1)
    (finding,) = detect(new, [stmt("old", "I'm a night person who stays up late.", 0)],
                        pair_scorer=RecordingScorer(0.7), pair_threshold=0.7)
    assert (finding.slot, finding.rule, finding.contradiction_type) == ("statement", "pair_classifier", "CONFLICT")
    assert (finding.confidence, finding.severity, finding.old_memory_id) == (0.7, "MEDIUM", "old")


def test_score_below_threshold_gives_nothing():
    new = stmt("new", "I'm always in bed by 8 pm and up at 4.", 1)
    assert detect(new, [stmt("old", "I love late-night jazz clubs.", 0)], pair_scorer=RecordingScorer(0.69),
                  pair_threshold=0.7) == []


def test_questions_and_statements_of_only_hypothetical_facts_are_never_scored():
    scorer = RecordingScorer(0.99)
    assert detect(stmt("q", "Where do I live?", 1), [stmt("a", "I love jazz.", 0)], pair_scorer=scorer) == []
    assert detect(stmt("h", "If I lived in Paris, I'd be happy.", 1), [stmt("a", "I love jazz.", 0)],
                  pair_scorer=scorer) == []
    assert scorer.pairs == []


@pytest.mark.parametrize("old, new, decided", [
    ("I work at Microsoft.", "I work at Amazon.", True),          # shared slot
    ("I work at Microsoft.", "I love jazz.", False),              # nothing in common
    ("Where do I work?", "I love jazz.", True),                   # question
    ("I love jazz.", "My friend Sarah works at Google.", True),   # only a third party's fact
    ("The meeting is on Monday.", "The meeting is not on Monday.", True),  # generic negation rule fired
])
def test_pair_decided_by_rules(old, new, decided):
    assert pair_decided_by_rules(stmt("a", old, 0), stmt("b", new, 1)) is decided


# --- statement flags -----------------------------------------------------------------------

def test_flags_have_the_documented_keys_and_types():
    flags = statement_flags("I have about 10 years of experience.")
    assert set(flags) == {"negated", "hypothetical", "third_party", "hedged", "numbers"}
    assert flags["hedged"] is True and flags["numbers"] == [10.0]


@pytest.mark.parametrize("text, key, value", [
    ("I don't work at Google anymore.", "negated", True),
    ("It's not that I don't work at Google.", "negated", False),
    ("I might move to Seattle.", "hypothetical", True),
    ("I live in Seattle.", "hypothetical", False),
    ("My boss lives in Austin.", "third_party", True),
    ("I live in Austin.", "third_party", False),
    ("I'm thirty-four.", "numbers", [34.0]),
])
def test_flag_values(text, key, value):
    assert statement_flags(text)[key] == value
