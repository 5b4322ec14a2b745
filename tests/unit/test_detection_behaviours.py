"""End-to-end behaviour of ``detect`` per issue-3 behaviour (pure Python, no database)."""

from __future__ import annotations

import pytest

from detection.engine import Finding, Statement, detect, extract_facts


def stmt(memory_id: str, text: str, timestamp: float) -> Statement:
    return Statement(memory_id=memory_id, text=text, timestamp=timestamp, facts=tuple(extract_facts(text)))


def run(*texts: str) -> list[Finding]:
    """Detect for the last text against all previous ones (ids m0, m1, ...; timestamps 0, 1, ...)."""
    statements = [stmt(f"m{i}", text, float(i)) for i, text in enumerate(texts)]
    return detect(statements[-1], statements[:-1])


def contradictions(*texts: str) -> list[Finding]:
    return [f for f in run(*texts) if f.is_contradiction]


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, findings
    return findings[0]


# --- multi-valued slots ----------------------------------------------------------------------

@pytest.mark.parametrize("old, new", [
    ("I have a dog named Biscuit.", "I also have a cat named Miso."),
    ("I have a cat.", "We just adopted a second cat."),
    ("I speak English and Spanish.", "I also speak Portuguese."),
    ("I have a son.", "I have a daughter too."),
    ("I'm allergic to shellfish.", "I'm also allergic to tree nuts."),
    ("I play the guitar.", "I play tennis too."),
])
def test_a_second_value_of_a_multi_valued_slot_is_an_addition(old, new):
    assert contradictions(old, new) == []


def test_only_contradicts_the_other_held_values_of_a_multi_valued_slot():
    finding = only(contradictions("I speak English and Spanish.", "English is the only language I speak."))
    assert (finding.slot, finding.rule) == ("language", "exclusive")


def test_denial_of_every_pet_contradicts_a_held_pet():
    finding = only(contradictions("I have a dog named Biscuit.", "I don't have any pets."))
    assert (finding.slot, finding.contradiction_type) == ("pet", "DENIAL")


def test_never_owned_contradicts_a_pet_held_earlier_and_lost_since():
    findings = contradictions("I have a cat named Luna.", "Luna ran away last month.", "I've never owned a cat.")
    assert [(f.old_memory_id, f.contradiction_type) for f in findings] == [("m0", "DENIAL")]


def test_pet_lost_by_name_is_not_the_end_of_all_pets():
    assert contradictions("I have a cat named Luna.", "Luna ran away last month.", "We adopted a second dog, Tamal.") == []


# --- subject attribution and modality ------------------------------------------------------

@pytest.mark.parametrize("old, new", [
    ("I work at Microsoft.", "My friend Sarah works at Google."),
    ("I live in Seattle.", "My boss lives in Austin."),
    ("I'm 34.", "My brother is 40."),
    ("I'm vegetarian.", "My husband eats meat every day."),
    ("I drive a Subaru.", "My dad drives a Tesla."),
])
def test_statements_about_other_people_do_not_contradict_the_users_facts(old, new):
    assert contradictions(old, new) == []


def test_two_statements_about_the_same_third_party_can_contradict():
    finding = only(contradictions("My sister lives in Boston.", "My sister lives in Denver."))
    assert (finding.subject, finding.slot) == ("sister", "location")
    assert finding.severity == "LOW"  # one level below the user's own MEDIUM


@pytest.mark.parametrize("old, new", [
    ("I live in Seattle.", "I might move to Portland next year."),
    ("I work at Stripe.", "I'm thinking about quitting."),
    ("I work at Oracle.", "If Google made me an offer, I'd take it."),
    ("I drive a Civic.", "I'm considering buying a Tesla."),
    ("I have no kids.", "I'd like to have kids someday."),
])
def test_plans_wishes_and_hypotheticals_do_not_contradict(old, new):
    assert contradictions(old, new) == []


# --- negation, denial, double negatives ---------------------------------------------------

def test_never_said_denies_an_earlier_fact():
    finding = only(contradictions("I have a PhD.", "I never said I had a PhD."))
    assert (finding.slot, finding.contradiction_type) == ("education", "DENIAL")


def test_double_negative_agreeing_with_the_earlier_fact_is_not_a_contradiction():
    assert contradictions("I work at Google.", "It's not that I don't work at Google.") == []


def test_double_negative_stating_another_employer_is_a_contradiction():
    assert only(contradictions("I work at Microsoft.", "It's not that I don't work at Google; I do.")).slot == "employer"


def test_denial_of_a_value_not_held_is_not_a_contradiction():
    assert contradictions("I work at Google.", "I don't work at Apple.") == []
    assert contradictions("I live in Chicago.", "I've never lived in Boston.") == []


def test_affirming_a_value_denied_earlier_is_a_contradiction():
    finding = only(contradictions("I have no pets.", "It isn't true that I don't have pets; I have two cats."))
    assert finding.rule == "reaffirmed"


