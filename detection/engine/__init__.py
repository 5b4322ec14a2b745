"""Pure-Python contradiction engine (standard library only, no Django).

``extract_facts`` / ``is_question`` / ``question_slots`` turn text into slot facts;
``statement_flags`` gives per-statement flags for the pair classifier's features;
``detect`` compares a new :class:`Statement` with earlier ones and returns :class:`Finding` s;
``pair_decided_by_rules`` says which pairs the learned pair classifier may score.
"""

from .extraction import (
    EXTRACTOR_VERSION,
    MULTI_VALUED_SLOTS,
    SINGLE_VALUED_SLOTS,
    ExtractedFact,
    analyze,
    extract_facts,
    is_question,
    question_slots,
    statement_flags,
)
from .rules import DETECTOR_VERSION, Finding, Statement, detect, pair_decided_by_rules
from .severity import severity

__all__ = [
    "ExtractedFact",
    "Statement",
    "Finding",
    "analyze",
    "extract_facts",
    "is_question",
    "question_slots",
    "statement_flags",
    "detect",
    "pair_decided_by_rules",
    "severity",
    "SINGLE_VALUED_SLOTS",
    "MULTI_VALUED_SLOTS",
    "EXTRACTOR_VERSION",
    "DETECTOR_VERSION",
]
