"""Fact extraction: subject, modality, polarity, corrections and the new slots (pure Python)."""

from __future__ import annotations

import pytest

from detection.engine import analyze, extract_facts
from detection.engine.extraction import Elided, resolve_elided
from detection.engine.patterns import domain_key


def facts_of(text: str) -> set[tuple[str, str, bool]]:
    """(slot, normalized, negated) of the user's current facts."""
    return {(f.slot, f.normalized, f.negated) for f in extract_facts(text)}


def keyed(text: str) -> set[tuple[str, str, str, bool]]:
    """(slot, qualifier, normalized, negated) of the user's current facts."""
    return {(f.slot, f.qualifier, f.normalized, f.negated) for f in extract_facts(text)}


# --- subject attribution -------------------------------------------------------------------

@pytest.mark.parametrize("text, subject, slot, normalized", [
    ("My friend Sarah works at Google.", "sarah", "employer", "google"),
    ("My boss lives in Austin.", "boss", "location", "austin"),
    ("My sister is 30.", "sister", "age", "30"),
    ("My brother is a dentist in Toronto.", "brother", "job_title", "dentist"),
])
def test_third_party_statements_are_facts_about_that_person_not_the_user(text, subject, slot, normalized):
    assert not any(f.slot == slot for f in extract_facts(text))
    others = [(f.subject, f.slot, f.normalized) for f in analyze(text).facts if f.subject != "user"]
    assert (subject, slot, normalized) in others


def test_we_statements_are_the_users_household():
    assert ("location", "minneapolis", False) in facts_of("We moved to Minneapolis in the spring.")
    assert ("child_count", "3", False) in facts_of("We have three kids.")


# --- modality --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "I might move to Seattle.", "I'm thinking about quitting.", "If I worked at Google, I'd be rich.",
    "I'd love to live in Barcelona someday.", "I'm considering buying a Tesla.", "I plan to go to medical school.",
    "We're hoping to have a baby next year.", "I've applied for a job at Netflix.",
])
def test_plans_wishes_and_hypotheticals_are_not_current_facts(text):
    assert extract_facts(text) == []


def test_hypothetical_facts_are_kept_in_the_analysis_with_their_modality():
    facts = analyze("If I lived in Paris, I'd be happy.").facts
    assert [(f.slot, f.normalized, f.modality) for f in facts] == [("location", "paris", "hypothetical")]


def test_discourse_if_does_not_make_the_main_clause_hypothetical():
    assert ("employer", "oracle", True) in facts_of("If you're wondering, I left Oracle in March.")


# --- negation, denial, double negatives ---------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("It's not that I don't work at Google.", ("employer", "google", False)),
    ("It isn't true that I don't live in Seattle.", ("location", "seattle", False)),
    ("I can't say I don't like sushi.", ("preference", "sushi", False)),
    ("I'm not unmarried.", ("spouse", "+", False)),
    ("It's not that I can't speak French.", ("language", "french", False)),
])
def test_double_negatives_resolve_to_the_affirmative(text, expected):
    assert expected in facts_of(text)


@pytest.mark.parametrize("text, expected", [
    ("I never said I had a PhD.", ("education", "phd", True)),
    ("I never claimed to speak Italian.", ("language", "italian", True)),
    ("I never said I worked at Google.", ("employer", "google", True)),
])
def test_denying_having_said_something_negates_it(text, expected):
    assert expected in facts_of(text)


def test_never_marks_a_denial_for_all_time():
    (fact,) = [f for f in extract_facts("I've never owned a cat.") if f.slot == "pet"]
    assert (fact.normalized, fact.negated, fact.never) == ("cat", True, True)


@pytest.mark.parametrize("text, expected", [
    ("I'm single.", ("spouse", "*", True)),
    ("I don't have any pets.", ("pet", "*", True)),
    ("I'm unemployed right now.", ("employer", "*", True)),
    ("I don't take any medication.", ("health", "*", True)),
])
def test_denials_of_every_value_use_the_wildcard(text, expected):
    assert expected in facts_of(text)


# --- corrections ---------------------------------------------------------------------------

def test_not_x_but_y_affirms_y_and_denies_x():
    assert facts_of("I live not in Seattle but in Portland.") == {("location", "portland", False),
                                                                  ("location", "seattle", True)}


def test_y_comma_not_x_denies_x():
    assert ("job_title", "data scientist", True) in facts_of("I'm a data engineer, not a data scientist.")


