"""Contradiction decision: a new statement against the earlier statements of a thread.

Pure standard library. :func:`detect` walks the earlier statements in time order and keeps, per
(subject, slot, qualifier), the *current* value, values given up since (``former``), values
explicitly denied (``negatives``) and "none" markers ("I'm single", "no pets"). Each fact of the
new statement is then checked against that state:

1. single-valued key, affirmed, different value -> contradiction (REVISION for self-corrections
   and seniority changes, TEMPORAL for changes over time, else CONFLICT); a compatible value
   (refinement, synonym-level difference, hedged number within tolerance) -> REFINEMENT;
2. a negated fact matching the current value (or, for "never", a former value) -> DENIAL;
3. multi-valued keys: additions are fine; a denial of a held value, an "only" statement that
   excludes held values, or an addition after "none" -> contradiction;
4. cross-slot rules: a diet that excludes a food the user eats, a child count that contradicts
   named children, a surname that contradicts the full name, a "highest degree" below a held one;
5. preferences: polarity flips of the same object;
6. generic negation: the same sentence with and without "not" (slot ``statement``);
7. optionally a learned pair classifier for earlier statements no rule decided.

Statements about other people are tracked per subject: "my sister lives in Boston" vs "my
sister lives in Denver" contradicts, "my sister lives in Denver" vs the user's own city does not.
Confidence constants and marker lists are baseline choices tuned on the dev split.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Iterable, Sequence

from . import compare as cmp
from . import lexicon as lx
from . import markers as mk
from .extraction import (
    USER,
    ExtractedFact,
    analyze,
    extract_facts,
    resolve_elided,
    single_valued,
    statement_flags,
)
from .parsers import EXISTS, WILDCARD
from .severity import severity

DETECTOR_VERSION = "rules-3"

REFINEMENT = "REFINEMENT"
CONTRADICTION_TYPES = ("CONFLICT", "REVISION", "TEMPORAL", "DENIAL")

# Confidence per rule (0..1): baseline choices, checked against the dev split's precision.
CONFIDENCE_SLOT_CHANGE = 0.9        # single-valued slot got a different value
CONFIDENCE_ROLE_CHANGE = 0.8        # same job, different seniority
CONFIDENCE_DENIAL = 0.95            # explicit denial of the current value
CONFIDENCE_MULTI_DENIAL = 0.9       # denial of a held pet / language / condition
CONFIDENCE_REAFFIRMED = 0.85        # a value affirmed after it was denied / after "none"
CONFIDENCE_EXCLUSIVE = 0.85         # "I only speak Spanish" vs a held language
CONFIDENCE_CROSS_SLOT = 0.8         # diet vs food eaten, child count vs names, surname vs name
CONFIDENCE_PREFERENCE_FLIP = 0.85   # like <-> dislike of the same object
CONFIDENCE_STATEMENT_NEGATION = 0.75  # generic "X" vs "not X", no slot
CONFIDENCE_REFINEMENT = 0.8         # recorded non-conflict
THIRD_PARTY_FACTOR = 0.85           # facts about other people are reported second-hand
ELIDED_FACTOR = 0.9                 # the slot of "Sorry, 33." was inferred

#: A pair-classifier score is accepted when >= this (the default of ``detect``'s threshold).
DEFAULT_PAIR_THRESHOLD = 0.5
#: At most this many undecided earlier statements are scored per new statement when the scorer
#: offers ``shortlist(new, earlier, k)`` (the most similar by embedding; detection.classifier):
#: the worker's own candidate retrieval is 20 nearest neighbours, so this only bounds the cost
#: of a caller passing a whole thread (baseline choice).
PAIR_SHORTLIST = 20

# Explicit negation inside a fact's span: a denial, not an update over time.
_EXPLICIT_NEGATION = re.compile(r"\b(?:not|never|no)\b|n't\b", re.I)
# Additive markers: "I teach chemistry too" adds, it does not replace.
_ADDITIVE = re.compile(r"\b(?:too|also|as\s+well|another|second|additionally|plus)\b", re.I)

# Small helpers.
_LEADING_COUNT = re.compile(r"(\d+|[a-z]+)\s")               # "two cats" -> "two"
_ONE = re.compile(r"\b(?:one|a|an)\b", re.I)                  # "I only have one cat"
_OBJECT_SUFFIX = re.compile(r"(?<=[a-z]{3})(?:ing|s)$")       # "hiking" ~ "hike", "dogs" ~ "dog"
# Negation spelled out before counting negation tokens.
_CONTRACTIONS = ((re.compile(r"\bcan't\b|\bcannot\b"), "can not"), (re.compile(r"\bwon't\b"), "will not"),
                 (re.compile(r"n't\b"), " not"), (re.compile(r"\bno\s+longer\b"), " not "))

PairScorer = Callable[["Statement", "Statement"], float]


@dataclass(frozen=True)
class Statement:
    """One stored statement as the engine sees it.

    Fields: ``memory_id`` (opaque id); ``text``; ``timestamp`` (Unix seconds, orders the
    statements; ties keep input order); ``facts`` (the user's :class:`ExtractedFact` tuple,
    usually from :func:`extract_facts`; facts about other people and elliptical corrections are
    read from ``text``); ``embedding`` (unit-normalized vector, e.g. 384-d, or ``None``).
    """

    memory_id: str
    text: str
    timestamp: float
    facts: tuple[ExtractedFact, ...]
    embedding: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Finding:
    """One decision about an earlier statement and the new one.

    Fields: ``old_memory_id`` / ``new_memory_id``; ``slot`` (a slot name, or ``"statement"``
    for the generic negation rule and the pair classifier); ``old_value`` / ``new_value``
    (surface values; a denial's new value is ``"not <value>"``); ``contradiction_type``
    (``"CONFLICT"``, ``"REVISION"``, ``"TEMPORAL"``, ``"DENIAL"``, or ``"REFINEMENT"`` for a
    recorded non-conflict); ``confidence`` (0..1: rule constants of this module, or the pair
    classifier's probability); ``rule`` (which rule decided: ``slot_value_change``,
    ``slot_denial``, ``role_change``, ``reaffirmed``, ``exclusive``, ``diet_exclusion``,
    ``child_count``, ``surname``, ``highest_degree``, ``preference_flip``, ``refinement``,
    ``statement_negation``, ``pair_classifier``); ``drift`` (``1 - cosine(old, new)`` in
    [0, 2], 4 decimals, ``None`` without both embeddings); ``summary`` (one readable sentence,
    e.g. ``"employer: Microsoft → Amazon"``); ``severity`` (``LOW`` / ``MEDIUM`` / ``HIGH`` /
    ``CRITICAL``, seed 003's levels, see :mod:`detection.engine.severity`); ``subject``
    (``"user"`` or the third party the facts are about).
    """

    old_memory_id: str
    new_memory_id: str
    slot: str
    old_value: str
    new_value: str
    contradiction_type: str
    confidence: float
    rule: str
    drift: float | None
    summary: str
    severity: str = "MEDIUM"
    subject: str = USER

    @property
    def is_contradiction(self) -> bool:
        """False only for REFINEMENT findings (recorded non-conflicts)."""
        return self.contradiction_type != REFINEMENT


# ----------------------------------------------------------------------------------------------
# State of beliefs after the earlier statements
# ----------------------------------------------------------------------------------------------

Key = tuple[str, str, str]


@dataclass
class _Holder:
    statement: Statement
    fact: ExtractedFact


@dataclass
class _State:
    """Current beliefs after walking the earlier statements."""

    single: dict[Key, _Holder] = field(default_factory=dict)              # current value (or a "none")
    multi: dict[Key, dict[str, _Holder]] = field(default_factory=dict)    # held values of a set
    none: dict[Key, _Holder] = field(default_factory=dict)                # "no pets": set is empty
    negatives: dict[Key, dict[str, _Holder]] = field(default_factory=dict)  # explicitly denied values
    former: dict[Key, dict[str, _Holder]] = field(default_factory=dict)   # values given up since
    preference: dict[tuple[str, str], _Holder] = field(default_factory=dict)

    def key(self, fact: ExtractedFact) -> Key:
        """State key of a fact; pets/children/spouse/activities ignore their qualifier, an
        experience domain matches an overlapping held domain ("backend" ~ "backend develop")."""
        if fact.slot in {"pet", "child", "activity"} or (fact.slot == "spouse" and fact.qualifier != "former"):
            return fact.subject, fact.slot, ""
        if fact.slot == "experience" and fact.qualifier:
            words = set(fact.qualifier.split())
            for key in self.single:
                if key[:2] == (fact.subject, "experience") and words & set(key[2].split()):
                    return key
        return fact.subject, fact.slot, fact.qualifier

    def remember(self, table: dict, key: Key, holder: _Holder) -> None:
        """Record ``holder`` under its normalized value in ``table[key]``."""
        table.setdefault(key, {})[holder.fact.normalized] = holder


# Denying X denies the held value when X is that value or something it implies: "I'm not a
# doctor" denies "surgeon", but "I'm not a surgeon" does not deny "doctor".
_DENIED_BY = frozenset({cmp.SAME, cmp.MORE_GENERAL, cmp.TOLERATED})


def _is_generic(fact: ExtractedFact) -> bool:
    return fact.normalized in {WILDCARD, EXISTS}


def _relation(old: ExtractedFact, new: ExtractedFact) -> str:
    if EXISTS in {old.normalized, new.normalized}:
        return cmp.SAME if old.normalized == new.normalized else (
            cmp.MORE_SPECIFIC if old.normalized == EXISTS else cmp.MORE_GENERAL)
    return cmp.relate(new.slot, old.normalized, new.normalized, qualifier=new.qualifier.split(" ")[0],
                      hedged=old.hedged or new.hedged)


def _apply_single(state: _State, holder: _Holder, key: Key) -> None:
    fact, current = holder.fact, state.single.get(key)
    if fact.negated:
        if _is_generic(fact) or (current and not current.fact.negated
                                 and _relation(current.fact, fact) in _DENIED_BY):
            if current and not current.fact.negated:
                state.remember(state.former, key, current)
            state.single[key] = holder if _is_generic(fact) else _Holder(holder.statement, _none_of(fact))
        state.remember(state.negatives, key, holder)
        return
    if current and not current.fact.negated:
        relation = _relation(current.fact, fact)
        if relation == cmp.MORE_GENERAL or relation == cmp.TOLERATED:
            return  # keep the more specific / unhedged value
        if relation not in cmp.COMPATIBLE:
            state.remember(state.former, key, current)
    state.single[key] = holder
    state.negatives.get(key, {}).pop(fact.normalized, None)


def _none_of(fact: ExtractedFact) -> ExtractedFact:
    """A denial of the current value leaves the key without a value (not a "none" marker)."""
    return ExtractedFact(**{**fact.__dict__, "normalized": "-" + fact.normalized})


def _apply_multi(state: _State, holder: _Holder, key: Key) -> None:
    fact = holder.fact
    if fact.negated:
        for held_key, held in _held_for(state, fact, key):
            for normalized in [n for n, h in held.items() if _denies(fact, h.fact)]:
                state.remember(state.former, held_key, held.pop(normalized))
        if _is_generic(fact) and not (fact.slot in {"pet", "child", "activity"} and fact.qualifier):
            state.none[key] = holder
        state.remember(state.negatives, key, holder)
        return
    state.none.pop(key, None)
    if fact.slot == "child" or (fact.slot == "pet" and fact.normalized != EXISTS):
        state.none.pop((fact.subject, fact.slot, ""), None)
    state.remember(state.multi, key, holder)
    state.negatives.get(key, {}).pop(fact.normalized, None)


def _apply(state: _State, statement: Statement, fact: ExtractedFact) -> None:
    if fact.modality != "asserted":
        return
    holder, key = _Holder(statement, fact), state.key(fact)
    if fact.slot == "preference":
        _apply_preference(state, holder)
    elif single_valued(fact.slot, fact.qualifier) and not (fact.slot == "other" and _ADDITIVE.search(statement.text)):
        _apply_single(state, holder, key)
    else:
        _apply_multi(state, holder, key)


def _held_for(state: _State, fact: ExtractedFact, key: Key) -> list[tuple[Key, dict[str, _Holder]]]:
    """The held sets a negated fact may deny: its own key, or every key of the slot for a
    qualifier-less wildcard ("no allergies" covers every allergy)."""
    if _is_generic(fact) and not fact.qualifier or fact.slot in {"pet", "child", "activity"}:
        return [(k, v) for k, v in state.multi.items() if k[:2] == key[:2] and k[2] != "eats"]
    return [(key, state.multi.get(key, {}))]




def _denies(negated: ExtractedFact, held: ExtractedFact) -> bool:
    """Does the negated fact deny the held (affirmed) fact of a multi-valued slot?"""
    if _is_generic(negated):
        if negated.slot in {"pet", "child", "activity"} and negated.qualifier:
            return held.qualifier == negated.qualifier or (negated.slot == "child" and held.qualifier == "")
        return True
    if negated.normalized == "group:medication":
        return held.normalized in lx.MEDICATION_ALLERGENS
    if negated.slot == "education" and negated.normalized == "college":
        return lx.DEGREE_LEVELS.get(held.normalized, 0) >= 2 and held.qualifier == "degree"
    if negated.slot == "pet" and held.qualifier and negated.qualifier == held.qualifier:
        return True
    return _relation(held, negated) in _DENIED_BY


# ----------------------------------------------------------------------------------------------
# Findings
# ----------------------------------------------------------------------------------------------

def compute_drift(old: Sequence[float] | None, new: Sequence[float] | None) -> float | None:
    """``1 - dot(old, new)`` rounded to 4 decimals (the vectors are unit-normalized, so the
    dot product is the cosine); ``None`` if either vector is missing or empty.

    Raises ``ValueError`` when the two vectors have different lengths.
    """
    if not old or not new:
        return None
    if len(old) != len(new):
        raise ValueError(f"embedding dimensions differ: {len(old)} != {len(new)}")
    dot = sum(a * b for a, b in zip(old, new))
    return round(1.0 - dot, 4) + 0.0  # + 0.0 turns -0.0 into 0.0


def change_type(text: str) -> str:
    """REVISION when the text corrects itself ("actually", "I meant", "not X but Y"),
    TEMPORAL when it speaks of change over time ("now", "moved", "since", "got promoted"),
    else CONFLICT."""
    if mk.CORRECTION.search(text):
        return "REVISION"
    if mk.TEMPORAL.search(text):
        return "TEMPORAL"
    return "CONFLICT"


def _denial_type(fact: ExtractedFact, text: str) -> str:
    if _EXPLICIT_NEGATION.search(fact.span) or fact.never:
        return "DENIAL"
    kind = change_type(text)
    return "DENIAL" if kind == "CONFLICT" else kind


def _label(fact: ExtractedFact) -> str:
    slot = fact.slot if not fact.qualifier or fact.slot in {"pet", "child", "spouse"} else f"{fact.slot} ({fact.qualifier})"
    return slot if fact.subject == USER else f"{fact.subject}'s {slot}"


def _value(fact: ExtractedFact) -> str:
    if fact.slot == "preference":
        return f"{'dislikes' if fact.negated else 'likes'} {fact.value}"
    return f"not {fact.value}" if fact.negated else fact.value


def _finding(old: _Holder, new: Statement, fact: ExtractedFact, kind: str, confidence: float, rule: str,
             summary: str) -> Finding:
    if fact.subject != USER:
        confidence *= THIRD_PARTY_FACTOR
    if fact.span and fact.span not in new.text and kind != REFINEMENT:
        confidence *= ELIDED_FACTOR
    return Finding(old_memory_id=old.statement.memory_id, new_memory_id=new.memory_id, slot=fact.slot,
                   old_value=_value(old.fact), new_value=_value(fact), contradiction_type=kind,
                   confidence=round(confidence, 4), rule=rule,
                   drift=compute_drift(old.statement.embedding, new.embedding), summary=summary,
                   severity=severity(fact.slot, kind, third_party=fact.subject != USER), subject=fact.subject)


def _change(old: _Holder, new: Statement, fact: ExtractedFact, kind: str, rule: str = "slot_value_change",
            confidence: float = CONFIDENCE_SLOT_CHANGE) -> Finding:
    return _finding(old, new, fact, kind, confidence, rule, f"{_label(fact)}: {old.fact.value} → {fact.value}")


def _denial(old: _Holder, new: Statement, fact: ExtractedFact, confidence: float = CONFIDENCE_DENIAL) -> Finding:
    return _finding(old, new, fact, _denial_type(fact, new.text), confidence, "slot_denial",
                    f"denied {_label(fact)} {old.fact.value}")


#: Values that state a marriage (not just a partner): after "I'm engaged" they are an update.
_MARRIAGE_WORDS = frozenset({"married", "wife", "husband", "spouse"})


def _single_findings(new: Statement, fact: ExtractedFact, state: _State) -> list[Finding]:
    key = state.key(fact)
    current = state.single.get(key)
    if fact.negated:
        return _single_denial(new, fact, state, key, current)
    if current is None or current.fact.normalized.startswith("-"):
        denied = state.negatives.get(key, {}).get(fact.normalized)
        if denied is not None:
            return [_change(denied, new, fact, change_type(new.text), "reaffirmed", CONFIDENCE_REAFFIRMED)]
        return []
    if current.fact.negated:  # "I'm single" -> "my wife and I"
        return [_change(current, new, fact, change_type(new.text), "reaffirmed", CONFIDENCE_REAFFIRMED)]
    relation = _relation(current.fact, fact)
    if fact.slot == "spouse" and current.fact.qualifier == "engaged" and fact.qualifier != "engaged" \
            and (relation in cmp.COMPATIBLE and fact.normalized != EXISTS
                 or relation == cmp.SAME and fact.value.lower() in _MARRIAGE_WORDS):
        return [_change(current, new, fact, "TEMPORAL")]
    if relation == cmp.SAME:
        return []
    if relation in cmp.COMPATIBLE:
        return [_finding(current, new, fact, REFINEMENT, CONFIDENCE_REFINEMENT, "refinement",
                         f"{_label(fact)}: {current.fact.value} ~ {fact.value} ({relation.replace('_', ' ')})")]
    if relation == cmp.ROLE_CHANGE:
        kind = change_type(new.text)
        return [_change(current, new, fact, "REVISION" if kind == "CONFLICT" else kind, "role_change",
                        CONFIDENCE_ROLE_CHANGE)]
    return [_change(current, new, fact, change_type(new.text))]


def _single_denial(new: Statement, fact: ExtractedFact, state: _State, key: Key, current: _Holder | None) -> list[Finding]:
    if current and not current.fact.negated and not current.fact.normalized.startswith("-"):
        if _is_generic(fact) or _relation(current.fact, fact) in _DENIED_BY:
            return [_denial(current, new, fact)]
        return []
    if fact.never and fact.slot == "spouse" and state.multi.get((fact.subject, "spouse", "former")):
        holder = list(state.multi[(fact.subject, "spouse", "former")].values())[-1]
        return [_denial(holder, new, fact)]
    if fact.never:
        for holder in reversed(list(state.former.get(key, {}).values())):
            if _is_generic(fact) or _relation(holder.fact, fact) in _DENIED_BY:
                return [_denial(holder, new, fact)]
    return []


def _multi_findings(new: Statement, fact: ExtractedFact, state: _State) -> list[Finding]:
    key = state.key(fact)
    if fact.negated:
        findings = [_denial(h, new, fact, CONFIDENCE_MULTI_DENIAL)
                    for _, held in _held_for(state, fact, key) for h in held.values() if _denies(fact, h.fact)]
        if not findings and fact.never:
            findings = [_denial(h, new, fact, CONFIDENCE_MULTI_DENIAL)
                        for h in state.former.get(key, {}).values() if _denies(fact, h.fact)]
        return findings
    none = state.none.get(key) or (state.none.get((fact.subject, fact.slot, "")) if fact.slot in {"pet", "child"} else None)
    if none is not None and fact.normalized != WILDCARD:
        return [_change(none, new, fact, change_type(new.text), "reaffirmed", CONFIDENCE_REAFFIRMED)]
    denied = next((h for h in state.negatives.get(key, {}).values()
                   if not _is_generic(h.fact) and _denies(h.fact, fact)), None)
    if denied is not None:
        return [_change(denied, new, fact, change_type(new.text), "reaffirmed", CONFIDENCE_REAFFIRMED)]
    return _exclusive_findings(new, fact, state, key) + _count_findings(new, fact, state, key)


def _exclusive_findings(new: Statement, fact: ExtractedFact, state: _State, key: Key) -> list[Finding]:
    """"I only speak Spanish" / "English is the only language I speak" vs other held values."""
    if not fact.exclusive or fact.slot not in {"language", "pet", "activity", "health", "diet"}:
        return []
    held = state.multi.get((fact.subject, fact.slot, "" if fact.qualifier == "only" else key[2]), {})
    return [_change(h, new, fact, change_type(new.text), "exclusive", CONFIDENCE_EXCLUSIVE)
            for h in held.values() if _relation(h.fact, fact) not in cmp.COMPATIBLE]


def _pet_count(fact: ExtractedFact) -> float | None:
    match = _LEADING_COUNT.match(fact.value.lower())
    if not match:
        return None
    number = lx.UNITS.get(match.group(1)) or (float(match.group(1)) if match.group(1).isdigit() else None)
    return float(number) if number else None


def _count_findings(new: Statement, fact: ExtractedFact, state: _State, key: Key) -> list[Finding]:
    """Explicit pet counts that differ ("two cats" vs "only one cat")."""
    if fact.slot != "pet" or _ADDITIVE.search(fact.span):
        return []
    count = _pet_count(fact) or (1.0 if fact.exclusive and _ONE.search(fact.span) else None)
    held = state.multi.get(key, {}).get(fact.normalized)
    if count is None or held is None or _pet_count(held.fact) in {None, count}:
        return []
    return [_change(held, new, fact, change_type(new.text), "count_change", CONFIDENCE_CROSS_SLOT)]


# ----------------------------------------------------------------------------------------------
# Cross-slot rules
# ----------------------------------------------------------------------------------------------

def _diet_findings(new: Statement, fact: ExtractedFact, state: _State) -> list[Finding]:
    """A diet that excludes a food group the user eats, in either order."""
    if fact.slot != "diet" or fact.negated:
        return []
    findings = []
    if fact.qualifier == "eats":
        allergies = state.multi.get((fact.subject, "health", "allergy"), {})
        if fact.normalized in allergies:  # eating what one is allergic to
            findings.append(_change(allergies[fact.normalized], new, fact, change_type(new.text), "diet_exclusion",
                                    CONFIDENCE_CROSS_SLOT))
        diets = [h for h in [state.single.get((fact.subject, "diet", "style"))] if h and not h.fact.negated]
        diets += list(state.multi.get((fact.subject, "diet", "restriction"), {}).values())
        for holder in diets:
            if fact.normalized in lx.DIET_EXCLUDES.get(holder.fact.normalized, ()):
                findings.append(_change(holder, new, fact, change_type(new.text), "diet_exclusion", CONFIDENCE_CROSS_SLOT))
        return findings
    excluded = lx.DIET_EXCLUDES.get(fact.normalized, frozenset())
    for holder in state.multi.get((fact.subject, "diet", "eats"), {}).values():
        if holder.fact.normalized in excluded:
            findings.append(_change(holder, new, fact, change_type(new.text), "diet_exclusion", CONFIDENCE_CROSS_SLOT))
    return findings


def _child_findings(new: Statement, fact: ExtractedFact, state: _State) -> list[Finding]:
    """Child counts against named / existing children."""
    if fact.negated or fact.slot not in {"child", "child_count"}:
        return []
    count = state.single.get((fact.subject, "child_count", ""))
    if fact.slot == "child" and fact.qualifier == "born":  # a birth changes any known number of children
        held = [h for k, h in state.single.items() if k[:2] == (fact.subject, "child_count") and not h.fact.negated]
        held += [h for h in state.multi.get((fact.subject, "child", ""), {}).values() if not h.fact.negated]
        if held:
            return [_change(held[-1], new, fact, "TEMPORAL", "child_count", CONFIDENCE_CROSS_SLOT)]
    if fact.slot == "child" and count and count.fact.normalized == "0":
        return [_change(count, new, fact, change_type(new.text), "child_count", CONFIDENCE_CROSS_SLOT)]
    if fact.slot == "child_count" and not fact.qualifier and fact.normalized not in {"0", EXISTS}:
        names = {k: h for k, h in state.multi.get((fact.subject, "child", ""), {}).items() if not _is_generic(h.fact)}
        names.update({f.normalized: None for f in analyze(new.text).facts if f.slot == "child" and not _is_generic(f)})
        try:
            wanted = float(fact.normalized.split("-")[0])
        except ValueError:
            return []
        if len(names) > wanted:
            holder = next((h for h in names.values() if h is not None), None)
            if holder is not None:
                return [_change(holder, new, fact, change_type(new.text), "child_count", CONFIDENCE_CROSS_SLOT)]
    return []


def _opposite_findings(new: Statement, fact: ExtractedFact, state: _State) -> list[Finding]:
    """"Purple is my least favorite color" vs "my favorite color is purple"; disliking one's
    favourite; taking a drug one is allergic to."""
    if fact.slot == "preference" and fact.negated:  # "I don't like pizza" after "pizza is my favorite food"
        for (subject, slot, qualifier), held in state.single.items():
            if subject == fact.subject and slot == "other" and qualifier.startswith("favorite ") \
                    and not held.fact.negated and _same_object(held.fact.normalized, fact.normalized):
                return [_change(held, new, fact, change_type(new.text), "preference_flip", CONFIDENCE_CROSS_SLOT)]
    if fact.negated:
        return []
    if fact.slot == "other" and fact.qualifier.startswith(("favorite ", "least favorite ")):
        flipped = fact.qualifier[6:] if fact.qualifier.startswith("least") else "least " + fact.qualifier
        held = state.single.get((fact.subject, "other", flipped))
        if held and not held.fact.negated and held.fact.normalized == fact.normalized:
            return [_change(held, new, fact, change_type(new.text), "preference_flip", CONFIDENCE_CROSS_SLOT)]
    if fact.slot == "spouse" and fact.qualifier == "former":  # "my ex-husband" after "I've never been married"
        never = [h for h in state.negatives.get((fact.subject, "spouse", ""), {}).values() if h.fact.never]
        if never:
            return [_change(never[-1], new, fact, change_type(new.text), "reaffirmed", CONFIDENCE_CROSS_SLOT)]
    if fact.slot == "other" and fact.qualifier.startswith("favorite "):
        for (subject, obj), held in state.preference.items():
            if subject == fact.subject and held.fact.negated and _same_object(obj, fact.normalized):
                return [_change(held, new, fact, change_type(new.text), "preference_flip", CONFIDENCE_CROSS_SLOT)]
    if fact.slot == "health" and fact.qualifier in {"medication", "allergy"}:
        other = "allergy" if fact.qualifier == "medication" else "medication"
        held = state.multi.get((fact.subject, "health", other), {}).get(fact.normalized)
        if held and not held.fact.negated:
            return [_change(held, new, fact, change_type(new.text), "diet_exclusion", CONFIDENCE_CROSS_SLOT)]
    return []


def _surname_findings(new: Statement, fact: ExtractedFact, state: _State) -> list[Finding]:
    """A surname against the last token of the held full name (and the reverse)."""
    if fact.slot != "name" or fact.negated:
        return []
    if fact.qualifier == "surname":
        full = state.single.get((fact.subject, "name", ""))
        if full and not full.fact.negated and len(full.fact.normalized.split()) > 1 \
                and full.fact.normalized.split()[-1] != fact.normalized:
            return [_change(full, new, fact, change_type(new.text), "surname", CONFIDENCE_CROSS_SLOT)]
        return []
    surname = state.single.get((fact.subject, "name", "surname"))
    tokens = fact.normalized.split()
    if surname and not surname.fact.negated and len(tokens) > 1 and tokens[-1] != surname.fact.normalized:
        return [_change(surname, new, fact, change_type(new.text), "surname", CONFIDENCE_CROSS_SLOT)]
    return []


def _degree_findings(new: Statement, fact: ExtractedFact, state: _State) -> list[Finding]:
    """"My highest degree is a master's" against a held doctorate (and the reverse)."""
    if fact.slot != "education" or fact.negated or fact.qualifier not in {"degree", "highest"}:
        return []
    level = lx.DEGREE_LEVELS.get(fact.normalized, 0)
    if fact.qualifier == "highest":
        held = state.multi.get((fact.subject, "education", "degree"), {}).values()
        above = [h for h in held if lx.DEGREE_LEVELS.get(h.fact.normalized, 0) > level]
        return [_change(above[-1], new, fact, change_type(new.text), "highest_degree", CONFIDENCE_CROSS_SLOT)] if above else []
    highest = state.single.get((fact.subject, "education", "highest"))
    if highest and not highest.fact.negated and level > lx.DEGREE_LEVELS.get(highest.fact.normalized, 0):
        return [_change(highest, new, fact, change_type(new.text), "highest_degree", CONFIDENCE_CROSS_SLOT)]
    return []


# ----------------------------------------------------------------------------------------------
# Preferences
# ----------------------------------------------------------------------------------------------

_GENERIC_OBJECT_WORDS = frozenset({"food", "foods", "stuff", "things", "thing", "anything", "everything", "weather",
                                   "kind", "type", "sort", "on", "weekends", "weekend", "the", "a", "an", "of", "in",
                                   "all", "really", "very", "much", "at", "to"})


@lru_cache(maxsize=16384)
def _object_words(normalized: str) -> frozenset[str]:
    words = {_OBJECT_SUFFIX.sub("", w) for w in normalized.split() if w not in _GENERIC_OBJECT_WORDS}
    return frozenset(w for w in words if w not in _GENERIC_OBJECT_WORDS)


def _same_object(a: str, b: str) -> bool:
    if a == b:
        return True
    wa, wb = _object_words(a), _object_words(b)
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def _apply_preference(state: _State, holder: _Holder) -> None:
    fact = holder.fact
    for key in [k for k in state.preference if k[0] == fact.subject and _same_object(k[1], fact.normalized)]:
        del state.preference[key]
    state.preference[(fact.subject, fact.normalized)] = holder


def _preference_findings(new: Statement, fact: ExtractedFact, state: _State) -> list[Finding]:
    for (subject, obj), holder in state.preference.items():
        if subject != fact.subject or not _same_object(obj, fact.normalized) or holder.fact.negated == fact.negated:
            continue
        if fact.negated and not holder.fact.negated and not _object_words(fact.normalized) <= _object_words(obj):
            continue  # "I love jazz" then "I don't love smooth jazz": a narrower dislike is compatible
        kind = change_type(new.text)
        if kind == "CONFLICT" and fact.negated and _EXPLICIT_NEGATION.search(fact.span):
            kind = "DENIAL"
        old_value, new_value = _value(holder.fact), _value(fact)
        return [_finding(holder, new, fact, kind, CONFIDENCE_PREFERENCE_FLIP, "preference_flip",
                         f"preference for {fact.value}: {old_value.split()[0]} → {new_value.split()[0]}")]
    return []


# ----------------------------------------------------------------------------------------------
# Walking the thread
# ----------------------------------------------------------------------------------------------

def statement_facts(statement: Statement, previous: tuple[ExtractedFact, ...]) -> tuple[ExtractedFact, ...]:
    """Facts the engine reads from one statement: its user facts (``Statement.facts``), the
    asserted facts about other people in its text, and its elliptical corrections resolved
    against ``previous`` (the facts of the last statement that had any)."""
    analysis = analyze(statement.text)
    facts = list(statement.facts)
    facts.extend(f for f in analysis.facts if f.subject not in {USER, "reported"} and f.modality == "asserted")
    for elided in analysis.elided:
        facts.extend(resolve_elided(elided, previous))
    return tuple(facts)


def _ordered(earlier: Sequence[Statement], new: Statement) -> list[Statement]:
    """Earlier statements sorted by timestamp (stable), without the new statement itself."""
    indexed = [(s.timestamp, i, s) for i, s in enumerate(earlier) if s.memory_id != new.memory_id]
    return [s for _, _, s in sorted(indexed, key=lambda item: (item[0], item[1]))]


def _facts_in_order(ordered: Iterable[Statement]) -> tuple[list[tuple[Statement, tuple[ExtractedFact, ...]]],
                                                           tuple[ExtractedFact, ...]]:
    """Each earlier statement with its facts (elliptical corrections resolved against the
    statement before), and the user facts of the last statement that had any."""
    per_statement, last = [], ()
    for statement in ordered:
        facts = statement_facts(statement, last)
        per_statement.append((statement, facts))
        user = tuple(f for f in facts if f.subject == USER)
        if user:
            last = user
    return per_statement, last


# Slots whose state a fact of a slot needs (cross-slot rules read the related slot).
_RELATED_SLOTS = {"child": {"child", "child_count"}, "child_count": {"child", "child_count"}, "diet": {"diet", "health"},
                  "preference": {"preference", "other"}, "other": {"other", "preference"}}


def _relevant_slots(facts: Iterable[ExtractedFact]) -> set[str]:
    slots: set[str] = set()
    for fact in facts:
        slots |= _RELATED_SLOTS.get(fact.slot, {fact.slot})
    return slots


def _build_state(per_statement: Iterable[tuple[Statement, tuple[ExtractedFact, ...]]],
                 slots: set[str] | None = None) -> _State:
    """Beliefs after the earlier statements; only facts of ``slots`` are applied (the others
    cannot matter for the new statement), all when ``slots`` is None."""
    state = _State()
    for statement, facts in per_statement:
        for fact in facts:
            if slots is None or fact.slot in slots:
                _apply(state, statement, fact)
    return state


def _fact_findings(new: Statement, fact: ExtractedFact, state: _State) -> list[Finding]:
    if fact.modality != "asserted":
        return []
    if fact.slot == "preference":
        findings = _preference_findings(new, fact, state)
    elif single_valued(fact.slot, fact.qualifier) and not (fact.slot == "other" and _ADDITIVE.search(new.text)):
        findings = _single_findings(new, fact, state)
    else:
        findings = _multi_findings(new, fact, state)
    for cross in (_diet_findings, _child_findings, _surname_findings, _degree_findings, _opposite_findings):
        findings.extend(cross(new, fact, state))
    return findings


_RULE_PRIORITY = {"slot_value_change": 0, "role_change": 1, "reaffirmed": 2, "exclusive": 3, "count_change": 3,
                  "diet_exclusion": 4, "child_count": 4, "surname": 4, "highest_degree": 4, "preference_flip": 5,
                  "slot_denial": 6, "statement_negation": 7, "refinement": 8, "pair_classifier": 9}


def _one_per_pair(findings: list[Finding]) -> list[Finding]:
    """Keep one finding per (old_memory_id, slot): a contradiction beats a refinement, a value
    change beats a denial (the ledger stores one entry per memory pair and slot)."""
    best: dict[tuple[str, str], Finding] = {}
    for finding in findings:
        key = (finding.old_memory_id, finding.slot)
        kept = best.get(key)
        if kept is None or (finding.is_contradiction, -_RULE_PRIORITY[finding.rule]) > (
                kept.is_contradiction, -_RULE_PRIORITY[kept.rule]):
            best[key] = finding
    order = {id(f): i for i, f in enumerate(findings)}
    return sorted(best.values(), key=lambda f: order[id(f)])


# ----------------------------------------------------------------------------------------------
# Generic statement negation
# ----------------------------------------------------------------------------------------------

_NEGATION_TOKENS = frozenset({"not", "never", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "havent",
                              "hasnt", "wont", "cant"})
_STOPWORDS = frozenset("""
a an the i me my mine myself we us our you your he him his she her it its they them their this
that these those am is are was were be been being do does did have has had having will would
shall should can could may might must to of in on at by for with from about as into over than
then so and or but if because while just really very also still too actually anymore any more
longer no yes oh well ok okay im ive id ill its
""".split())
_WORD = re.compile(r"[a-z0-9]+")


def _content_key(sentence: str) -> tuple[frozenset[str], bool]:
    """(content words, negated) of a sentence, negation and stopwords removed."""
    text = sentence.lower().replace("\u2019", "'")
    for pattern, replacement in _CONTRACTIONS:
        text = pattern.sub(replacement, text)
    tokens = _WORD.findall(text.replace("'", ""))
    negated = sum(t in _NEGATION_TOKENS for t in tokens) % 2 == 1
    content = frozenset(t for t in tokens if t not in _NEGATION_TOKENS and t not in _STOPWORDS)
    return content, negated


@lru_cache(maxsize=16384)
def _keyed_sentences(text: str, spans: tuple[str, ...]) -> tuple[tuple[frozenset[str], bool, str], ...]:
    """Keyed sentences eligible for the generic rule: not questions, and not holding a slot
    fact (recognised by its span), since slot rules decide those sentences."""
    keyed = []
    for sentence in mk.split_sentences(text):
        if mk.is_question_sentence(sentence) or any(span and span in sentence for span in spans):
            continue
        content, negated = _content_key(sentence)
        if len(content) >= 2:  # baseline choice: one content word is too little evidence
            keyed.append((content, negated, sentence))
    return tuple(keyed)


def _statement_sentences(statement: Statement) -> tuple[tuple[frozenset[str], bool, str], ...]:
    spans = tuple(f.span for f in analyze(statement.text).facts) + tuple(f.span for f in statement.facts)
    return _keyed_sentences(statement.text, spans)


def _negation_findings(new: Statement, ordered: Sequence[Statement], reported: set[str]) -> list[Finding]:
    keyed_new = _statement_sentences(new)
    if not keyed_new:
        return []
    latest: dict[frozenset[str], tuple[bool, Statement, str]] = {}
    for statement in ordered:
        for content, negated, sentence in _statement_sentences(statement):
            latest[content] = (negated, statement, sentence)
    findings = []
    for content, negated, sentence in keyed_new:
        earlier = latest.get(content)
        if earlier is None or earlier[0] == negated or earlier[1].memory_id in reported:
            continue
        reported.add(earlier[1].memory_id)
        findings.append(Finding(old_memory_id=earlier[1].memory_id, new_memory_id=new.memory_id, slot="statement",
                                old_value=earlier[2], new_value=sentence, contradiction_type="DENIAL",
                                confidence=CONFIDENCE_STATEMENT_NEGATION, rule="statement_negation",
                                drift=compute_drift(earlier[1].embedding, new.embedding),
                                summary=f'negates earlier statement: "{earlier[2]}"',
                                severity=severity("statement", "DENIAL")))
    return findings


# ----------------------------------------------------------------------------------------------
# The learned pair classifier hook
# ----------------------------------------------------------------------------------------------

def _facts_of(statement: Statement) -> tuple[ExtractedFact, ...]:
    return statement.facts or tuple(extract_facts(statement.text))


def _slot_keys(statement: Statement) -> set[tuple[str, str]]:
    facts = list(_facts_of(statement)) + [f for f in analyze(statement.text).facts
                                          if f.subject not in {USER, "reported"} and f.modality == "asserted"]
    return {(f.subject, f.slot) for f in facts}


def _rules_silent_on(statement: Statement) -> bool:
    """The rules decided that ``statement`` states nothing the user holds now: a question, or
    only hypothetical / other people's facts."""
    analysis = analyze(statement.text)
    if analysis.question:
        return True
    return bool(analysis.facts) and not analysis.user_facts and not analysis.elided


# People other than the speaker (markers' relation words without pets, whose facts are the user's).
_OTHER_PERSON_OPENING = re.compile(
    r"^\W*(?:my|our|his|her|their)\s+(?:best\s+)?(?:friend|boss|manager|co-?worker|colleague|roommate|flatmate"
    r"|neighbou?r|brother|sister|sibling|mom|mother|mum|dad|father|parents?|son|daughter|kids?|children|child"
    r"|wife|husband|spouse|partner|girlfriend|boyfriend|fianc[eé]e?|cousin|aunt|uncle|nephew|niece"
    r"|grand(?:ma|pa|mother|father|son|daughter)|in-laws?|mother-in-law|father-in-law|brother-in-law"
    r"|sister-in-law|teammate|classmate|client|landlord|ex|buddy|mentor)\b", re.I)
_FIRST_PERSON_WORD = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|myself|we|we're|we've|us)\b", re.I)


@lru_cache(maxsize=16384)
def _outside_classifier_scope(text: str, *, as_new: bool) -> bool:
    """The pair classifier judges only the user's own statements: not a statement that opens with
    somebody else ("My wife can't stand opera") and has no first-person word, nor, as the new
    statement, one the markers read as another person's or hypothetical (the trap categories of
    detection/eval/README.md, rules 13 and 14). The earlier statement may be hypothetical: a
    stated stance can be contradicted (label rule 14b)."""
    sentences = [s for s in mk.split_sentences(text) if s.strip()] or [text]
    if all(_OTHER_PERSON_OPENING.search(s) for s in sentences) and not _FIRST_PERSON_WORD.search(text):
        return True
    if as_new:
        flags = statement_flags(text)
        return bool(flags["third_party"] or flags["hypothetical"])
    return False


def pair_decided_by_rules(old: Statement, new: Statement) -> bool:
    """True when the slot rules decide the pair (old, new) on their own, so the learned pair
    classifier must not score it: either statement is a question; the new one states only
    hypothetical or other people's facts; both state the same slot (of the same subject); or a
    rule fires (:func:`detect` without a scorer returns a finding); or the pair is outside the
    classifier's scope (a new statement about somebody else or hypothetical, an earlier one about
    somebody else). Pure; the training command uses it so that training and serving see the
    same pairs."""
    if analyze(old.text).question or _rules_silent_on(new):
        return True
    if _outside_classifier_scope(new.text, as_new=True) or _outside_classifier_scope(old.text, as_new=False):
        return True
    if _slot_keys(old) & _slot_keys(new):
        return True
    return bool(detect(new, [old]))


def _classifier_findings(new: Statement, ordered: Sequence[Statement], decided: set[str],
                         pair_scorer: PairScorer, pair_threshold: float) -> list[Finding]:
    if _rules_silent_on(new) or _outside_classifier_scope(new.text, as_new=True):
        return []
    new_keys = _slot_keys(new)
    undecided = [old for old in ordered
                 if old.memory_id not in decided and not analyze(old.text).question and not (_slot_keys(old) & new_keys)
                 and not _outside_classifier_scope(old.text, as_new=False)]
    shortlist = getattr(pair_scorer, "shortlist", None)
    if shortlist is not None and len(undecided) > PAIR_SHORTLIST:
        undecided = shortlist(new, undecided, PAIR_SHORTLIST)
    if not undecided:
        return []
    model = getattr(pair_scorer, "version", None)
    score_many = getattr(pair_scorer, "score_many", None)
    probabilities = score_many(new, undecided) if score_many is not None else [pair_scorer(o, new) for o in undecided]
    findings = []
    for old, probability in zip(undecided, probabilities):
        probability = float(probability)
        if probability >= pair_threshold:
            by = f"pair classifier {model}" if model else "pair classifier"
            findings.append(Finding(old_memory_id=old.memory_id, new_memory_id=new.memory_id, slot="statement",
                                    old_value=old.text, new_value=new.text, contradiction_type="CONFLICT",
                                    confidence=round(probability, 4), rule="pair_classifier",
                                    drift=compute_drift(old.embedding, new.embedding),
                                    summary=f'{by}: contradicts "{old.text}" (p={probability:.2f})',
                                    severity=severity("statement", "CONFLICT")))
    return findings


# ----------------------------------------------------------------------------------------------
# Entry point
# ----------------------------------------------------------------------------------------------

def detect(new: Statement, earlier: Sequence[Statement], *, pair_scorer: PairScorer | None = None,
           pair_threshold: float = DEFAULT_PAIR_THRESHOLD) -> list[Finding]:
    """Decisions about ``new`` against the ``earlier`` statements of the same thread.

    ``earlier`` may be in any order (sorted here by ``timestamp``; ties keep input order); a
    statement with ``new.memory_id`` is ignored. Returns at most one :class:`Finding` per
    (old_memory_id, slot): slot findings first (in the order of the new facts), then generic
    ``statement`` negation findings, then pair-classifier findings. REFINEMENT findings are
    recorded non-conflicts (``Finding.is_contradiction`` is False). A repeated identical
    statement is never flagged.

    ``pair_scorer(old, new) -> P(contradiction)`` is called only for earlier statements that no
    rule decided (see :func:`pair_decided_by_rules`); a probability >= ``pair_threshold`` gives a
    CONFLICT finding with ``rule="pair_classifier"`` and ``confidence`` = the probability, its
    summary naming the scorer's ``version`` attribute when it has one. A scorer with a
    ``shortlist(new, earlier, k)`` method is asked for the :data:`PAIR_SHORTLIST` most similar
    undecided statements when there are more; one with ``score_many(new, earlier) -> [P, ...]``
    scores them in one batch (same probabilities as one call per pair).
    Raises ``ValueError`` if two embeddings have different dimensions.
    """
    ordered = _ordered(earlier, new)
    per_statement, last_facts = _facts_in_order(ordered)
    facts = statement_facts(new, last_facts)
    state = _build_state(per_statement, _relevant_slots(facts))
    slot_findings = [f for fact in facts for f in _fact_findings(new, fact, state)]
    findings = _one_per_pair(slot_findings)
    reported = {f.old_memory_id for f in findings}
    findings += _negation_findings(new, ordered, reported)
    if pair_scorer is not None:
        decided = {f.old_memory_id for f in findings}
        findings += _classifier_findings(new, ordered, decided, pair_scorer, pair_threshold)
    return findings
