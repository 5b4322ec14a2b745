"""Behaviours added while generalising the engine beyond the phrasings of the first dev split
(issue 3, second session): chat register, broader phrasings, negation scope, lexicon growth.
Pure Python, no database. Each pair is a phrasing written for detection/eval/pairs_dev2/3 or a
probe, never taken from the test split."""

from __future__ import annotations

import pytest

from detection.engine import Statement, detect, extract_facts


def _stmt(memory_id: str, text: str, timestamp: float) -> Statement:
    return Statement(memory_id=memory_id, text=text, timestamp=timestamp, facts=tuple(extract_facts(text)))


def _contradicts(*texts: str) -> bool:
    statements = [_stmt(f"m{i}", text, float(i)) for i, text in enumerate(texts)]
    return any(f.is_contradiction for f in detect(statements[-1], statements[:-1]))


def _facts(text: str) -> set[tuple[str, str, bool]]:
    return {(f.slot, f.normalized, f.negated) for f in extract_facts(text)}


# --- chat register ----------------------------------------------------------------------------

def test_subjectless_been_with_states_the_employer():
    assert _contradicts("My employer is Unilever.", "Been with Procter & Gamble for a while now.")


def test_all_lowercase_message_names_the_new_employer_and_city():
    assert ("employer", "costa", False) in _facts("left greggs, im at costa now")
    assert ("location", "sunderland", False) in _facts("moved to sunderland with my bf")


def test_emoji_do_not_hide_a_new_age():
    assert _contradicts("im 22", "just turned 23 \U0001f389\U0001f389")


def test_texting_words_are_read_as_plain_words():
    assert ("child_count", "2", False) in _facts("I've got two kiddos.")


def test_casual_subjectless_dislike_flips_a_preference():
    assert _contradicts("love footy", "cant stand footy tbh")


def test_a_capitalised_sentence_is_not_recased():
    # "healthcare" after "in" must stay a field of work, not become a place
    assert not any(f.slot == "location" for f in extract_facts("I work in healthcare."))


# --- negation scope and double negatives ------------------------------------------------------

def test_polarity_operator_scope_ends_at_a_new_first_person_clause():
    assert _contradicts("I live in York.", "It's not that I don't live somewhere nice, I live in Hull now.")
    assert not _contradicts("I work at Oracle.", "It's not that I don't work at Oracle, I'm just on leave.")


def test_inverted_denial_of_marriage_is_married():
    assert not _contradicts("I'm married.", "It's not that I'm not married.")


def test_denying_a_count_of_children_does_not_deny_having_children():
    assert not _contradicts("I have two kids.", "I don't have three kids.")


def test_denying_a_specific_car_is_not_denying_driving():
    assert not _contradicts("I drive a Honda.", "I don't drive a Toyota.")


# --- employer ---------------------------------------------------------------------------------

@pytest.mark.parametrize("new", [
    "I'm at Meta now.",
    "I'm a Meta employee these days.",
    "Meta hired me last month.",
    "Meta is my employer.",
    "My current gig is at Meta.",
    "I do data work for Meta.",
])
def test_new_employer_phrasings_contradict_the_old_employer(new):
    assert _contradicts("I work at Apple.", new)


def test_a_known_employer_after_im_at_is_a_workplace_but_a_visit_is_not():
    assert _contradicts("I work at Deloitte.", "I'm at Google.")
    assert not _contradicts("I work at Deloitte.", "I'm at Google for a meeting today.")


def test_hired_needs_me_as_object():
    assert not _contradicts("I work at Deloitte.", "Apple hired my sister.")


def test_an_employer_letting_me_go_is_a_denial():
    assert _contradicts("I work at Apple.", "Apple laid me off.")


def test_going_back_to_the_first_employer_contradicts_the_second():
    assert _contradicts("I work at Bosch.", "I'm at Samsung now.", "I went back to Bosch.")


# --- job title --------------------------------------------------------------------------------

def test_being_promoted_by_them_changes_the_title():
    assert _contradicts("I'm a junior product manager.", "They promoted me to senior product manager last week!")


def test_job_words_of_the_extended_lexicon_are_titles():
    assert _contradicts("I'm a staff accountant.", "I'm a financial controller.")


def test_veterinary_surgeon_and_family_doctor_are_synonyms():
    assert not _contradicts("I'm a vet.", "I'm a veterinary surgeon.")
    assert not _contradicts("I'm a GP.", "I'm a family doctor.")


def test_driving_a_taxi_for_a_living_is_a_job_title():
    assert _contradicts("I'm a bus driver.", "I drive a taxi for a living now.")


def test_job_named_in_an_as_phrase():
    assert _contradicts("I'm a teacher.", "As an accountant, tax season is brutal.")


# --- places -----------------------------------------------------------------------------------

def test_uk_regions_and_london_boroughs_contain_their_places():
    assert not _contradicts("I live in Yorkshire.", "I live in Sheffield.")
    assert not _contradicts("I live in London.", "I live in Hackney, in east London.")
    assert _contradicts("I live in Yorkshire.", "I live in Liverpool.")


def test_city_resident_and_has_been_home_state_the_city():
    assert _contradicts("I live in Minneapolis.", "I'm a Raleigh resident these days.")
    assert _contradicts("I live in Houston.", "Dallas has been home since the spring.")
    assert not _contradicts("I live in Denver.", "Boulder has been home to my sister for years.")


def test_left_one_city_for_another():
    assert _contradicts("I live in Houston.", "We packed up and left Houston for Dallas.")


def test_here_in_a_city_states_where_the_user_is():
    assert _contradicts("I live in Denver.", "Here in Boston the winters are rough.")


