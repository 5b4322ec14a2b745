"""How two normalised values of the same slot relate: same, refinement, role change or conflict.

Pure standard library. :func:`relate` is the single place that decides whether a new value of a
single-valued slot contradicts the current one:

* ``SAME`` - equal keys, synonyms, acronyms ("IBM" / "International Business Machines"),
  nicknames of the same full name;
* ``MORE_SPECIFIC`` / ``MORE_GENERAL`` - one value contains the other (a city inside a region,
  "Alex" inside "Alexandra Chen", "Google" inside "Google Cloud", "engineer" inside "software
  engineer", an age inside "early thirties") - a *refinement*, not a contradiction;
* ``TOLERATED`` - numbers that differ by no more than the hedge tolerance ("about 10 years" vs
  "11 years");
* ``ROLE_CHANGE`` - job titles that differ only by seniority ("engineer" -> "senior engineer"):
  a contradiction of the current title, typed REVISION (issue 3);
* ``DIFFERENT`` - a contradiction.

Thresholds are baseline choices documented where they are defined.
"""

from __future__ import annotations

from functools import lru_cache

from . import lexicon as lx
from .normalization import field_parents, number_range, place_parents

SAME = "same"
MORE_SPECIFIC = "more_specific"
MORE_GENERAL = "more_general"
TOLERATED = "tolerated"
ROLE_CHANGE = "role_change"
DIFFERENT = "different"

#: Relations that are not contradictions.
COMPATIBLE = frozenset({SAME, MORE_SPECIFIC, MORE_GENERAL, TOLERATED})

#: Relative tolerance for hedged numbers ("about", "around", "closer to"): 10 % of the larger
#: value, at least 1 unit. Baseline choice matching the labelling guideline of detection/eval
#: ("within ~10 % with a hedge = not a contradiction").
HEDGE_RELATIVE_TOLERANCE = 0.10
HEDGE_MIN_TOLERANCE = 1.0
#: Ages follow the same 10 % rule as every hedged number (detection/eval/README.md, label rule 9:
#: "around 50" vs 52 is compatible). ``None`` = no age-specific cap. The first session capped
#: hedged ages at one year; that contradicted the labelling guideline and was dropped.
HEDGE_AGE_TOLERANCE = None

NUMERIC_SLOTS = frozenset({"age", "experience", "child_count"})
_NAME_SLOTS = frozenset({"name", "spouse", "child"})
_ORG_SLOTS = frozenset({"employer"})
_PLACE_SLOTS = frozenset({"location", "hometown"})


