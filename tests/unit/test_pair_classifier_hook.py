"""The engine's pair-classifier hook (detection.engine.detect with a scorer): which pairs are
scored, in what batch, and what a finding says. Pure: a stand-in scorer, no model, no servers."""

from __future__ import annotations

from detection.engine import Statement, detect, extract_facts, pair_decided_by_rules
from detection.engine.rules import PAIR_SHORTLIST


def stmt(memory_id: str, text: str, timestamp: float, embedding=None) -> Statement:
    return Statement(memory_id=memory_id, text=text, timestamp=timestamp, facts=tuple(extract_facts(text)),
                     embedding=embedding)


class RecordingScorer:
    """Returns a fixed probability and records how it was called."""

    version = "pair-clf-test"

    def __init__(self, probability: float = 0.95):
        self.probability = probability
        self.batches: list[list[str]] = []
        self.shortlisted: list[int] = []

    def __call__(self, old, new):  # pragma: no cover - score_many is preferred
        raise AssertionError("score_many should be used")

    def score_many(self, new, earlier):
        self.batches.append([s.memory_id for s in earlier])
        return [self.probability] * len(earlier)

    def shortlist(self, new, earlier, k):
        self.shortlisted.append(len(earlier))
        return list(earlier)[-k:]


def test_undecided_pairs_are_scored_in_one_batch_and_a_finding_names_the_model():
    scorer = RecordingScorer(0.93)
    earlier = [stmt("m0", "I've never been on a plane.", 0.0), stmt("m1", "The garden looks lovely.", 1.0)]
    findings = detect(stmt("m2", "The flight to Lima took eleven hours.", 2.0), earlier,
                      pair_scorer=scorer, pair_threshold=0.75)
    assert scorer.batches == [["m0", "m1"]]
    assert {f.old_memory_id for f in findings} == {"m0", "m1"}
    finding = findings[0]
    assert (finding.rule, finding.contradiction_type, finding.slot) == ("pair_classifier", "CONFLICT", "statement")
    assert finding.confidence == 0.93 and "pair-clf-test" in finding.summary and "p=0.93" in finding.summary


def test_a_probability_below_the_threshold_gives_no_finding():
    scorer = RecordingScorer(0.74)
    findings = detect(stmt("m1", "The flight to Lima took eleven hours.", 1.0),
                      [stmt("m0", "I've never been on a plane.", 0.0)], pair_scorer=scorer, pair_threshold=0.75)
    assert findings == [] and scorer.batches == [["m0"]]


def test_pairs_the_rules_decide_are_never_scored():
    scorer = RecordingScorer()
    findings = detect(stmt("m1", "I work at Amazon now.", 1.0), [stmt("m0", "I work at Microsoft.", 0.0)],
                      pair_scorer=scorer, pair_threshold=0.5)
    assert [f.rule for f in findings] == ["slot_value_change"] and scorer.batches == []


def test_a_new_statement_about_somebody_else_or_hypothetical_is_never_scored():
    earlier = [stmt("m0", "I adore opera.", 0.0)]
    for text in ("My wife can't stand opera.", "My brother-in-law hates opera.", "I might give up opera one day."):
        scorer = RecordingScorer()
        assert detect(stmt("m1", text, 1.0), earlier, pair_scorer=scorer, pair_threshold=0.5) == []
        assert scorer.batches == [], text
        assert pair_decided_by_rules(earlier[0], stmt("m1", text, 1.0)), text


def test_an_earlier_statement_about_somebody_else_is_not_scored_but_an_earlier_stance_is():
    scorer = RecordingScorer()
    earlier = [stmt("m0", "My husband eats steak every night.", 0.0), stmt("m1", "I'd never move to Texas.", 1.0)]
    detect(stmt("m2", "Moving to Austin was the best thing I did.", 2.0), earlier, pair_scorer=scorer,
           pair_threshold=0.5)
    assert scorer.batches == [["m1"]]


def test_a_pet_is_the_users_own_fact_not_somebody_else():
    scorer = RecordingScorer()
    detect(stmt("m1", "My dog sleeps all day.", 1.0), [stmt("m0", "I've never had a pet.", 0.0)],
           pair_scorer=scorer, pair_threshold=0.5)
    assert scorer.batches == [["m0"]]


def test_long_threads_are_shortlisted_before_scoring():
    scorer = RecordingScorer(0.1)
    earlier = [stmt(f"m{i}", f"The garden had {i} roses in bloom.", float(i)) for i in range(PAIR_SHORTLIST + 15)]
    detect(stmt("new", "The concert was loud.", 1000.0), earlier, pair_scorer=scorer, pair_threshold=0.5)
    assert scorer.shortlisted == [PAIR_SHORTLIST + 15]
    assert len(scorer.batches) == 1 and len(scorer.batches[0]) == PAIR_SHORTLIST


def test_a_plain_callable_scorer_still_works_pair_by_pair():
    calls = []

    def scorer(old, new):
        calls.append(old.memory_id)
        return 0.9

    findings = detect(stmt("m1", "The flight to Lima took eleven hours.", 1.0),
                      [stmt("m0", "I've never been on a plane.", 0.0)], pair_scorer=scorer, pair_threshold=0.5)
    assert calls == ["m0"] and findings[0].summary.startswith("pair classifier:")
