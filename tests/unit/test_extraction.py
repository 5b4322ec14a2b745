"""Unit tests for the baseline fact extractor (pure Python, no database)."""

from __future__ import annotations

import pytest

from detection.engine import (
    EXTRACTOR_VERSION,
    MULTI_VALUED_SLOTS,
    SINGLE_VALUED_SLOTS,
    ExtractedFact,
    extract_facts,
    is_question,
    question_slots,
)
from detection.engine.extraction import normalize_value, parse_number


def facts_of(text: str) -> set[tuple[str, str, bool]]:
    """(slot, normalized, negated) triples extracted from text."""
    return {(f.slot, f.normalized, f.negated) for f in extract_facts(text)}


def test_constants_are_the_documented_slots():
    assert SINGLE_VALUED_SLOTS == {"name", "age", "employer", "job_title", "location", "hometown", "spouse",
                                   "child_count", "vehicle"}
    assert MULTI_VALUED_SLOTS == {"pet", "language", "preference", "child", "education", "diet", "health",
                                  "experience", "activity", "other"}
    assert EXTRACTOR_VERSION == "rules-3"


def test_unknown_slot_is_rejected():
    with pytest.raises(ValueError):
        ExtractedFact(slot="shoe_size", value="42", normalized="42")


@pytest.mark.parametrize("text, expected", [
    ("My name is Sarah Chen", ("name", "sarah chen", False)),
    ("Hi, I'm Sarah.", ("name", "sarah", False)),
    ("Call me Sam", ("name", "sam", False)),
    ("my name is sarah", ("name", "sarah", False)),
])
def test_name_patterns(text, expected):
    assert facts_of(text) == {expected}


@pytest.mark.parametrize("text", ["I'm tired", "I'm Canadian", "I'm Happy today", "I'm Sarah's mom", "I'm in Seattle"])
def test_im_followed_by_non_name_is_not_a_name(text):
    assert not any(f.slot == "name" for f in extract_facts(text))


@pytest.mark.parametrize("text", [
    "I am 34", "I'm 34 years old", "I'm thirty-four", "I'm thirty four.", "my age is 34", "I'm 34 now",
])
def test_age_patterns_and_number_words(text):
    assert facts_of(text) == {("age", "34", False)}


def test_just_turned_gives_age():
    assert facts_of("I just turned 35") == {("age", "35", False)}


def test_number_that_is_not_an_age_is_ignored():
    assert facts_of("I'm 5 minutes late") == set()
    assert facts_of("I'm one of the founders") == set()


@pytest.mark.parametrize("text", [
    "I work at Microsoft", "I work for Microsoft Corp.", "I'm employed by Microsoft", "I joined Microsoft last month",
    "I just started at Microsoft", "I'm now working at Microsoft", "my employer is Microsoft Inc",
])
def test_employer_patterns_and_suffix_normalization(text):
    assert facts_of(text) == {("employer", "microsoft", False)}


def test_employer_with_job_title_in_one_sentence():
    facts = extract_facts("I work at Google as a data scientist")
    assert [(f.slot, f.value) for f in facts] == [("employer", "Google"), ("job_title", "data scientist")]


def test_job_title_with_employer_after_at():
    assert facts_of("I'm a software developer at Microsoft Corp.") == {
        ("job_title", "software engineer", False), ("employer", "microsoft", False)}


@pytest.mark.parametrize("text, normalized", [
    ("I'm a software engineer", "software engineer"),
    ("I work as a nurse", "nurse"),
    ("my job title is Staff Engineer", "staff engineer"),
    ("I was promoted to senior engineer", "senior engineer"),
    ("I'm a SWE", "software engineer"),
])
def test_job_title_patterns(text, normalized):
    assert facts_of(text) == {("job_title", normalized, False)}


@pytest.mark.parametrize("text", ["I'm a big fan of jazz", "I'm a morning person", "I'm a bit tired"])
def test_im_a_without_job_word_is_not_a_job(text):
    assert not any(f.slot == "job_title" for f in extract_facts(text))