def test_later_value_in_the_same_statement_supersedes_the_earlier():
    assert facts_of("I'm 32. Sorry, 33.") == {("age", "33", False)}
    assert facts_of("I'm 28; no wait, I'm 29, ignore that.") == {("age", "29", False)}


def test_elliptical_correction_without_a_slot_is_left_for_the_thread():
    analysis = analyze("Wait, I meant Fort Collins, not Boulder.")
    assert analysis.facts == ()
    assert analysis.elided == (Elided("Fort Collins", "Boulder", "Wait, I meant Fort Collins, not Boulder."),)


def test_elided_value_resolves_to_the_slot_of_the_replaced_value():
    previous = tuple(extract_facts("I work at Google and I live in Boulder."))
    resolved = resolve_elided(Elided("Fort Collins", "Boulder", "x"), previous)
    assert [(f.slot, f.normalized, f.negated) for f in resolved] == [
        ("location", "fort collins", False), ("location", "boulder", True)]


def test_elided_number_resolves_to_a_numeric_slot():
    previous = tuple(extract_facts("I live in Boulder and I'm 32."))
    (fact,) = resolve_elided(Elided("33", "", "Sorry, 33."), previous)
    assert (fact.slot, fact.normalized) == ("age", "33")


def test_elided_value_with_nothing_to_correct_resolves_to_nothing():
    assert resolve_elided(Elided("33", "", "Sorry, 33."), ()) == []


# --- temporal language ---------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("I used to work at IBM.", ("employer", "ibm", True)),
    ("I left Deloitte two weeks ago.", ("employer", "deloitte", True)),
    ("I used to live in Boston.", ("location", "boston", True)),
    ("I've lived in Denver since last month.", ("location", "denver", False)),
    ("I got promoted to senior manager.", ("job_title", "senior manager", False)),
    ("My last day at Airbnb was Friday.", ("employer", "airbnb", True)),
])
def test_temporal_language_gives_current_or_former_values(text, expected):
    assert expected in facts_of(text)


def test_left_and_joined_in_one_sentence_gives_both_facts():
    assert facts_of("I left Netflix in the spring and joined Spotify.") >= {
        ("employer", "netflix", True), ("employer", "spotify", False)}


# --- slots added in rules-2 ------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("I have a PhD in machine learning from Stanford.", {("education", "degree", "phd", False),
                                                          ("education", "field", "machine learning", False),
                                                          ("education", "school phd", "stanford", False)}),
    ("I studied chemistry at Purdue.", {("education", "field", "chemistry", False),
                                        ("education", "school", "purdue", False)}),
    ("I have two kids, Cian and Niamh.", {("child", "", "+", False), ("child_count", "", "2", False),
                                          ("child", "", "cian", False), ("child", "", "niamh", False)}),
    ("I'm childless.", {("child", "", "*", True), ("child_count", "", "0", False)}),
    ("I'm vegan.", {("diet", "style", "vegan", False)}),
    ("I had salmon for dinner.", {("diet", "eats", "fish", False)}),
    ("I'm allergic to penicillin.", {("health", "allergy", "penicillin", False)}),
    ("I have type 1 diabetes.", {("health", "condition", "diabetes", False)}),
    ("I quit smoking two years ago.", {("health", "smoking", "smoker", True)}),
    ("I drive a red Honda Civic.", {("vehicle", "car", "honda civic", False), ("vehicle", "color car", "red", False)}),
    ("I have 10 years of experience in software.", {("experience", domain_key("software"), "10", False)}),
    ("My favorite color is blue.", {("other", "favorite color", "blue", False)}),
    ("I'm a night owl.", {("other", "chronotype", "night", False)}),
    ("I'm from Denver.", {("hometown", "", "denver", False)}),
    ("I'm based in the Mountain View office.", {("location", "office", "mountain view", False)}),
    ("I play the guitar.", {("activity", "instrument", "guitar", False)}),
])
def test_typed_slots_with_qualifiers(text, expected):
    assert keyed(text) == expected


def test_hedged_numbers_are_marked():
    (fact,) = extract_facts("I have about 10 years of experience.")
    assert fact.hedged
    (fact,) = extract_facts("I have 10 years of experience.")
    assert not fact.hedged


def test_only_marks_an_exclusive_value():
    (fact,) = extract_facts("I only speak Spanish.")
    assert (fact.slot, fact.normalized, fact.exclusive) == ("language", "spanish", True)


def test_extraction_is_cached_per_text():
    assert analyze("I work at Google.") is analyze("I work at Google.")