# --- family -----------------------------------------------------------------------------------

def test_getting_married_after_engagement_is_an_update():
    assert _contradicts("I'm engaged.", "We got married last weekend!")


def test_we_are_not_married_but_engaged_contradicts_married():
    assert _contradicts("I'm married to Jordan.", "Jordan and I aren't married; we're engaged.")


def test_boyfriend_named_then_break_up():
    assert _contradicts("I have a boyfriend named Ryan.", "Ryan and I broke up last month.")


def test_name_change_is_a_new_name():
    assert _contradicts("My name is Olivia Grant.", "I changed my name to Olivia Hughes after the wedding.")


def test_a_birth_changes_the_number_of_children():
    assert _contradicts("We have one daughter, Anika.", "We had a baby boy in March, so I have two kids now.")
    assert _contradicts("I have a son, Eli.", "We had our second child, a girl named Ruby.")


def test_only_child_contradicts_twins():
    assert _contradicts("I have twins.", "I have an only child, Maya.")


# --- pets and languages -----------------------------------------------------------------------

def test_named_pets_in_a_list_can_die_individually():
    assert _contradicts("I have two cats, Mochi and Tofu.", "Tofu died last week, we're heartbroken.")


def test_the_only_pet_is_exclusive():
    assert _contradicts("I have a cat.", "The only pet I have is a lizard.")


def test_pet_counts_are_compared():
    assert _contradicts("I have two cats.", "I have one cat.")
    assert not _contradicts("I have two dogs.", "I have a dog named Rex.")


def test_elided_correction_of_a_pet_species():
    assert _contradicts("I have a cat.", "Actually it's a rabbit, not a cat.")


def test_only_language_is_exclusive_but_not_for_someone_else():
    assert _contradicts("I speak English and Spanish.", "English is my only language.")
    assert not _contradicts("I speak English and Spanish.", "English is the only language my husband speaks.")


# --- diet, preferences, health, vehicles ------------------------------------------------------

def test_food_anywhere_in_what_was_eaten_contradicts_a_diet():
    assert _contradicts("I'm vegan.", "I had a lovely cheese omelette for breakfast.")
    assert _contradicts("I don't drink alcohol.", "I had a few pints with the lads last night.")
    assert _contradicts("I don't eat meat.", "Pulled pork sandwiches are my go-to lunch.")


def test_meat_free_versions_of_a_food_do_not_contradict_a_diet():
    assert not _contradicts("I'm vegetarian.", "I had a veggie burger.")


def test_not_my_thing_and_synonym_objects_flip_a_preference():
    assert _contradicts("I adore horror films.", "horror movies aren't my thing at all")
    assert _contradicts("I love the rain.", "I really dislike rainy weather.")
    assert _contradicts("I love my job.", "I hate my job.")


def test_experience_domains_meet_across_word_forms():
    assert _contradicts("I've been coding for 6 years.", "I've been programming for 9 years.")
    assert _contradicts("I've worked as an engineer for 15 years.", "I've got five years of engineering experience.")
    assert _contradicts("I've been a pilot for 14 years.", "I've been flying professionally for 4 years.")


def test_salary_in_pounds_is_a_quantity():
    assert _contradicts("I earn about \u00a360,000.", "I earn \u00a385,000 now after the promotion.")
    assert not _contradicts("I earn about \u00a360,000.", "My salary's \u00a362,000 actually.")


def test_motorbike_and_power_train_are_vehicle_facts():
    assert _contradicts("I ride a Ducati.", "My motorbike is a Triumph.")
    assert _contradicts("I drive a petrol car.", "I drive an electric car.")
    assert _contradicts("I drive a Vauxhall Corsa.", "I drive a Ford Fiesta.")


def test_driving_somewhere_contradicts_not_driving():
    assert _contradicts("I don't drive.", "I drove to my mum's yesterday.")


def test_taking_no_medication_contradicts_being_on_medication():
    assert _contradicts("I take blood pressure medication.", "I'm not on any meds.")


def test_mentioning_a_brother_contradicts_being_an_only_child():
    assert _contradicts("I'm an only child.", "My brother and I are close.")
    assert not _contradicts("I'm an only child.", "My brother-in-law is visiting.")


def test_regular_activities_are_facts_that_a_never_denies():
    assert _contradicts("I run every morning.", "I never run.")
    assert _contradicts("I go to the gym every day.", "I never go to the gym.")
    assert not any(f.slot == "activity" for f in extract_facts("I run a small business."))


def test_stable_attributes_stated_as_my_x_is_y_are_compared():
    assert _contradicts("My blood type is O positive.", "My blood type is A negative.")
    assert _contradicts("My phone is an iPhone.", "My phone is a Pixel.")
    assert _contradicts("My star sign is Leo.", "I'm a Virgo.")


def test_it_after_a_liked_object_in_the_same_message_is_that_object():
    assert _contradicts("I love running.", "I used to love running but now I hate it.")


def test_a_negation_limited_by_what_follows_is_not_a_denial():
    assert not _contradicts("I speak Spanish.", "I don't speak Spanish at work.")
    assert not _contradicts("I work at Google.", "I'm not working today, it's a holiday.")
    assert not _contradicts("I drive a Honda.", "I don't drive much.")
    assert _contradicts("I speak Spanish.", "I don't speak Spanish.")


def test_disliking_a_narrower_object_does_not_flip_a_broader_liking():
    assert not _contradicts("I love jazz.", "I don't love smooth jazz.")
    assert _contradicts("I like spicy food.", "I can't handle anything spicy.")
