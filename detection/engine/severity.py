"""Severity of a finding: LOW / MEDIUM / HIGH / CRITICAL (the four levels of seed 003's
``Contradiction.severity``).

Pure standard library. The rule (a baseline choice, documented here and in the README's
detection section) combines how much harm acting on the wrong value could do (the slot's
*tier*) with what kind of change it is:

======================  ==========  =========  =========  =========
tier (slots)            CONFLICT    DENIAL     REVISION   TEMPORAL
======================  ==========  =========  =========  =========
safety (health)         CRITICAL    CRITICAL   HIGH       HIGH
identity (name, age,    HIGH        HIGH       MEDIUM     MEDIUM
spouse, child,
child_count,
education)
profile (employer, job  MEDIUM      MEDIUM     MEDIUM     MEDIUM
title, location, diet,
language, pet, vehicle,
experience, hometown)
taste (preference,      LOW         LOW        LOW        LOW
activity, other)
======================  ==========  =========  =========  =========

A REFINEMENT (recorded non-conflict) is always LOW; a learned pair-classifier finding (slot
``statement``) is MEDIUM; a contradiction about a third party is one level lower than the
table (the user's own facts matter more), never below LOW. The user-facing reading: CRITICAL
and HIGH should be confirmed with the user before the assistant relies on either value.
"""

from __future__ import annotations

LEVELS = ("LOW", "MEDIUM", "HIGH", "CRITICAL")

_TIERS = {
    "health": "safety",
    "name": "identity", "age": "identity", "spouse": "identity", "child": "identity", "child_count": "identity",
    "education": "identity",
    "preference": "taste", "activity": "taste", "other": "taste",
}
_TABLE = {
    "safety": {"CONFLICT": "CRITICAL", "DENIAL": "CRITICAL", "REVISION": "HIGH", "TEMPORAL": "HIGH"},
    "identity": {"CONFLICT": "HIGH", "DENIAL": "HIGH", "REVISION": "MEDIUM", "TEMPORAL": "MEDIUM"},
    "profile": {"CONFLICT": "MEDIUM", "DENIAL": "MEDIUM", "REVISION": "MEDIUM", "TEMPORAL": "MEDIUM"},
    "taste": {"CONFLICT": "LOW", "DENIAL": "LOW", "REVISION": "LOW", "TEMPORAL": "LOW"},
}


def tier(slot: str) -> str:
    """``safety`` / ``identity`` / ``profile`` / ``taste`` for a slot name (unknown -> profile)."""
    return _TIERS.get(slot, "profile")


def severity(slot: str, contradiction_type: str, *, third_party: bool = False) -> str:
    """Severity level of a finding, per the table in this module's docstring.

    ``slot`` is a slot name or ``"statement"`` (generic / pair-classifier findings: MEDIUM);
    ``contradiction_type`` one of CONFLICT, DENIAL, REVISION, TEMPORAL, REFINEMENT. Raises
    ``ValueError`` for an unknown type.
    """
    if contradiction_type == "REFINEMENT":
        return "LOW"
    if contradiction_type not in _TABLE["profile"]:
        raise ValueError(f"unknown contradiction type {contradiction_type!r}")
    if slot == "statement":
        return "MEDIUM"
    level = _TABLE[tier(slot)][contradiction_type]
    if third_party:
        level = LEVELS[max(0, LEVELS.index(level) - 1)]
    return level