def _contains(outer: tuple[float, float], inner: tuple[float, float]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def relate_numbers(old: str, new: str, *, hedged: bool = False, max_tolerance: float | None = None) -> str:
    """Relation of two numeric keys ("34", "30-39"). A range containing the other value is a
    refinement; hedged values within :data:`HEDGE_RELATIVE_TOLERANCE` are ``TOLERATED``; any
    other difference is ``DIFFERENT``. Non-numeric keys compare as strings."""
    a, b = number_range(old), number_range(new)
    if a is None or b is None:
        return SAME if old == new else DIFFERENT
    if a == b:
        return SAME
    if _contains(a, b):
        return MORE_SPECIFIC
    if _contains(b, a):
        return MORE_GENERAL
    if hedged:
        tolerance = max(HEDGE_MIN_TOLERANCE, HEDGE_RELATIVE_TOLERANCE * max(a[1], b[1]))
        tolerance = tolerance if max_tolerance is None else min(tolerance, max_tolerance)
        gap = max(a[0] - b[1], b[0] - a[1], 0.0)
        if gap <= tolerance + 1e-9:
            return TOLERATED
    return DIFFERENT


def _first_names_match(a: str, b: str) -> bool:
    if a == b:
        return True
    if b in lx.NICKNAMES.get(a, ()) or a in lx.NICKNAMES.get(b, ()):
        return True
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    # "Alex" -> "Alexandra": a prefix of at least 3 letters (baseline choice; "Al" is too short).
    return len(shorter) >= 3 and longer.startswith(shorter)


def _initials(name: str) -> str:
    parts = name.split("-")
    return "".join(part[0] for part in parts) if len(parts) > 1 else ""


def relate_names(old: str, new: str) -> str:
    """Person names: same first name (or nickname / prefix of >= 3 letters) and, when both give
    one, the same last name (an initial matches). More tokens = ``MORE_SPECIFIC``."""
    a, b = old.split(), new.split()
    if not a or not b:
        return SAME if old == new else DIFFERENT
    if a == b:
        return SAME
    if len(a) == 1 and len(b) > 1 and (a[0] in b[1:] or _initials(b[0]) == a[0]):
        return MORE_SPECIFIC  # "Wei" -> "Chen Wei"; "JP" -> "Jean-Pierre Dubois"
    if len(b) == 1 and len(a) > 1 and (b[0] in a[1:] or _initials(a[0]) == b[0]):
        return MORE_GENERAL
    if not _first_names_match(a[0], b[0]):
        return DIFFERENT
    if len(a) > 1 and len(b) > 1:
        last_a, last_b = a[-1], b[-1]
        if not (last_a == last_b or (len(last_a) == 1 and last_b.startswith(last_a))
                or (len(last_b) == 1 and last_a.startswith(last_b))):
            return DIFFERENT
    if len(b) > len(a) or (len(b) == len(a) and len(b[0]) > len(a[0])):
        return MORE_SPECIFIC
    return MORE_GENERAL if (len(b) < len(a) or len(b[0]) < len(a[0])) else SAME


def _acronym(words: list[str]) -> str:
    return "".join(w[0] for w in words if w not in {"of", "and", "&", "the", "for"})


def relate_organisations(old: str, new: str) -> str:
    """Employers and schools: equal, acronym of each other ("ibm" / "international business
    machines") = ``SAME``; one a word prefix of the other ("google" / "google cloud",
    "stanford" / "stanford university") = refinement."""
    if old == new:
        return SAME
    a, b = old.split(), new.split()
    if (len(a) == 1 and len(b) > 2 and a[0] == _acronym(b)) or (len(b) == 1 and len(a) > 2 and b[0] == _acronym(a)):
        return SAME
    if len(a) < len(b) and b[:len(a)] == a:
        return MORE_SPECIFIC
    if len(b) < len(a) and a[:len(b)] == b:
        return MORE_GENERAL
    return DIFFERENT


def relate_places(old: str, new: str) -> str:
    """Places: a city inside a known region is a refinement of it ("bay area" -> "mountain
    view" = ``MORE_SPECIFIC``; the reverse ``MORE_GENERAL``); word-prefix forms too. A
    "city, region" key names the region explicitly: "portland, maine" differs from "portland"
    (which the gazetteer places in Oregon). Two distinct known places are ``DIFFERENT``."""
    if old == new:
        return SAME
    old_head, _, old_region = old.partition(", ")
    new_head, _, new_region = new.partition(", ")
    if old_head == new_head:
        if old_region and new_region:
            return DIFFERENT
        region, head = old_region or new_region, old_head
        if place_parents(head) and region not in place_parents(head):
            return DIFFERENT
        return MORE_SPECIFIC if new_region else MORE_GENERAL
    old_up = place_parents(old_head) | ({old_region} if old_region else set())
    new_up = place_parents(new_head) | ({new_region} if new_region else set())
    if old_head in new_up:
        return MORE_SPECIFIC
    if new_head in old_up:
        return MORE_GENERAL
    a, b = old.split(), new.split()
    if len(a) < len(b) and b[:len(a)] == a:
        return MORE_SPECIFIC
    if len(b) < len(a) and a[:len(b)] == b:
        return MORE_GENERAL
    return DIFFERENT


def relate_jobs(old: str, new: str) -> str:
    """Job titles: same head noun with added non-seniority words is a refinement ("engineer" ->
    "software engineer"); a difference in seniority words only is ``ROLE_CHANGE`` ("engineer"
    -> "senior engineer", "senior" -> "staff"); anything else ``DIFFERENT``."""
    if old == new:
        return SAME
    a, b = old.split(), new.split()
    if a and b and a[-1] != b[-1]:
        if lx.JOB_PARENTS.get(b[-1]) == a[-1] and not set(a[:-1]) - set(b[:-1]):
            return MORE_SPECIFIC  # "doctor" -> "pediatric cardiologist"
        if lx.JOB_PARENTS.get(a[-1]) == b[-1] and not set(b[:-1]) - set(a[:-1]):
            return MORE_GENERAL
    if not a or not b or a[-1] != b[-1]:
        return DIFFERENT
    sa, sb = set(a[:-1]), set(b[:-1])
    seniority_a, seniority_b = sa & lx.SENIORITY_WORDS, sb & lx.SENIORITY_WORDS
    domain_a, domain_b = sa - lx.SENIORITY_WORDS, sb - lx.SENIORITY_WORDS
    if domain_a and domain_b and domain_a != domain_b:
        return DIFFERENT
    if seniority_b < seniority_a and domain_b <= domain_a:
        return MORE_GENERAL  # "senior data scientist" -> "data scientist": less said, not changed
    if seniority_a != seniority_b:
        return ROLE_CHANGE
    if domain_a == domain_b:
        return SAME
    return MORE_SPECIFIC if len(domain_b) > len(domain_a) else MORE_GENERAL


def relate_fields(old: str, new: str) -> str:
    """Fields of study / work: a subfield is a refinement of its parent ("computer science" ->
    "machine learning"), also by word containment ("biology" / "marine biology")."""
    if old == new:
        return SAME
    if old in field_parents(new) or old in new.split() or new.endswith(" " + old):
        return MORE_SPECIFIC
    if new in field_parents(old) or new in old.split() or old.endswith(" " + new):
        return MORE_GENERAL
    return DIFFERENT


def relate_degrees(old: str, new: str) -> str:
    """Degree levels: the generic "degree" is compatible with any named degree; two named
    different levels are ``DIFFERENT``."""
    if old == new:
        return SAME
    if old == "degree":
        return MORE_SPECIFIC
    if new == "degree":
        return MORE_GENERAL
    return DIFFERENT


def relate_vehicles(old: str, new: str) -> str:
    """Vehicles "brand model": the brand alone is compatible with brand + model."""
    return relate_organisations(old, new)


@lru_cache(maxsize=65536)
def relate(slot: str, old: str, new: str, *, qualifier: str = "", hedged: bool = False) -> str:
    """Relation (one of the module constants) of the normalised values ``old`` -> ``new`` of
    ``slot`` (``qualifier`` selects the education sub-field). ``hedged`` widens numeric
    comparisons by the hedge tolerance. Pure and cached. Never raises."""
    if old == new:
        return SAME
    if slot in NUMERIC_SLOTS or (slot == "education" and qualifier == "year") or (
            slot == "other" and number_range(old) is not None and number_range(new) is not None):
        return relate_numbers(old, new, hedged=hedged and slot != "child_count",
                              max_tolerance=HEDGE_AGE_TOLERANCE if slot == "age" else None)
    if slot in _NAME_SLOTS:
        return relate_names(old, new)
    if slot in _ORG_SLOTS or (slot == "education" and qualifier == "school"):
        return relate_organisations(old, new)
    if slot in _PLACE_SLOTS:
        return relate_places(old, new)
    if slot == "job_title":
        return relate_jobs(old, new)
    if slot == "education" and qualifier == "degree":
        return relate_degrees(old, new)
    if slot == "education" or (slot == "other" and qualifier == "field of work"):
        return relate_fields(old, new)
    if slot == "vehicle":
        return relate_vehicles(old, new)
    return DIFFERENT
