"""Unit tests for the contradiction decision's core behaviour (pure Python, no database)."""

from __future__ import annotations

import math

import pytest

from detection.engine import DETECTOR_VERSION, Finding, Statement, detect, extract_facts


def stmt(memory_id: str, text: str, timestamp: float, embedding: tuple[float, ...] | None = None) -> Statement:
    return Statement(memory_id=memory_id, text=text, timestamp=timestamp, facts=tuple(extract_facts(text)),
                     embedding=embedding)


def run(*texts: str) -> list[Finding]:
    """Detect for the last text against all previous ones (ids m0, m1, ...; timestamps 0, 1, ...)."""
    statements = [stmt(f"m{i}", text, float(i)) for i, text in enumerate(texts)]
    return detect(statements[-1], statements[:-1])


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


def test_detector_version():
    assert DETECTOR_VERSION == "rules-3"


def test_employer_change_is_conflict():
    finding = only(run("I work at Microsoft", "I work at Amazon"))
    assert (finding.slot, finding.old_value, finding.new_value) == ("employer", "Microsoft", "Amazon")
    assert (finding.old_memory_id, finding.new_memory_id) == ("m0", "m1")
    assert finding.contradiction_type == "CONFLICT"
    assert finding.rule == "slot_value_change"
    assert finding.summary == "employer: Microsoft → Amazon"
    assert 0 < finding.confidence <= 1


@pytest.mark.parametrize("text", ["I work at Amazon now", "I just started at Amazon", "I joined Amazon last week"])
def test_employer_change_with_time_marker_is_temporal(text):
    assert only(run("I work at Microsoft", text)).contradiction_type == "TEMPORAL"


@pytest.mark.parametrize("text", ["Actually, I work at Amazon", "Sorry, I meant I work at Amazon",
                                  "Correction: I work at Amazon"])
def test_employer_change_with_correction_marker_is_revision(text):
    assert only(run("I work at Microsoft", text)).contradiction_type == "REVISION"


def test_identical_repeat_is_not_flagged():
    assert run("I work at Microsoft", "I work at Microsoft") == []
    assert run("I work at Microsoft", "I work at Microsoft Corp.") == []


def test_denial_of_current_employer():
    finding = only(run("I work at Microsoft", "I don't work at Microsoft anymore"))
    assert (finding.contradiction_type, finding.rule, finding.slot) == ("DENIAL", "slot_denial", "employer")
    assert finding.old_value == "Microsoft"
    assert finding.summary == "denied employer Microsoft"


def test_denial_of_a_no_longer_current_value_is_not_flagged():
    assert run("I work at Microsoft", "I work at Amazon now", "I don't work at Microsoft anymore") == []


def test_denial_of_unknown_value_is_not_flagged():
    assert run("I work at Microsoft", "I don't work at Google") == []


def test_second_pet_is_not_a_conflict():
    assert run("I have a dog", "I have a cat") == []


def test_second_language_is_not_a_conflict():
    assert run("I speak Spanish", "I speak French") == []


def test_pet_denial():
    finding = only(run("I have a dog named Rex", "I don't have a dog anymore"))
    assert (finding.slot, finding.contradiction_type) == ("pet", "DENIAL")


def test_no_pets_denies_each_held_pet_once_per_statement():
    findings = run("I have a dog and a cat", "I have a parrot", "I don't have any pets")
    assert sorted((f.old_memory_id, f.slot) for f in findings) == [("m0", "pet"), ("m1", "pet")]


def test_friends_employer_is_not_a_conflict():
    assert run("I work at Microsoft", "My friend Sarah works at Google") == []


def test_hypothetical_move_is_not_a_conflict():
    assert run("I live in Seattle", "I might move to Denver") == []
    assert run("I live in Seattle", "I'm thinking about moving to Denver") == []


def test_revert_flags_against_the_intermediate_value():
    finding = only(run("I work at Microsoft", "I work at Amazon", "I work at Microsoft"))
    assert (finding.old_memory_id, finding.old_value, finding.new_value) == ("m1", "Amazon", "Microsoft")


def test_age_change_is_flagged():
    finding = only(run("I'm 32", "I'm 34"))
    assert (finding.slot, finding.old_value, finding.new_value) == ("age", "32", "34")


def test_same_age_in_words_is_not_flagged():
    assert run("I'm 34", "I am thirty-four years old") == []


def test_name_change_is_flagged():
    finding = only(run("My name is Sarah", "Call me Jane"))
    assert (finding.slot, finding.old_value, finding.new_value) == ("name", "Sarah", "Jane")


