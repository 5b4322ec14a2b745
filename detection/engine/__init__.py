"""Pure-Python contradiction engine (standard library only, no Django).

``extract_facts`` / ``is_question`` / ``question_slots`` turn text into slot facts;
``detect`` compares a new :class:`Statement` with earlier ones and returns :class:`Finding` s.
"""

from .extraction import (
    EXTRACTOR_VERSION,
    MULTI_VALUED_SLOTS,
    SINGLE_VALUED_SLOTS,
    ExtractedFact,
    extract_facts,
    is_question,
    question_slots,
)
from .rules import DETECTOR_VERSION, Finding, Statement, detect

__all__ = [
    "ExtractedFact",
    "Statement",
    "Finding",
    "extract_facts",
    "is_question",
    "question_slots",
    "detect",
    "SINGLE_VALUED_SLOTS",
    "MULTI_VALUED_SLOTS",
    "EXTRACTOR_VERSION",
    "DETECTOR_VERSION",
]
