"""Value normalisation and value relations (pure Python, no database)."""

from __future__ import annotations

import pytest

from detection.engine import compare as cmp
from detection.engine.normalization import (
    normalize_value,
    number_range,
    numbers_in,
    parse_number,
    place_parents,
)


@pytest.mark.parametrize("text, number", [
    ("thirty-four", 34), ("thirty four", 34), ("nineteen", 19), ("a dozen", 12), ("a decade", 10), ("42", 42),
    ("2.5", 2.5),
])
def test_numbers_in_words_and_digits_parse(text, number):
    assert parse_number(text) == number


def test_non_numbers_do_not_parse():
    assert parse_number("nonsense") is None
    assert parse_number("") is None


def test_numbers_in_text_are_listed_in_order():
    assert numbers_in("I'm thirty-four with 2 kids") == [34.0, 2.0]


@pytest.mark.parametrize("slot, qualifier, value, normalized", [
    ("age", "", "thirty-four", "34"),
    ("age", "", "early thirties", "30-33"),
    ("age", "", "mid-fifties", "53-57"),
    ("employer", "", "Microsoft Corp.", "microsoft"),
    ("employer", "", "The Acme Company, LLC", "acme"),
    ("employer", "", "Facebook", "meta"),
    ("location", "", "NYC", "new york"),
    ("location", "", "New York City", "new york"),
    ("location", "", "SF", "san francisco"),
    ("location", "", "Philly", "philadelphia"),
    ("location", "", "Seattle, WA", "seattle"),
    ("location", "", "Portland, Maine", "portland, maine"),
    ("location", "", "the Bay Area", "bay area"),
    ("job_title", "", "Software Developer", "software engineer"),
    ("job_title", "", "senior SWE", "senior software engineer"),
    ("job_title", "", "RN", "registered nurse"),
    ("pet", "", "two puppies", "dog"),
    ("preference", "", "the beach", "beach"),
    ("education", "degree", "doctorate", "phd"),
    ("education", "degree", "Ph.D.", "phd"),
    ("education", "degree", "MSc", "masters"),
    ("education", "field", "ML", "machine learning"),
    ("education", "field", "CS", "computer science"),
    ("education", "school", "University of Michigan", "michigan"),
    ("vehicle", "car", "a Civic", "honda civic"),
    ("vehicle", "car", "VW Golf", "volkswagen golf"),
    ("language", "", "Mandarin", "chinese"),
])
def test_values_normalize_to_comparison_keys(slot, qualifier, value, normalized):
    assert normalize_value(slot, value, qualifier) == normalized


def test_number_range_reads_points_and_ranges():
    assert number_range("34") == (34.0, 34.0)
    assert number_range("30-39") == (30.0, 39.0)
    assert number_range("seattle") is None


def test_place_parents_are_transitive():
    assert {"silicon valley", "bay area", "california", "usa"} <= place_parents("mountain view")
    assert place_parents("nowhereville") == frozenset()


@pytest.mark.parametrize("slot, old, new, relation", [
    ("location", "bay area", "mountain view", cmp.MORE_SPECIFIC),
    ("location", "brooklyn", "new york", cmp.MORE_GENERAL),
    ("location", "seattle", "portland", cmp.DIFFERENT),
    ("location", "portland", "portland, maine", cmp.DIFFERENT),
    ("name", "alex", "alexandra chen", cmp.MORE_SPECIFIC),
    ("name", "bob", "robert jones", cmp.MORE_SPECIFIC),
    ("name", "wei", "chen wei", cmp.MORE_SPECIFIC),
    ("name", "alex chen", "alexandra wong", cmp.DIFFERENT),
    ("name", "tom", "greg", cmp.DIFFERENT),
    ("employer", "google", "google cloud", cmp.MORE_SPECIFIC),
    ("employer", "ibm", "international business machines", cmp.SAME),
    ("employer", "microsoft", "amazon", cmp.DIFFERENT),
    ("job_title", "engineer", "software engineer", cmp.MORE_SPECIFIC),
    ("job_title", "engineer", "senior engineer", cmp.ROLE_CHANGE),
    ("job_title", "senior data scientist", "data scientist", cmp.MORE_GENERAL),
    ("job_title", "doctor", "surgeon", cmp.MORE_SPECIFIC),
    ("job_title", "nurse", "lawyer", cmp.DIFFERENT),
    ("age", "30-39", "34", cmp.MORE_SPECIFIC),
    ("age", "32", "34", cmp.DIFFERENT),
    ("vehicle", "tesla", "tesla model 3", cmp.MORE_SPECIFIC),
])
def test_relation_of_two_values(slot, old, new, relation):
    assert cmp.relate(slot, old, new) == relation


def test_hedged_numbers_within_ten_percent_are_tolerated():
    assert cmp.relate("experience", "10", "11", hedged=True) == cmp.TOLERATED
    assert cmp.relate("experience", "10", "12", hedged=True) == cmp.DIFFERENT
    assert cmp.relate("experience", "10", "11", hedged=False) == cmp.DIFFERENT


def test_hedged_age_follows_the_ten_percent_label_rule():
    # detection/eval/README.md rule 9: a hedged number tolerates 10 % of the larger value.
    assert cmp.relate("age", "35", "34", hedged=True) == cmp.TOLERATED
    assert cmp.relate("age", "50", "52", hedged=True) == cmp.TOLERATED
    assert cmp.relate("age", "40", "52", hedged=True) == cmp.DIFFERENT
    assert cmp.relate("age", "32", "35", hedged=False) == cmp.DIFFERENT


def test_open_ranges_from_over_include_larger_numbers():
    assert cmp.relate("experience", "10-999999", "14") == cmp.MORE_SPECIFIC


def test_fields_of_study_refine_their_parent_field():
    assert cmp.relate("education", "computer science", "machine learning", qualifier="field") == cmp.MORE_SPECIFIC
    assert cmp.relate("education", "chemistry", "philosophy", qualifier="field") == cmp.DIFFERENT