def test_full_name_extending_first_name_is_recorded_as_refinement_not_contradiction():
    finding = only(run("My name is Sarah", "My name is Sarah Chen"))
    assert (finding.contradiction_type, finding.is_contradiction, finding.severity) == ("REFINEMENT", False, "LOW")


def test_spouse_change_is_flagged():
    finding = only(run("My wife is Anna", "I'm married to Beth"))
    assert (finding.slot, finding.old_value, finding.new_value) == ("spouse", "Anna", "Beth")


def test_city_change_is_flagged():
    finding = only(run("I live in Seattle", "I moved to Denver"))
    assert (finding.slot, finding.contradiction_type) == ("location", "TEMPORAL")


def test_city_synonym_is_not_flagged():
    assert run("I live in NYC", "I live in New York City") == []


def test_preference_negation_is_flagged_as_denial():
    finding = only(run("I love sushi", "I don't love sushi"))
    assert (finding.slot, finding.rule, finding.contradiction_type) == ("preference", "preference_flip", "DENIAL")


def test_preference_like_to_hate_is_conflict_in_both_directions():
    assert only(run("I love sushi", "I hate sushi")).contradiction_type == "CONFLICT"
    assert only(run("I hate sushi", "I love sushi")).contradiction_type == "CONFLICT"


def test_preference_for_different_objects_is_not_flagged():
    assert run("I love sushi", "I hate pizza") == []


def test_generic_statement_negation():
    finding = only(run("The meeting is on Monday", "The meeting is not on Monday"))
    assert (finding.slot, finding.rule, finding.contradiction_type) == ("statement", "statement_negation", "DENIAL")
    assert finding.old_value == "The meeting is on Monday"


def test_generic_negation_needs_two_content_words():
    assert run("I'm tired", "I'm not tired") == []


def test_generic_negation_does_not_double_report_a_slot_pair():
    findings = run("I work at Microsoft", "I don't work at Microsoft")
    assert [f.rule for f in findings] == ["slot_denial"]


def test_repeated_generic_negation_is_not_flagged_twice():
    assert run("The meeting is on Monday", "The meeting is not on Monday", "The meeting is not on Monday") == []


def test_question_is_never_a_contradiction():
    assert run("I work at Microsoft", "Do I work at Amazon?") == []
    assert run("The meeting is on Monday", "Is the meeting not on Monday?") == []


def test_used_to_and_now_in_one_statement_gives_one_finding():
    finding = only(run("I work at Microsoft", "I used to work at Microsoft but now I work at Amazon"))
    assert (finding.rule, finding.new_value, finding.contradiction_type) == ("slot_value_change", "Amazon", "TEMPORAL")


def test_earlier_statements_are_ordered_by_timestamp():
    newer = stmt("b", "I work at Amazon", 20.0)
    older = stmt("a", "I work at Microsoft", 10.0)
    new = stmt("c", "I work at Google", 30.0)
    assert only(detect(new, [newer, older])).old_memory_id == "b"


def test_new_statement_in_earlier_list_is_ignored():
    new = stmt("x", "I work at Amazon", 5.0)
    assert detect(new, [stmt("y", "I work at Amazon", 1.0), new]) == []


def test_drift_computed_from_embeddings():
    old = stmt("a", "I work at Microsoft", 1.0, embedding=(1.0, 0.0))
    new = stmt("b", "I work at Amazon", 2.0, embedding=(0.6, 0.8))
    assert math.isclose(only(detect(new, [old])).drift, 0.4)


def test_drift_is_none_without_both_embeddings():
    old = stmt("a", "I work at Microsoft", 1.0, embedding=None)
    new = stmt("b", "I work at Amazon", 2.0, embedding=(0.6, 0.8))
    assert only(detect(new, [old])).drift is None


def test_identical_embeddings_give_zero_drift():
    old = stmt("a", "I work at Microsoft", 1.0, embedding=(0.0, 1.0))
    new = stmt("b", "I work at Amazon", 2.0, embedding=(0.0, 1.0))
    assert only(detect(new, [old])).drift == 0.0


def test_mismatched_embedding_dimensions_raise():
    old = stmt("a", "I work at Microsoft", 1.0, embedding=(1.0, 0.0, 0.0))
    new = stmt("b", "I work at Amazon", 2.0, embedding=(1.0, 0.0))
    with pytest.raises(ValueError):
        detect(new, [old])


def test_at_most_one_finding_per_old_memory_and_slot():
    findings = run("I work at Microsoft and I live in Seattle", "I work at Amazon and I live in Denver")
    assert sorted(f.slot for f in findings) == ["employer", "location"]
    assert len({(f.old_memory_id, f.slot) for f in findings}) == len(findings)


def test_no_earlier_statements_gives_nothing():
    assert run("I work at Microsoft") == []