# --- corrections ---------------------------------------------------------------------------

def test_correction_is_typed_revision():
    finding = only(contradictions("I work at Oracle.", "Actually, I work at Salesforce; I mixed them up."))
    assert (finding.contradiction_type, finding.old_value, finding.new_value) == ("REVISION", "Oracle", "Salesforce")


def test_elliptical_correction_resolves_against_the_previous_statement():
    finding = only(contradictions("I'm 32.", "Sorry, 33. I always forget."))
    assert (finding.slot, finding.old_value, finding.new_value, finding.contradiction_type) == ("age", "32", "33", "REVISION")


def test_not_x_but_y_correction_of_a_place():
    finding = only(contradictions("I live in Boulder.", "Wait, not Boulder but Fort Collins."))
    assert (finding.slot, finding.new_value) == ("location", "Fort Collins")


def test_correction_of_a_correction_contradicts_the_intermediate_value():
    finding = only(contradictions("I work at Deloitte.", "Actually, I work at Accenture, not Deloitte.",
                                  "Hmm, no, I was right the first time: I'm at Deloitte."))
    assert (finding.old_memory_id, finding.old_value, finding.new_value) == ("m1", "Accenture", "Deloitte")


def test_self_correction_inside_one_statement_is_not_a_contradiction_of_the_stored_value():
    assert contradictions("I'm 29.", "I'm 28; no wait, I'm 29, ignore that.") == []


# --- temporal language ---------------------------------------------------------------------

@pytest.mark.parametrize("old, new, slot", [
    ("I live in Seattle.", "I moved to Portland last month.", "location"),
    ("I'm a junior analyst.", "I got promoted to senior analyst last month.", "job_title"),
    ("I live in Phoenix.", "I've lived in Denver since last month.", "location"),
    ("I'm 29.", "I turned 30 this morning.", "age"),
    ("I'm single.", "I got married in April.", "spouse"),
])
def test_updates_over_time_contradict_the_stored_value_typed_temporal(old, new, slot):
    finding = only(contradictions(old, new))
    assert (finding.slot, finding.contradiction_type) == (slot, "TEMPORAL")


def test_used_to_denies_the_current_value():
    finding = only(contradictions("I work at IBM.", "I used to work at IBM."))
    assert (finding.slot, finding.rule) == ("employer", "slot_denial")


def test_still_at_the_same_employer_is_not_a_contradiction():
    assert contradictions("I work at IBM.", "I still work at IBM.") == []
    assert contradictions("I started at Adobe last year.", "I'm still at Adobe.") == []


# --- refinement ----------------------------------------------------------------------------

@pytest.mark.parametrize("old, new", [
    ("I live in the Bay Area.", "I live in Mountain View."),
    ("I live in California.", "I live in San Diego."),
    ("I live in Brooklyn.", "I live in New York City."),
    ("I'm a doctor.", "I'm a pediatric cardiologist."),
    ("My name is Alex.", "My full name is Alexandra Chen."),
    ("I work at Google.", "I work at Google Cloud."),
])
def test_refinement_is_recorded_but_not_a_contradiction(old, new):
    finding = only(run(old, new))
    assert (finding.contradiction_type, finding.is_contradiction, finding.severity) == ("REFINEMENT", False, "LOW")


def test_office_location_refines_a_home_region_without_a_finding():
    assert contradictions("I live in the Bay Area.", "I'm based in the Mountain View office.") == []


def test_seniority_change_is_a_role_change_typed_revision():
    finding = only(contradictions("I'm an engineer.", "I'm a senior engineer."))
    assert (finding.rule, finding.contradiction_type) == ("role_change", "REVISION")


def test_dropping_seniority_is_not_a_role_change():
    assert contradictions("I'm a senior data scientist.", "I'm a data scientist.") == []


def test_working_in_ml_after_a_phd_in_machine_learning_is_compatible():
    assert run("I have a PhD in machine learning.", "I work in ML.") == []
    assert run("I have a PhD in machine learning.", "I have a doctorate in ML.") == []


# --- numeric conflicts and hedges ----------------------------------------------------------

def test_different_ages_contradict():
    finding = only(contradictions("I'm 32.", "I'm thirty-four."))
    assert (finding.old_value, finding.new_value) == ("32", "thirty-four")


def test_hedged_number_within_tolerance_is_not_a_contradiction():
    assert contradictions("I have about 10 years of experience.", "I have 11 years of experience.") == []
    assert contradictions("I earn roughly $120,000 a year.", "My salary is $125,000.") == []


def test_hedged_number_beyond_tolerance_is_a_contradiction():
    assert only(contradictions("I have about 10 years of experience.", "I have 12 years of experience.")).slot == "experience"


def test_age_range_containing_the_age_is_compatible():
    assert contradictions("I'm 27.", "I'm in my late twenties.") == []
    assert only(contradictions("I'm 52 years old.", "I'm in my forties.")).slot == "age"


# --- cross-slot rules ----------------------------------------------------------------------

