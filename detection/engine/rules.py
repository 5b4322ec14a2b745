"""Baseline contradiction decision: a new statement against the earlier statements of a thread.

Pure standard library. :func:`detect` walks the earlier statements in time order to find the
*current* value of every slot, then checks each fact of the new statement against that state:

1. single-valued slot, affirmed, different from the current value -> value change
   (``REVISION`` / ``TEMPORAL`` / ``CONFLICT`` depending on markers in the new text);
2. single-valued slot, negated, equal to the current value -> ``DENIAL``;
3. multi-valued slot: a negated value that is currently held -> ``DENIAL``; a preference whose
   polarity flips (like <-> dislike) -> ``REVISION`` / ``TEMPORAL`` by markers, else ``DENIAL``
   if explicitly negated ("I don't love sushi"), else ``CONFLICT`` ("I hate sushi");
4. generic negation: the same sentence with and without "not" -> ``DENIAL`` (slot ``statement``),
   only for sentences that carry no slot fact (slot rules decide those).

Constants and marker lists are baseline choices, to be tuned by the evaluation harness.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from .extraction import (
    MULTI_VALUED_SLOTS,
    SINGLE_VALUED_SLOTS,
    ExtractedFact,
    is_question_sentence,
    split_sentences,
)

DETECTOR_VERSION = "baseline-1"

# Confidence per rule (0..1). Baseline choices, to be tuned by the evaluation harness.
CONFIDENCE_SLOT_CHANGE = 0.9        # single-valued slot got a different value
CONFIDENCE_DENIAL = 0.95            # explicit denial of the current single value
CONFIDENCE_MULTI_DENIAL = 0.9       # denial of a held pet / language
CONFIDENCE_PREFERENCE_FLIP = 0.85   # like <-> dislike of the same object
CONFIDENCE_STATEMENT_NEGATION = 0.75  # generic "X" vs "not X", no slot

# Self-correction markers in the new text -> REVISION (checked before TEMPORAL).
_REVISION_MARKERS = re.compile(
    r"\b(?:actually|i\s+meant|correction|i\s+misspoke|my\s+mistake|i\s+was\s+wrong|scratch\s+that"
    r"|typo)\b|\b(?:sorry|wait|no)\s*,|\bnot\s+[^,.;!?]{1,40}?,?\s+but\b",
    re.I,
)
# Change-over-time markers in the new text -> TEMPORAL.
_TEMPORAL_MARKERS = re.compile(
    r"\b(?:now|anymore|any\s+more|moved|new\s+job|just\s+started|started|recently|since|promoted"
    r"|switched|joined|these\s+days|used\s+to|no\s+longer|relocated|nowadays|turned|changed"
    r"|got\s+married|divorced|remarried)\b",
    re.I,
)
# Explicit negation inside a fact's span ("I don't love sushi" vs "I hate sushi").
_EXPLICIT_NEGATION = re.compile(r"\b(?:not|never|no\s+longer)\b|n't\b", re.I)

# Generic rule: negation tokens (after "n't" -> " not") and words ignored when comparing.
_NEGATION_TOKENS = frozenset({"not", "never", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt"})
_STOPWORDS = frozenset("""
a an the i me my mine myself we us our you your he him his she her it its they them their this
that these those am is are was were be been being do does did have has had having will would
shall should can could may might must to of in on at by for with from about as into over than
then so and or but if because while just really very also still too actually anymore any more
longer no yes oh well ok okay im ive id ill its
""".split())
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Statement:
    """One stored statement as the engine sees it.

    Fields: ``memory_id`` (opaque id); ``text``; ``timestamp`` (Unix seconds, orders the
    statements; ties keep input order); ``facts`` (the statement's :class:`ExtractedFact`
    tuple, usually from :func:`extract_facts`); ``embedding`` (unit-normalized vector, e.g.
    384-d, or ``None``).
    """

    memory_id: str
    text: str
    timestamp: float
    facts: tuple[ExtractedFact, ...]
    embedding: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Finding:
    """One contradiction between an earlier statement and the new one.

    Fields: ``old_memory_id`` / ``new_memory_id``; ``slot`` (a slot name, or ``"statement"``
    for the generic negation rule); ``old_value`` / ``new_value`` (surface values; a denial's
    new value is ``"not <value>"``, the generic rule uses the two sentences);
    ``contradiction_type`` (``"CONFLICT"``, ``"REVISION"``, ``"TEMPORAL"`` or ``"DENIAL"``);
    ``confidence`` (0..1, baseline constants of this module); ``rule`` (``slot_value_change``,
    ``slot_denial``, ``preference_flip`` or ``statement_negation``); ``drift``
    (``1 - cosine(old, new)`` in [0, 2], 4 decimals, ``None`` without both embeddings);
    ``summary`` (one readable sentence, e.g. ``"employer: Microsoft → Amazon"``);
    ``severity`` (``"LOW"``, ``"MEDIUM"``, ``"HIGH"``, ``"CRITICAL"``, seed 003's levels).
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


@dataclass
class _Holder:
    statement: Statement
    fact: ExtractedFact


@dataclass
class _State:
    """Current beliefs after walking the earlier statements."""

    single: dict[str, _Holder] = field(default_factory=dict)             # slot -> current value
    multi: dict[str, dict[str, _Holder]] = field(default_factory=dict)   # slot -> normalized -> holder
    preference: dict[str, _Holder] = field(default_factory=dict)         # object -> latest polarity


# ----------------------------------------------------------------------------------------------
# Helpers
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


def _same_value(slot: str, old: str, new: str) -> bool:
    """Equal keys; for names a token prefix also matches ("sarah" vs "sarah chen")."""
    if old == new:
        return True
    if slot in {"name", "spouse"}:
        a, b = old.split(), new.split()
        shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
        return bool(shorter) and longer[:len(shorter)] == shorter
    return False


def _change_type(text: str) -> str:
    if _REVISION_MARKERS.search(text):
        return "REVISION"
    if _TEMPORAL_MARKERS.search(text):
        return "TEMPORAL"
    return "CONFLICT"


def _finding(old: Statement, new: Statement, slot: str, values: tuple[str, str], kind: str,
             confidence: float, rule: str, summary: str) -> Finding:
    return Finding(old_memory_id=old.memory_id, new_memory_id=new.memory_id, slot=slot,
                   old_value=values[0], new_value=values[1], contradiction_type=kind,
                   confidence=confidence, rule=rule, drift=compute_drift(old.embedding, new.embedding),
                   summary=summary)


def _ordered(earlier: Sequence[Statement], new: Statement) -> list[Statement]:
    """Earlier statements sorted by timestamp (stable), without the new statement itself."""
    indexed = [(s.timestamp, i, s) for i, s in enumerate(earlier) if s.memory_id != new.memory_id]
    return [s for _, _, s in sorted(indexed, key=lambda item: (item[0], item[1]))]


# ----------------------------------------------------------------------------------------------
# State walk
# ----------------------------------------------------------------------------------------------

def _apply_fact(state: _State, statement: Statement, fact: ExtractedFact) -> None:
    holder = _Holder(statement, fact)
    if fact.slot == "preference":
        state.preference[fact.normalized] = holder
    elif fact.slot in SINGLE_VALUED_SLOTS:
        current = state.single.get(fact.slot)
        if not fact.negated:
            state.single[fact.slot] = holder
        elif current and _same_value(fact.slot, current.fact.normalized, fact.normalized):
            del state.single[fact.slot]
    elif fact.slot in MULTI_VALUED_SLOTS:
        held = state.multi.setdefault(fact.slot, {})
        if not fact.negated:
            held[fact.normalized] = holder
        else:
            for key in _denied_keys(fact, held):
                del held[key]


def _denied_keys(fact: ExtractedFact, held: dict[str, _Holder]) -> list[str]:
    """Held values a negated multi-valued fact denies ("no pets" denies every pet)."""
    if fact.slot == "pet" and fact.normalized == "pet":
        return list(held)
    return [fact.normalized] if fact.normalized in held else []


def _build_state(ordered: Sequence[Statement]) -> _State:
    state = _State()
    for statement in ordered:
        for fact in statement.facts:
            _apply_fact(state, statement, fact)
    return state


# ----------------------------------------------------------------------------------------------
# Slot rules
# ----------------------------------------------------------------------------------------------

def _single_finding(new: Statement, fact: ExtractedFact, state: _State) -> Finding | None:
    current = state.single.get(fact.slot)
    if current is None:
        return None
    same = _same_value(fact.slot, current.fact.normalized, fact.normalized)
    old_value = current.fact.value
    if fact.negated:
        if not same:
            return None
        return _finding(current.statement, new, fact.slot, (old_value, f"not {fact.value}"), "DENIAL",
                        CONFIDENCE_DENIAL, "slot_denial", f"denied {fact.slot} {old_value}")
    if same:
        return None
    return _finding(current.statement, new, fact.slot, (old_value, fact.value), _change_type(new.text),
                    CONFIDENCE_SLOT_CHANGE, "slot_value_change", f"{fact.slot}: {old_value} → {fact.value}")


def _multi_findings(new: Statement, fact: ExtractedFact, state: _State) -> list[Finding]:
    if not fact.negated:
        return []
    held = state.multi.get(fact.slot, {})
    findings = []
    for key in _denied_keys(fact, held):
        holder = held[key]
        findings.append(_finding(holder.statement, new, fact.slot, (holder.fact.value, f"not {fact.value}"),
                                 "DENIAL", CONFIDENCE_MULTI_DENIAL, "slot_denial",
                                 f"denied {fact.slot} {holder.fact.value}"))
    return findings


def _polarity(fact: ExtractedFact) -> str:
    return f"dislikes {fact.value}" if fact.negated else f"likes {fact.value}"


def _preference_finding(new: Statement, fact: ExtractedFact, state: _State) -> Finding | None:
    holder = state.preference.get(fact.normalized)
    if holder is None or holder.fact.negated == fact.negated:
        return None
    kind = _change_type(new.text)
    if kind == "CONFLICT" and fact.negated and _EXPLICIT_NEGATION.search(fact.span):
        kind = "DENIAL"
    old_value, new_value = _polarity(holder.fact), _polarity(fact)
    return _finding(holder.statement, new, "preference", (old_value, new_value), kind,
                    CONFIDENCE_PREFERENCE_FLIP, "preference_flip",
                    f"preference for {fact.value}: {old_value.split()[0]} → {new_value.split()[0]}")


def _slot_findings(new: Statement, state: _State) -> list[Finding]:
    findings: list[Finding] = []
    for fact in new.facts:
        if fact.slot == "preference":
            findings.extend(f for f in [_preference_finding(new, fact, state)] if f)
        elif fact.slot in SINGLE_VALUED_SLOTS:
            findings.extend(f for f in [_single_finding(new, fact, state)] if f)
        elif fact.slot in MULTI_VALUED_SLOTS:
            findings.extend(_multi_findings(new, fact, state))
    return findings


_RULE_PRIORITY = {"slot_value_change": 0, "preference_flip": 1, "slot_denial": 2, "statement_negation": 3}


def _one_per_pair(findings: list[Finding]) -> list[Finding]:
    """Keep one finding per (old_memory_id, slot): a value change beats a denial."""
    best: dict[tuple[str, str], Finding] = {}
    for finding in findings:
        key = (finding.old_memory_id, finding.slot)
        kept = best.get(key)
        if kept is None or _RULE_PRIORITY[finding.rule] < _RULE_PRIORITY[kept.rule]:
            best[key] = finding
    order = {id(f): i for i, f in enumerate(findings)}
    return sorted(best.values(), key=lambda f: order[id(f)])


# ----------------------------------------------------------------------------------------------
# Generic statement negation
# ----------------------------------------------------------------------------------------------

def _content_key(sentence: str) -> tuple[frozenset[str], bool]:
    """(content words, negated) of a sentence, negation and stopwords removed."""
    text = sentence.lower().replace("\u2019", "'")
    text = re.sub(r"\bcan't\b|\bcannot\b", "can not", text)
    text = re.sub(r"\bwon't\b", "will not", text)
    text = re.sub(r"n't\b", " not", text)
    text = re.sub(r"\bno\s+longer\b", " not ", text)
    tokens = _WORD.findall(text.replace("'", ""))
    negated = any(t in _NEGATION_TOKENS for t in tokens)
    content = frozenset(t for t in tokens if t not in _NEGATION_TOKENS and t not in _STOPWORDS)
    return content, negated


def _statement_sentences(statement: Statement) -> list[tuple[frozenset[str], bool, str]]:
    """Keyed sentences eligible for the generic rule: not questions, and not holding a slot
    fact (recognised by its span), since slot rules decide those sentences."""
    spans = [f.span for f in statement.facts if f.span]
    keyed = []
    for sentence in split_sentences(statement.text):
        if is_question_sentence(sentence) or any(span in sentence for span in spans):
            continue
        content, negated = _content_key(sentence)
        if len(content) >= 2:  # baseline choice: one content word is too little evidence
            keyed.append((content, negated, sentence))
    return keyed


def _negation_findings(new: Statement, ordered: Sequence[Statement], reported: set[str]) -> list[Finding]:
    latest: dict[frozenset[str], tuple[bool, Statement, str]] = {}
    for statement in ordered:
        for content, negated, sentence in _statement_sentences(statement):
            latest[content] = (negated, statement, sentence)
    findings = []
    for content, negated, sentence in _statement_sentences(new):
        earlier = latest.get(content)
        if earlier is None or earlier[0] == negated or earlier[1].memory_id in reported:
            continue
        reported.add(earlier[1].memory_id)
        findings.append(_finding(earlier[1], new, "statement", (earlier[2], sentence), "DENIAL",
                                 CONFIDENCE_STATEMENT_NEGATION, "statement_negation",
                                 f'negates earlier statement: "{earlier[2]}"'))
    return findings


# ----------------------------------------------------------------------------------------------
# Entry point
# ----------------------------------------------------------------------------------------------

def detect(new: Statement, earlier: Sequence[Statement]) -> list[Finding]:
    """Contradictions between ``new`` and the ``earlier`` statements of the same thread.

    ``earlier`` may be in any order (sorted here by ``timestamp``; ties keep input order); a
    statement with ``new.memory_id`` is ignored. Facts are taken from ``Statement.facts`` (not
    re-extracted); the generic negation rule reads ``Statement.text``. Returns at most one
    :class:`Finding` per (old_memory_id, slot), slot findings first (in the order of the new
    facts), then generic ``statement`` findings for pairs no slot rule reported. A repeated
    identical statement is never flagged. Raises ``ValueError`` if two embeddings have
    different dimensions.
    """
    ordered = _ordered(earlier, new)
    findings = _one_per_pair(_slot_findings(new, _build_state(ordered)))
    reported = {f.old_memory_id for f in findings}
    return findings + _negation_findings(new, ordered, reported)
