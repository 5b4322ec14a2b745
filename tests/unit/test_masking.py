"""Value-masked templates (detection.masking): pure, no servers."""

from detection.masking import PLACEHOLDER, is_value_like, mask_pair, stem, tokens


def test_same_attribute_with_a_different_value_gives_the_same_template():
    masked = mask_pair("I work at Microsoft.", "I work at Amazon.")
    assert masked.old_template == masked.new_template == f"i work at {PLACEHOLDER}"
    assert masked.old_values == ("microsoft",) and masked.new_values == ("amazon",)


def test_a_changed_verb_is_masked_as_the_value_of_a_preference():
    masked = mask_pair("I love hiking.", "I loathe hiking.")
    assert masked.old_template == masked.new_template
    assert (masked.old_values, masked.new_values) == (("love",), ("loathe",))


def test_negation_and_the_subject_are_never_masked():
    masked = mask_pair("I work at Google.", "My friend Sarah doesn't work at Google.")
    assert masked.new_template.startswith("my ") and "n't" in masked.new_template.split()
    assert "friend" in masked.new_values and "sarah" in masked.new_values


def test_numbers_and_number_words_are_values_even_when_shared():
    assert is_value_like("34") and is_value_like("thirty-four") and is_value_like("$120,000")
    masked = mask_pair("I'm 34.", "I'm 34.")
    assert masked.old_template == masked.new_template == f"i 'm {PLACEHOLDER}"


def test_a_sentence_initial_capital_is_not_taken_for_a_name():
    assert not is_value_like("Tea", sentence_initial=True) and is_value_like("Tea")
    assert not is_value_like("My") and not is_value_like("I")


def test_inflected_forms_of_a_shared_word_are_not_values():
    assert stem("works") == stem("work")
    masked = mask_pair("I work at Google.", "She works at Google too.")
    assert "works" not in masked.new_values


def test_runs_of_masked_words_collapse_into_one_placeholder():
    masked = mask_pair("I live in New York City.", "I live in Fort Collins.")
    assert masked.old_template == masked.new_template == f"i live in {PLACEHOLDER}"


def test_contractions_are_split_and_empty_text_is_fine():
    assert tokens("I don't") == ("I", "do", "n't")
    assert mask_pair("", "").old_template == ""