@pytest.mark.parametrize("text, normalized", [
    ("I live in Seattle", "seattle"),
    ("I moved to Denver", "denver"),
    ("I'm based in Austin", "austin"),
    ("Home is Boston", "boston"),
    ("I live in NYC now", "new york"),
    ("I moved to New York City last year", "new york"),
    ("I live in SF", "san francisco"),
    ("I moved to St. Louis", "st louis"),
])
def test_location_patterns_and_synonyms(text, normalized):
    assert facts_of(text) == {("location", normalized, False)}


def test_from_is_a_hometown_not_the_current_location():
    assert facts_of("I'm from Denver") == {("hometown", "denver", False)}


def test_moved_from_to_gives_old_location_negated():
    assert facts_of("I moved from Seattle to Denver") == {("location", "denver", False), ("location", "seattle", True)}


@pytest.mark.parametrize("text", [
    "My wife is Anna", "my husband is Anna", "I'm married to Anna", "My partner's name is Anna", "My wife Anna is a nurse",
])
def test_spouse_patterns(text):
    assert facts_of(text) == {("spouse", "anna", False)}


def test_spouse_needs_a_name_not_a_description():
    # "my wife" says a spouse exists ("+"), but "a doctor" is not her name (and her job is hers).
    assert facts_of("My wife is a doctor") == {("spouse", "+", False)}


def test_pet_named_gives_species():
    facts = extract_facts("I have a dog named Rex")
    assert [(f.slot, f.value, f.normalized) for f in facts] == [("pet", "dog", "dog")]
    assert "Rex" in facts[0].span


def test_pets_counted_and_listed():
    # the species is a pet value; an explicit number is also kept as a count ("other", "count cat")
    assert facts_of("I have two cats") == {("pet", "cat", False), ("other", "2", False)}
    assert facts_of("I have a dog and a cat") == {("pet", "dog", False), ("pet", "cat", False)}


def test_not_pets():
    assert not any(f.slot == "pet" for f in extract_facts("I have a cat allergy"))
    assert facts_of("I have a meeting at 5") == set()


def test_languages():
    assert facts_of("I speak Spanish") == {("language", "spanish", False)}
    assert facts_of("I speak Spanish, French and German") == {
        ("language", "spanish", False), ("language", "french", False), ("language", "german", False)}
    assert facts_of("I know Python") == set()


@pytest.mark.parametrize("text, negated", [
    ("I love sushi", False), ("I like sushi", False), ("I enjoy sushi", False),
    ("I hate sushi", True), ("I dislike sushi", True), ("I don't like sushi", True), ("I can't stand sushi", True),
])
def test_preference_polarity(text, negated):
    # Liking a food also says the user eats it (a "diet" fact, see test_extraction_semantics).
    assert {f for f in facts_of(text) if f[0] == "preference"} == {("preference", "sushi", negated)}


def test_ambiguous_double_negative_preference_is_skipped():
    assert facts_of("I don't hate sushi") == set()


@pytest.mark.parametrize("text", ["I love you", "I love my wife", "I like working at Google"])
def test_preference_needs_a_real_object(text):
    assert not any(f.slot == "preference" for f in extract_facts(text))


@pytest.mark.parametrize("text, expected", [
    ("I don't work at Microsoft anymore", ("employer", "microsoft", True)),
    ("I no longer work at Microsoft", ("employer", "microsoft", True)),
    ("I quit Microsoft", ("employer", "microsoft", True)),
    ("I left Microsoft last year", ("employer", "microsoft", True)),
    ("I used to work at Microsoft", ("employer", "microsoft", True)),
    ("I do not live in Seattle", ("location", "seattle", True)),
    ("I'm not married to Anna", ("spouse", "anna", True)),
    ("I don't speak Spanish", ("language", "spanish", True)),
    ("I don't have a dog anymore", ("pet", "dog", True)),
])
def test_negations(text, expected):
    assert facts_of(text) == {expected}


