"""Value normalisation: surface value -> comparison key, per slot (standard library only).

:func:`normalize_value` is what :class:`~detection.engine.extraction.ExtractedFact.normalized`
holds; :func:`parse_number` reads digits and English number words; :func:`place_parents` and
:func:`field_parents` expose the containment tables that :mod:`detection.engine.compare` uses to
tell a refinement ("Bay Area" -> "Mountain View") from a conflict ("Seattle" -> "Denver").
All tables are in :mod:`detection.engine.lexicon` (baseline choices, tuned on the dev split).
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import lexicon as lx

# Typographic quotes/dashes -> ASCII so every pattern only deals with "'" and '"'.
TYPOGRAPHY = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                            "\u2014": ", ", "\u2013": "-"})
# Legal-form suffixes stripped from employers ("Microsoft Corp." -> "microsoft").
_COMPANY_SUFFIX = re.compile(
    r"(?:\s+(?:inc|incorporated|corp|corporation|co|company|llc|ltd|limited|plc|gmbh|ag|com|sa|nv"
    r"|holdings|group|technologies|labs))+$")
# Number tokens inside a phrase: digits (with decimals) or number words.
_NUMBER_TOKEN = re.compile(r"\d+(?:\.\d+)?|" + lx.NUMBER_WORDS, re.I)
# An age range: "in my thirties", "early 30s", "mid-forties".
_DECADE_WORDS = {"twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60,
                 "seventies": 70, "eighties": 80, "nineties": 90, "teens": 10}
_RANGE = re.compile(r"^(?:in\s+my\s+)?(?P<part>early|mid|late)?[-\s]*(?P<decade>\d0s|twenties|thirties|forties"
                    r"|fifties|sixties|seventies|eighties|nineties|teens)$")
# A trailing ", WA" / " Washington" / " USA" after a known city.
_PLACE_QUALIFIERS = re.compile(r"^(?:downtown|central|greater|metro|suburban|north|south|east|west|northern"
                               r"|southern|eastern|western|outside|outside\s+of|near|just\s+outside)\s+")
_AREA_SUFFIX = re.compile(r"\s+(?:area|metro\s+area|metro|region|office|campus|hq|headquarters|branch)$")
# Small normalisation patterns.
_PUNCTUATION = re.compile(r"[^\w\s&+-]")                  # punctuation becomes a space
_SPACES = re.compile(r"\s+")
_ARTICLE = re.compile(r"^(?:the|a|an|my)\s+")             # a leading article is not part of a value
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_NUMERIC_KEY = re.compile(r"(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?")  # "34" or "30-39"
_FIELD_SUFFIX = re.compile(r"\s+(?:degree|major|studies)$")
_WORK_FIELD_SUFFIX = re.compile(r"\s+(?:industry|field|sector|space|world|department)$")  # "the tech industry"
_TRAILING_IN = re.compile(r"\s+in$")
_UNIVERSITY_OF = re.compile(r"^(?:the\s+)?university\s+of\s+")
_SCHOOL_SUFFIX = re.compile(r"\s+(?:university|college|institute|school|academy)$")
_VEHICLE_ADJECTIVE = re.compile(r"^(?:new|used|old|red|blue|black|white|silver|grey|gray|green|electric|little)\s+")
_MODEL_YEAR = re.compile(r"^(?:19|20)\d\d\s+")
_LEADING_TO = re.compile(r"^to\s+")
_PLURAL = re.compile(r"(?<=[a-z]{3})(?<!s)s$")


def basic_normalize(value: str) -> str:
    """Lowercase, ASCII quotes, punctuation to spaces (``&`` and ``-`` kept), leading article
    removed, whitespace collapsed. ``"The Acme, Inc."`` -> ``"acme inc"``. Never raises."""
    text = value.translate(TYPOGRAPHY).lower().replace("'", "").replace(".", "")
    text = _PUNCTUATION.sub(" ", text)
    text = _SPACES.sub(" ", text).strip(" -")
    return _ARTICLE.sub("", text)


def parse_number(text: str) -> float | None:
    """Number in ``text``: digits ("34", "2.5") or English words up to 99 ("thirty-four",
    "a dozen", "a decade"); ``None`` when ``text`` is not a number. Integers come back as
    ``int``. Never raises."""
    stripped = (text or "").strip()
    if _DECIMAL.fullmatch(stripped):
        number = float(stripped)
        return int(number) if number.is_integer() else number
    text = basic_normalize(text).replace("-", " ")
    if text.isdigit():
        return int(text)
    if text in lx.UNITS:
        return lx.UNITS[text]
    total = 0
    for token in text.split():
        if token in lx.TENS and total == 0:
            total = lx.TENS[token]
        elif token in lx.UNITS and token not in {"a", "an", "no"} and total % 10 == 0 and lx.UNITS[token] < 10:
            total += lx.UNITS[token]
        elif token in {"a", "and"}:
            continue
        else:
            return None
    return total if text else None


def numbers_in(text: str) -> list[float]:
    """All numbers of ``text`` in order, digits and number words ("I'm thirty-four, with 2
    kids" -> ``[34, 2]``). Never raises."""
    numbers = []
    for match in _NUMBER_TOKEN.finditer(text.translate(TYPOGRAPHY)):
        number = parse_number(match.group(0))
        if number is not None:
            numbers.append(float(number))
    return numbers


def number_range(normalized: str) -> tuple[float, float] | None:
    """Closed interval of a normalised numeric value: ``"34"`` -> ``(34, 34)``,
    ``"30-39"`` -> ``(30, 39)``; ``None`` if it is not numeric. Never raises."""
    match = _NUMERIC_KEY.fullmatch(normalized)
    if not match:
        return None
    low = float(match.group(1))
    return low, float(match.group(2)) if match.group(2) else low


def _normalize_range(text: str) -> str | None:
    match = _RANGE.match(text)
    if not match:
        return None
    decade = match.group("decade")
    start = int(decade[:2]) if decade[0].isdigit() else _DECADE_WORDS[decade]
    part = match.group("part")
    low, high = {"early": (0, 3), "mid": (3, 7), "late": (6, 9), None: (0, 9)}[part]
    return f"{start + low}-{start + high}"


def normalize_number(value: str) -> str:
    """``"thirty-four"`` -> ``"34"``; ``"early thirties"`` -> ``"30-33"``; else the basic form."""
    text = basic_normalize(value)
    number = parse_number(text)
    if number is not None:
        return str(number)
    ranged = _normalize_range(text)
    if ranged:
        return ranged
    found = numbers_in(text)
    return str(int(found[0]) if found[0].is_integer() else found[0]) if found else text


def normalize_employer(value: str) -> str:
    """Employer key: legal suffixes dropped, aliases mapped ("Facebook" -> "meta")."""
    text = basic_normalize(value).replace(" and ", " & ")
    text = _COMPANY_SUFFIX.sub("", text).strip() or text
    return lx.EMPLOYER_ALIASES.get(text, text)


def normalize_location(value: str) -> str:
    """Place key: synonyms ("NYC" -> "new york"), trailing state/country after a known city
    dropped ("Seattle, WA" -> "seattle"), "area"/"office" suffixes and "downtown" dropped."""
    text = basic_normalize(value)
    text = lx.LOCATION_SYNONYMS.get(text, text)
    if text in lx.KNOWN_PLACES:
        return text
    text = _PLACE_QUALIFIERS.sub("", text)
    text = lx.LOCATION_SYNONYMS.get(text, text)
    if text not in lx.KNOWN_PLACES:
        text = _AREA_SUFFIX.sub("", text).strip() or text  # "the Denver area" -> "denver"
    text = lx.LOCATION_SYNONYMS.get(text, text)
    words = text.split()
    for cut in range(len(words) - 1, 0, -1):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        head = lx.LOCATION_SYNONYMS.get(head, head)
        if head in lx.KNOWN_PLACES and (tail in lx.US_STATES or tail in lx.KNOWN_PLACES):
            region = lx.US_STATES.get(tail, tail) if tail not in lx.KNOWN_PLACES else tail
            region = "new york state" if region == "new york" and head != "new york" else region
            # "Seattle, WA" says nothing new; "Portland, Maine" is another Portland.
            return head if region in place_parents(head) or region == head else f"{head}, {region}"
    return text


def normalize_job(value: str) -> str:
    """Job-title key with synonyms ("SWE" -> "software engineer", "sr" -> "senior")."""
    text = basic_normalize(value)
    for pattern, replacement in _JOB_SYNONYMS:
        text = pattern.sub(replacement, text)
    return _SPACES.sub(" ", text).strip()


# Phrase rewrites inside a job title (so "senior software developer" also matches).
_JOB_SYNONYMS = (
    (re.compile(r"\bveterinary\s+(?:surgeon|doctor|physician)\b"), "veterinarian"),
    (re.compile(r"\b(?:family\s+(?:doctor|physician)|general\s+practitioner)\b"), "gp"),
    (re.compile(r"\bcab\b"), "taxi"),
    (re.compile(r"\bcertified\s+public\s+accountant\b"), "cpa"),
    (re.compile(r"\beducator\b"), "teacher"),
    (re.compile(r"\b(?:software\s+(?:developer|dev|engineer)|software\s+development\s+engineer"
                r"|swe|sde|coder|programmer)\b"), "software engineer"),
    (re.compile(r"\bml\b"), "machine learning"),
    (re.compile(r"\bai\b"), "artificial intelligence"),
    (re.compile(r"\bphysician\b"), "doctor"),
    (re.compile(r"\b(?:cop|policeman|policewoman|police)\b(?!\s+officer)"), "police officer"),
    (re.compile(r"\battorney\b"), "lawyer"),
    (re.compile(r"\bsr\b"), "senior"),
    (re.compile(r"\bjr\b"), "junior"),
    (re.compile(r"\bvp\b"), "vice president"),
    (re.compile(r"\bprof\b"), "professor"),
    (re.compile(r"\bdev\b"), "developer"),
    (re.compile(r"\bpm\b"), "product manager"),
    (re.compile(r"\bux\b"), "user experience"),
    (re.compile(r"\bvet\b"), "veterinarian"),
    (re.compile(r"\bnp\b"), "nurse practitioner"),
    (re.compile(r"\brn\b"), "registered nurse"),
)


def normalize_pet(value: str) -> str:
    """Pet key: the species ("two puppies" -> "dog", "a golden retriever" -> "dog")."""
    words = [w for w in basic_normalize(value).split() if w not in lx.UNITS and not w.isdigit()
             and w not in {"some", "several", "few", "couple", "of", "many", "lots", "any", "no", "more"}]
    for candidate in (" ".join(words[-2:]), " ".join(words[-1:])):
        if candidate in _PET_FORMS:
            return lx.PET_SPECIES[_PET_FORMS[candidate]]
    return " ".join(words)


def _pet_forms() -> dict[str, str]:
    """Surface form (singular and plural) -> pet noun of ``lexicon.PET_SPECIES``."""
    forms = {}
    for noun in lx.PET_SPECIES:
        forms[noun] = noun
        forms[noun + "s"] = noun
        forms[noun + "es"] = noun
    forms.update(lx.PET_IRREGULAR)
    return forms


_PET_FORMS = _pet_forms()
#: Every pet surface form, longest first, for regex alternations.
PET_FORMS = _PET_FORMS


def normalize_field(value: str) -> str:
    """Field-of-study key ("ML" -> "machine learning", "CS" -> "computer science")."""
    text = basic_normalize(value)
    text = _FIELD_SUFFIX.sub("", text)
    text = _WORK_FIELD_SUFFIX.sub("", text).strip() or text
    return lx.FIELD_SYNONYMS.get(text, text)


def normalize_degree(value: str) -> str:
    """Degree level key ("doctorate" / "Ph.D." -> "phd", "MSc" -> "masters")."""
    text = basic_normalize(value).replace("'", "")
    text = _TRAILING_IN.sub("", text)
    return lx.DEGREE_FORMS.get(text, lx.DEGREE_FORMS.get(text.rstrip("s"), text))


def normalize_school(value: str) -> str:
    """School key: "Stanford University" / "Stanford" -> "stanford"; "University of Michigan"
    -> "michigan"; aliases ("MIT") mapped like employers."""
    text = normalize_employer(value)
    text = _UNIVERSITY_OF.sub("", text)
    text = _SCHOOL_SUFFIX.sub("", text)
    return text.strip() or basic_normalize(value)


def normalize_vehicle(value: str) -> str:
    """Vehicle key "brand model": "a Civic" -> "honda civic", "Tesla" -> "tesla"."""
    text = basic_normalize(value)
    text = _VEHICLE_ADJECTIVE.sub("", text)
    text = _MODEL_YEAR.sub("", text)
    words = text.split()
    if words and words[0] in lx.CAR_BRANDS:
        brand = lx.CAR_BRAND_ALIASES.get(words[0], words[0])
        return " ".join([brand] + words[1:])
    if len(words) > 1 and " ".join(words[:2]) in lx.CAR_BRAND_ALIASES:
        return " ".join([lx.CAR_BRAND_ALIASES[" ".join(words[:2])]] + words[2:])
    if text in lx.CAR_MODELS:
        return f"{lx.CAR_MODELS[text]} {text}"
    return text


#: Preference words that name the same thing ("horror movies" = "horror films", "rainy weather" =
#: "rain"); baseline choice, written for the dev2 split's phrasings.
PREFERENCE_WORDS = {"movie": "film", "movies": "film", "films": "film", "flicks": "film", "flick": "film",
                    "rainy": "rain", "snowy": "snow", "sunny": "sun", "windy": "wind", "stormy": "storm",
                    "tv shows": "tv", "television": "tv", "telly": "tv", "footy": "football", "soccer": "football",
                    "veggies": "vegetable", "vegetables": "vegetable", "novels": "book", "novel": "book", "books": "book"}
#: Generic heads dropped after a qualifying word ("rainy weather" -> "rain", "spicy food" stays
#: "spicy food" only when the head is not listed here).
_GENERIC_PREFERENCE_HEADS = frozenset({"weather", "days", "season"})


def normalize_preference(value: str) -> str:
    """Preference object key: leading "to" dropped, simple plural folded ("dogs" -> "dog"),
    synonyms of :data:`PREFERENCE_WORDS` folded, a generic head after a qualifier dropped."""
    text = _LEADING_TO.sub("", basic_normalize(value))
    text = PREFERENCE_WORDS.get(text, text)
    words = [PREFERENCE_WORDS.get(w, w) for w in text.split()]
    if len(words) == 2 and words[1] in _GENERIC_PREFERENCE_HEADS:
        words = words[:1]
    if words and len(words) <= 2:
        words[-1] = _PLURAL.sub("", words[-1])
    return " ".join(words)


def normalize_language(value: str) -> str:
    """Language key ("Mandarin" -> "chinese", "Farsi" -> "persian")."""
    text = basic_normalize(value)
    return lx.LANGUAGE_SYNONYMS.get(text, text)


_NORMALIZERS = {
    "age": normalize_number, "experience": normalize_number, "child_count": normalize_number,
    "employer": normalize_employer, "location": normalize_location, "hometown": normalize_location,
    "job_title": normalize_job, "pet": normalize_pet, "preference": normalize_preference,
    "language": normalize_language, "vehicle": normalize_vehicle,
}
_EDUCATION_NORMALIZERS = {"degree": normalize_degree, "field": normalize_field, "school": normalize_school,
                          "year": normalize_number}


@lru_cache(maxsize=65536)
def normalize_value(slot: str, value: str, qualifier: str = "") -> str:
    """Canonical comparison key for ``value`` in ``slot`` (``qualifier`` matters for
    ``education``: degree / field / school / year). Lowercases, strips punctuation and a
    leading article, then applies the slot's normaliser above (numbers in words -> digits,
    company suffixes and aliases, place synonyms, job synonyms, pet species...). ``diet``,
    ``health``, ``other``, ``name``, ``spouse`` and ``child`` values are produced already
    canonical by the extractor and only get the basic form. Never raises; cached."""
    if slot == "education":
        return _EDUCATION_NORMALIZERS.get(qualifier, basic_normalize)(value)
    return _NORMALIZERS.get(slot, basic_normalize)(value)


@lru_cache(maxsize=4096)
def place_parents(place: str) -> frozenset[str]:
    """Every region containing the normalised ``place`` (transitively): "mountain view" ->
    {"silicon valley", "bay area", "northern california", "california", "usa", ...}. Unknown
    places give an empty set."""
    parents: set[str] = set()
    frontier = list(lx.CITY_PARENTS.get(place, ())) + list(lx.REGION_PARENTS.get(place, ()))
    while frontier:
        region = frontier.pop()
        if region in parents:
            continue
        parents.add(region)
        frontier.extend(lx.CITY_PARENTS.get(region, ()))
        frontier.extend(lx.REGION_PARENTS.get(region, ()))
    return frozenset(parents)


@lru_cache(maxsize=4096)
def field_parents(field: str) -> frozenset[str]:
    """Broader fields that contain ``field`` (transitively): "machine learning" ->
    {"artificial intelligence", "computer science", "data science", "statistics", "mathematics"}."""
    parents: set[str] = set()
    frontier = list(lx.FIELD_PARENTS.get(field, ()))
    while frontier:
        broader = frontier.pop()
        if broader not in parents:
            parents.add(broader)
            frontier.extend(lx.FIELD_PARENTS.get(broader, ()))
    return frozenset(parents)