def test_eating_meat_contradicts_a_vegetarian_diet_in_either_order():
    assert only(contradictions("I'm vegetarian.", "I eat steak a few times a week.")).rule == "diet_exclusion"
    assert only(contradictions("I eat meat.", "I've been vegetarian for ten years.")).rule == "diet_exclusion"


def test_fish_does_not_contradict_a_pescatarian_diet():
    assert contradictions("I'm pescatarian.", "Salmon is my favorite fish.") == []


def test_child_count_contradicts_more_named_children():
    finding = only(contradictions("My daughter's name is Ava.", "My only child is a son, Ethan."))
    assert finding.slot in {"child", "child_count"}


def test_child_mentioned_after_no_children_contradicts():
    assert contradictions("I don't have any children.", "My daughter starts kindergarten next week.") != []


def test_surname_contradicts_the_held_full_name():
    finding = only(contradictions("My full name is Alexandra Chen.", "Actually my surname is Cheng, not Chen."))
    assert finding.rule == "surname"


def test_highest_degree_below_a_held_degree_contradicts():
    assert only(contradictions("I have a master's in nursing.", "My highest degree is a bachelor's in nursing.")).rule == (
        "highest_degree")


# --- bookkeeping ---------------------------------------------------------------------------

def test_every_finding_has_a_severity_and_a_confidence():
    for finding in run("I work at Microsoft and I'm 32.", "I work at Amazon now and I'm 33."):
        assert finding.severity in {"LOW", "MEDIUM", "HIGH", "CRITICAL"}
        assert 0 < finding.confidence <= 1


def test_health_denial_is_critical():
    finding = only(contradictions("I have type 1 diabetes.", "I don't have diabetes."))
    assert (finding.contradiction_type, finding.severity) == ("DENIAL", "CRITICAL")


def test_liking_a_food_of_an_excluded_group_contradicts_the_diet():
    assert only(contradictions("I don't drink alcohol.", "I love a good glass of wine.")).slot == "diet"
    assert only(contradictions("I'm vegan.", "I had a cheeseburger yesterday.")).rule == "diet_exclusion"


def test_same_city_name_in_another_state_is_a_different_place():
    assert only(contradictions("I live in Portland, Oregon.", "I live in Portland, Maine.")).slot == "location"


def test_elided_correction_with_an_article_resolves_to_the_vehicle():
    finding = only(contradictions("My car is a Prius.", "Sorry, I meant a Corolla."))
    assert (finding.slot, finding.contradiction_type) == ("vehicle", "REVISION")


def test_changing_the_subject_taught_contradicts_unless_it_is_an_addition():
    assert only(contradictions("I teach third grade.", "Actually, I teach fourth grade this year.")).slot == "other"
    assert contradictions("I teach biology.", "Actually, I teach chemistry too this semester.") == []


# --- phrasings added after probing with new, hand-written sentences ------------------------

@pytest.mark.parametrize("old, new", [
    ("I'm with Deloitte Consulting.", "I'm with KPMG now."),
    ("Nike hired me last year.", "I work at Adidas."),
    ("I work at Oracle.", "I've since moved on to SAP."),
    ("I work at Ford.", "I recently left Ford for GM."),
    ("I'm Karen, 45, a lawyer from Boston.", "I'm a judge."),
    ("I'm a software developer at Meta.", "I'm not a developer anymore, I'm a product manager."),
    ("I've been married to Dan for ten years.", "I'm single."),
    ("I've never been married.", "My ex-husband lives in Utah."),
    ("I have a son, Jake, and a daughter, Mia.", "My only child is Jake."),
    ("I'm healthy, no medical conditions.", "I was diagnosed with asthma as a kid."),
    ("I'm allergic to shellfish.", "I eat shrimp all the time."),
    ("I'm allergic to penicillin.", "I take penicillin without problems."),
    ("My favorite color is purple.", "Purple is my least favorite color."),
    ("I drink about 3 cups of coffee a day.", "I drink 8 cups of coffee a day."),
    ("I work at Sony.", "I said Sony but I meant Samsung."),
    ("I'm a Scorpio.", "I'm a Leo."),
    ("I have blue eyes.", "My eyes are brown."),
])
def test_varied_phrasings_of_contradictions_are_caught(old, new):
    assert contradictions(old, new) != []


@pytest.mark.parametrize("old, new", [
    ("I work at Google.", "I'm at Costco right now buying snacks."),
    ("I live in Seattle.", "I'm in Chicago for a conference this week."),
    ("My friend works at Google.", "My friend works at Apple."),
    ("I'm 52.", "I'm 53 next month."),
    ("I'm a doctor.", "I'm not a surgeon."),
    ("I drink coffee.", "There's never a morning I don't have coffee."),
    ("I work in tech.", "I work in the tech industry."),
])
def test_visits_unnamed_friends_future_values_and_narrower_denials_are_not_contradictions(old, new):
    assert contradictions(old, new) == []
