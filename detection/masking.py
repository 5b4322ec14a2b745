"""Value-masked templates of statement pairs: "same attribute, different value" without slots.

Two statements that say the same thing about the same attribute with different values ("I work
at Microsoft." / "I work at Amazon now.") differ only in their *value* words. Masking those words
with a placeholder leaves two nearly identical *templates* ("I work at something." / "I work at
something now."), whose sentence-embedding cosine is high even when the slot extractor knows
neither phrasing. Two statements about different attributes keep different templates.

:func:`mask_pair` builds the two templates of an (older, newer) pair. A token is masked when it is
a *value-like* token (a number, a number word, or a capitalised word that is not a function word)
or a content word (outside :data:`FUNCTION_WORDS`) that does not occur in the other statement.
Negations, pronouns, auxiliaries and prepositions are never masked, so "I don't ..." keeps its
polarity and "my sister ..." keeps its subject.

Pure Python (standard library). The placeholder and the function-word list are baseline
choices (issue 3, third session), not tuned per sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: What a masked value becomes: a plain word, so that the sentence encoder reads a grammatical
#: sentence (baseline choice; "X" or "[MASK]" read as odd tokens to MiniLM).
PLACEHOLDER = "something"

#: Words never masked: pronouns, determiners, auxiliaries, prepositions, conjunctions, negations,
#: discourse and time adverbs (English closed classes plus a few very common adverbs).
FUNCTION_WORDS = frozenset("""
i me my mine myself we us our ours ourselves you your yours he him his she her hers it its they them
their theirs this that these those who whom whose which what where when why how
a an the some any each every all both either neither no none another other such
am is are was were be been being do does did doing done have has had having will would shall should
can could may might must ought 's 're 've 'd 'll 'm
not never n't nor no nothing nobody nowhere
to of in on at by for with from about as into onto over under than then so and or but if because
while though although since until till after before during through across around near off out up
down away back again also too still just really very quite actually now anymore longer yet already
ever only even more most less least much many few lot lots bit
yes oh well ok okay please sorry wait hmm like
there here today yesterday tomorrow currently these days
""".split())

_NUMBER_WORDS = frozenset("""
zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred
thousand million half dozen decade decades
""".split())

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]*|[$£€]?\d[\d,.]*%?|[$£€]")
_CONTRACTION = re.compile(r"(?i)^(.+?)(n't|'s|'re|'ve|'d|'ll|'m)$")


@dataclass(frozen=True)
class MaskedPair:
    """Templates of an (older, newer) pair and the values masked out of each.

    ``old_template`` / ``new_template``: the statements with value tokens replaced by
    :data:`PLACEHOLDER` (runs of masked tokens collapse into one placeholder); ``old_values`` /
    ``new_values``: the masked tokens in order, lower-cased.
    """

    old_template: str
    new_template: str
    old_values: tuple[str, ...]
    new_values: tuple[str, ...]


@lru_cache(maxsize=16384)
def tokens(text: str) -> tuple[str, ...]:
    """Word, number and currency tokens of ``text``, contractions split ("don't" -> "do", "n't")."""
    out: list[str] = []
    for raw in _TOKEN.findall((text or "").replace("\u2019", "'")):
        match = _CONTRACTION.match(raw)
        if match and match.group(1).isalpha():
            out.extend((match.group(1), match.group(2).lower()))
        else:
            out.append(raw)
    return tuple(out)


def is_value_like(token: str, *, sentence_initial: bool = False) -> bool:
    """True for a number, a number word, or a capitalised non-function word (a name) —
    ``sentence_initial`` capitals are not evidence of a name."""
    lower = token.lower()
    if lower in FUNCTION_WORDS:
        return False
    if any(ch.isdigit() for ch in token) or token in "$£€" or lower in _NUMBER_WORDS:
        return True
    if "-" in lower and all(part in _NUMBER_WORDS for part in lower.split("-") if part):
        return True  # "thirty-four"
    return token[:1].isupper() and not sentence_initial


_SUFFIX = re.compile(r"(?<=[a-z]{3})(?:ies|es|s|ed|ing|ly)$")


def stem(word: str) -> str:
    """Crude suffix stripping ("works" -> "work", "hiking" -> "hik"), so that a word form that
    differs only by inflection is not taken for a different value (baseline choice)."""
    return _SUFFIX.sub("", word.lower())


def _template(toks: tuple[str, ...], other: frozenset[str]) -> tuple[str, tuple[str, ...]]:
    words, values = [], []
    for index, token in enumerate(toks):
        lower = token.lower()
        initial = index == 0
        masked = is_value_like(token, sentence_initial=initial) or (lower not in FUNCTION_WORDS
                                                                     and stem(lower) not in other)
        if masked:
            values.append(lower)
            if not words or words[-1] != PLACEHOLDER:
                words.append(PLACEHOLDER)
        else:
            words.append(lower)
    return " ".join(words), tuple(values)


@lru_cache(maxsize=16384)
def mask_pair(old_text: str, new_text: str) -> MaskedPair:
    """The value-masked templates of an (older, newer) pair. Pure, cached, never raises."""
    old_tokens, new_tokens = tokens(old_text), tokens(new_text)
    old_words = frozenset(stem(t) for t in old_tokens)
    new_words = frozenset(stem(t) for t in new_tokens)
    old_template, old_values = _template(old_tokens, new_words)
    new_template, new_values = _template(new_tokens, old_words)
    return MaskedPair(old_template, new_template, old_values, new_values)