def test_dont_work_anymore_keeps_surface_value_and_span():
    (fact,) = extract_facts("I don't work at Microsoft anymore.")
    assert (fact.value, fact.negated) == ("Microsoft", True)
    assert fact.span == "I don't work at Microsoft"


@pytest.mark.parametrize("text, value", [
    ("I work at Google and I live in Seattle", "Google"),
    ("I work at Google, which is great", "Google"),
    ("I work at Google since 2019", "Google"),
    ("I work at Google because I like it", "Google"),
    ("I work at Google these days", "Google"),
    ("I work at Google now", "Google"),
    ("I work at Bank of America", "Bank of America"),
])
def test_values_stop_at_clause_boundaries(text, value):
    employer = [f for f in extract_facts(text) if f.slot == "employer"]
    assert [f.value for f in employer] == [value]


def test_several_clauses_give_several_facts():
    assert facts_of("I'm 34 and I work at Google; I live in Seattle but I'm from Denver.") == {
        ("age", "34", False), ("employer", "google", False), ("location", "seattle", False),
        ("hometown", "denver", False)}


@pytest.mark.parametrize("text", [
    "my friend Sarah works at Google", "my boss lives in Austin", "my sister is 30",
    "My boss said I work too hard", "She told me she lives in Boston", '"I work at Google," she said.',
])
def test_statements_about_other_people_are_not_facts(text):
    # mentioning "my sister" implies only that the user has a sibling (other/siblings), never her facts
    assert [f for f in extract_facts(text) if f.qualifier != "siblings"] == []


@pytest.mark.parametrize("text", [
    "I might move to Seattle", "I'm thinking about quitting", "if I worked at Google",
    "If I live in Paris, I'll be happy",
    "I want to live in Paris", "I'd love to work at Google", "I plan to move to Paris", "I will be 35 next month",
    "I'd like sushi",
])
def test_hypotheticals_and_plans_are_not_facts(text):
    assert extract_facts(text) == []


@pytest.mark.parametrize("text", ["where do I work?", "What's my name", "do I have a dog?", "How old am I"])
def test_questions_are_detected_and_give_no_facts(text):
    assert is_question(text)
    assert extract_facts(text) == []


@pytest.mark.parametrize("text", [
    "I work at Google", "When I moved to Denver, I got a dog", "I work at Google, right?",
    "I moved to Denver. Where do I live now?",
])
def test_statements_are_not_questions(text):
    assert not is_question(text)


@pytest.mark.parametrize("text, slots", [
    ("Where do I work?", ["employer"]),
    ("what's my name?", ["name"]),
    ("how old am I", ["age"]),
    ("where do I live?", ["location"]),
    ("what do I do for a living?", ["job_title"]),
    ("what is my job?", ["job_title"]),
    ("who is my wife?", ["spouse"]),
    ("what pets do I have?", ["pet"]),
    ("what languages do I speak", ["language"]),
    ("where do I live and work?", ["employer", "location"]),
    ("what is the weather like?", []),
    ("I work at Google.", []),
])
def test_question_slots(text, slots):
    assert question_slots(text) == slots


@pytest.mark.parametrize("slot, value, normalized", [
    ("age", "thirty-four", "34"), ("age", "Twenty one", "21"),
    ("employer", "Microsoft Corp.", "microsoft"), ("employer", "The Acme Company, LLC", "acme"),
    ("location", "NYC", "new york"), ("location", "new york city", "new york"), ("location", "SF", "san francisco"),
    ("job_title", "Software Developer", "software engineer"), ("job_title", "senior SWE", "senior software engineer"),
    ("pet", "two puppies", "dog"), ("preference", "the beach", "beach"),
])
def test_normalize_value(slot, value, normalized):
    assert normalize_value(slot, value) == normalized


def test_parse_number():
    assert parse_number("thirty-four") == 34
    assert parse_number("34") == 34
    assert parse_number("nonsense") is None


def test_empty_text_gives_nothing():
    assert extract_facts("") == []
    assert not is_question("")
    assert question_slots("") == []
