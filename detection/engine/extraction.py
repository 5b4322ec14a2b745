"""Baseline rule-based extraction of the user's *own* facts from free English text.

Pure standard library (``re``, ``dataclasses``). The entry points are :func:`extract_facts`,
:func:`is_question`, :func:`question_slots` and :func:`normalize_value`.

How it works: the text is split into sentences (question sentences and reported speech are
dropped), each sentence into clauses (``;``, ``but``, ``because``, ``and I ...``), and each clause
is matched against a table of first-person patterns (``_RULES``). A pattern locates the start
of the value; the value then runs until a clause boundary (punctuation, ``and``, ``as``,
``since``, time words such as ``now`` / ``anymore`` / ``last month``...). Matches preceded by a
hypothetical/plan marker (``if``, ``might``, ``want to``...) or by somebody else's reporting verb
(``my boss said ...``) are skipped. Statements about other people produce nothing because every
pattern is anchored on ``I`` / ``my <own attribute>``.

All word lists and patterns are baseline choices, to be tuned by the evaluation harness.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, NamedTuple

EXTRACTOR_VERSION = "baseline-1"

#: Slots that hold one current value per user (a new different value contradicts the old one).
SINGLE_VALUED_SLOTS = frozenset({"name", "age", "employer", "job_title", "location", "spouse"})
#: Slots that hold a set of values (a new value is an addition, only a denial contradicts).
MULTI_VALUED_SLOTS = frozenset({"pet", "language", "preference"})
ALL_SLOTS = SINGLE_VALUED_SLOTS | MULTI_VALUED_SLOTS
#: Stable output order of :func:`question_slots`.
SLOT_ORDER = ("name", "age", "employer", "job_title", "location", "spouse", "pet", "language", "preference")


@dataclass(frozen=True)
class ExtractedFact:
    """One fact the user stated about themself.

    Fields:
        slot: one of :data:`SINGLE_VALUED_SLOTS` / :data:`MULTI_VALUED_SLOTS`.
        value: the value as written, e.g. ``"Microsoft"``, ``"Seattle"``, ``"thirty-four"``.
        normalized: comparison key from :func:`normalize_value` (``"microsoft"``, ``"34"``). For
            ``preference`` it is the liked/disliked object; the polarity is in ``negated``.
        negated: True when the user denies the value ("I don't work at Microsoft anymore") or,
            for ``preference``, dislikes the object ("I hate sushi").
        span: the matched text fragment (evidence), at most one clause.

    Raises ``ValueError`` for an unknown slot.
    """

    slot: str
    value: str
    normalized: str
    negated: bool = False
    span: str = ""

    def __post_init__(self) -> None:
        if self.slot not in ALL_SLOTS:
            raise ValueError(f"unknown slot {self.slot!r}; expected one of {sorted(ALL_SLOTS)}")


# ----------------------------------------------------------------------------------------------
# Lexicons (baseline choices, to be tuned by the evaluation harness)
# ----------------------------------------------------------------------------------------------

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
# A number 1..99 written in words ("thirty-four", "thirty four", "nineteen"); tens and teens are
# listed before units so that "seventy" is not read as "seven".
_NUMBER_WORDS = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine)\b)?"
    r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    r"|one|two|three|four|five|six|seven|eight|nine)\b"
)

# Head nouns accepted after "I'm a ..." / "my role is ..." (the trigger alone is too ambiguous:
# "I'm a big fan", "I'm a morning person").
_JOB_WORDS = frozenset("""
accountant actor actress administrator admin adviser advisor analyst animator architect artist
assistant associate attorney auditor author baker banker barber barista bartender biologist
bookkeeper builder butcher carpenter cashier ceo cfo chef chemist cleaner clerk coach consultant
contractor coo cook coordinator counselor counsellor cto dancer dentist designer detective
developer dev devops dietitian director doctor driver economist editor educator electrician
engineer entrepreneur executive farmer firefighter founder co-founder cofounder freelancer
gardener geologist hairdresser historian hygienist illustrator instructor intern investor janitor
journalist judge lawyer lead lecturer librarian lifeguard linguist machinist manager marketer
mathematician mechanic midwife musician nanny nurse nutritionist officer optometrist painter
paralegal paramedic pharmacist photographer physician physicist physiotherapist pilot plumber poet
politician principal producer professor programmer psychiatrist psychologist realtor receptionist
recruiter rep representative researcher salesman saleswoman salesperson scientist secretary sde
sre statistician student supervisor surgeon swe teacher technician therapist trader translator
tutor veterinarian vet waiter waitress welder writer
""".split())

_LANGUAGES = frozenset("""
afrikaans albanian amharic arabic armenian asl basque bengali bulgarian burmese cantonese catalan
chinese croatian czech danish dutch english esperanto estonian farsi filipino finnish french
georgian german greek gujarati hausa hebrew hindi hungarian icelandic igbo indonesian irish
italian japanese kannada kazakh khmer korean kurdish lao latin latvian lithuanian macedonian malay
malayalam mandarin marathi mongolian nepali norwegian pashto persian polish portuguese punjabi
romanian russian serbian sinhala slovak slovenian somali spanish swahili swedish tagalog tamil
telugu thai tibetan turkish ukrainian urdu uzbek vietnamese welsh yiddish yoruba zulu
""".split())

# Words that follow "I'm" / "my name is" but are not names (states, demonyms, religions, jobs).
_NOT_NAMES = frozenset("""
a an the not no so just very really also still now here there home back done new fine good great
ok okay sorry sure ready busy hungry thirsty tired sleepy happy sad angry upset glad excited
worried afraid scared nervous bored confused lost single married divorced widowed engaged pregnant
retired unemployed sick ill well late early free available allergic vegan vegetarian gay straight
bi lesbian trans going trying feeling looking working living doing getting thinking hoping
american british english canadian mexican brazilian argentinian european asian african australian
chinese japanese korean indian irish scottish welsh french german italian spanish portuguese dutch
swedish norwegian danish finnish polish russian ukrainian greek turkish israeli arab arabic
persian iranian iraqi egyptian nigerian kenyan texan californian christian catholic protestant
jewish muslim hindu buddhist sikh atheist agnostic mormon dr mr mrs ms miss prof sir madam god
in on at from by with of to for about into over afraid like only almost nearly always never
glad proud impressed sure positive certain curious interested is was are and or but has had
would does did who what where when why how important relevant secret unknown
""".split()) | _JOB_WORDS | _LANGUAGES

# Pet nouns -> species key. Breeds map to their species; "pet"/"animal" is the generic key.
_PET_SPECIES = {
    "dog": "dog", "puppy": "dog", "pup": "dog", "doggo": "dog", "retriever": "dog",
    "labrador": "dog", "poodle": "dog", "terrier": "dog", "beagle": "dog", "bulldog": "dog",
    "husky": "dog", "corgi": "dog", "dachshund": "dog", "chihuahua": "dog", "spaniel": "dog",
    "cat": "cat", "kitten": "cat", "kitty": "cat", "fish": "fish", "goldfish": "fish",
    "hamster": "hamster", "gerbil": "gerbil", "rabbit": "rabbit", "bunny": "rabbit",
    "parrot": "parrot", "bird": "bird", "budgie": "bird", "parakeet": "bird", "cockatiel": "bird",
    "canary": "bird", "turtle": "turtle", "tortoise": "tortoise", "snake": "snake",
    "lizard": "lizard", "gecko": "lizard", "iguana": "lizard", "guinea pig": "guinea pig",
    "ferret": "ferret", "horse": "horse", "pony": "horse", "hedgehog": "hedgehog",
    "chinchilla": "chinchilla", "rat": "rat", "mouse": "mouse", "frog": "frog",
    "pet": "pet", "animal": "pet",
}
_PET_IRREGULAR = {"mice": "mouse", "fish": "fish", "goldfish": "goldfish", "puppies": "puppy",
                  "bunnies": "bunny", "ponies": "pony", "kitties": "kitty", "huskies": "husky"}


def _pet_forms() -> dict[str, str]:
    """Surface form (singular and plural) -> pet noun of ``_PET_SPECIES``."""
    forms = {}
    for noun in _PET_SPECIES:
        forms[noun] = noun
        forms[noun + "s"] = noun
        forms[noun + "es"] = noun
    forms.update(_PET_IRREGULAR)
    return forms


_PET_FORMS = _pet_forms()
_PET_ALTERNATION = "|".join(sorted((re.escape(f) for f in _PET_FORMS), key=len, reverse=True))

_LOCATION_SYNONYMS = {
    "nyc": "new york", "new york city": "new york", "ny": "new york", "new york ny": "new york",
    "sf": "san francisco", "san fran": "san francisco", "la": "los angeles", "l a": "los angeles",
    "dc": "washington dc", "d c": "washington dc", "washington d c": "washington dc",
    "philly": "philadelphia", "vegas": "las vegas", "nola": "new orleans",
    "saint louis": "st louis", "the bay area": "bay area",
}
# Phrase rewrites applied inside a job title (so "senior software developer" also matches).
_JOB_SYNONYMS = (
    (re.compile(r"\b(?:software\s+(?:developer|dev|engineer)|software\s+development\s+engineer"
                r"|swe|sde)\b"), "software engineer"),
    (re.compile(r"\bphysician\b"), "doctor"),
    (re.compile(r"\battorney\b"), "lawyer"),
    (re.compile(r"\bsr\b"), "senior"),
    (re.compile(r"\bjr\b"), "junior"),
)
# Legal-form suffixes stripped from employers ("Microsoft Corp." -> "microsoft").
_COMPANY_SUFFIX = re.compile(
    r"(?:\s+(?:inc|incorporated|corp|corporation|co|company|llc|ltd|limited|plc|gmbh|ag|com))+$")

# Values that are never a fact value (pronouns, fillers, adverbs).
_BAD_FIRST_WORDS = frozenset("""
it that this these those there here home my your his her their our its me you him them us myself
yourself is was are be been being not no so very too what where which who whom how why when all
some any least night nights weekends times first while lot bit
""".split())
_GENERIC_PLACES = frozenset("""
apartment flat house home city town village suburb suburbs country countryside dorm dorms area
neighborhood neighbourhood building place car van
""".split())

# ----------------------------------------------------------------------------------------------
# Text splitting
# ----------------------------------------------------------------------------------------------

# Typographic quotes/dashes -> ASCII so patterns only deal with "'" and '"'.
_TYPOGRAPHY = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                             "\u2014": ", ", "\u2013": "-"})
# Abbreviations whose period must not end a sentence ("Dr. Smith", "St. Louis").
_ABBREVIATION = re.compile(r"\b(Mr|Mrs|Ms|Dr|Prof|St|Mt|Jr|Sr|vs|e\.g|i\.e)\.", re.I)
_PERIOD_PLACEHOLDER = "\x00"
# Sentence end: terminal punctuation followed by whitespace, or a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")
# Clause boundaries: semicolons, contrast/cause conjunctions, and "and" starting a new subject.
_CLAUSE_SPLIT = re.compile(
    r"\s*;\s*"
    r"|,?\s+\b(?:but|however|whereas|although|though|because|since|yet)\b\s*"
    r"|,?\s+and\s+(?=(?:I|I'm|I've|I'd|I'll|my|we|now|then|also|currently|recently)\b)"
    r"|,\s+and\s+",
    re.I,
)
# Tag questions that do not make a statement a question ("I work at Google, right?").
_TAG_QUESTION = re.compile(
    r",\s*(?:right|remember|ok|okay|you\s+know|correct|yeah|no|isn't\s+it|don't\s+i|didn't\s+i)"
    r"\s*\?+\s*$", re.I)
# Sentence openings that make a question even without "?": wh-word + auxiliary, or
# auxiliary + subject inversion ("do I", "is my"), or "tell me my ...".
_QUESTION_OPENING = re.compile(
    r"^(?:(?:who|what|where|which|whose|how)(?:'s|s)?\s+(?:is|are|was|were|do|does|did|am|can|"
    r"could|should|would|will|have|has|had|old|many|much|long|my|language|languages|pets?|"
    r"company|city|kind|type)\b"
    r"|(?:who|what|where|how|when|why)'s\b"
    r"|(?:do|does|did|am|is|are|was|were|can|could|will|would|should|have|has|had)\s+"
    r"(?:i|my|you|we|he|she|they|it|there)\b"
    r"|(?:tell|remind)\s+me\s+(?:of\s+)?(?:my|what|where|who|how)\b)",
    re.I,
)
# Polite requests phrased as questions are statements ("Can you remember that I work at X").
_REQUEST_OPENING = re.compile(
    r"^(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:remember|note|save|store|keep|record)\b", re.I)


def _prepare(text: str) -> str:
    text = text.translate(_TYPOGRAPHY)
    return _ABBREVIATION.sub(lambda m: m.group(1) + _PERIOD_PLACEHOLDER, text)


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into stripped, non-empty sentences (terminal punctuation kept).

    Typographic apostrophes/quotes are normalised to ASCII. Periods of common abbreviations
    ("Dr.", "St.") do not end a sentence. Never raises; ``""`` gives ``[]``.
    """
    sentences = _SENTENCE_END.split(_prepare(text or ""))
    return [s.replace(_PERIOD_PLACEHOLDER, ".").strip() for s in sentences if s and s.strip()]


def _split_clauses(sentence: str) -> list[str]:
    return [c.strip() for c in _CLAUSE_SPLIT.split(sentence) if c and c.strip()]


def is_question_sentence(sentence: str) -> bool:
    """True if one sentence (from :func:`split_sentences`) is a question: it ends with "?"
    (tag questions such as ", right?" excepted) or opens like one ("what's my name", "do I ...").
    Polite requests ("Can you remember that ...") are not questions. Never raises."""
    s = _TAG_QUESTION.sub(".", sentence.strip())
    if _REQUEST_OPENING.match(s):
        return False
    return s.endswith("?") or bool(_QUESTION_OPENING.match(s))


# ----------------------------------------------------------------------------------------------
# Normalization
# ----------------------------------------------------------------------------------------------

def parse_number(text: str) -> int | None:
    """Parse ``"34"``, ``"thirty-four"``, ``"thirty four"``, ``"one hundred and two"`` -> int.

    Returns ``None`` when the text is not a number. Never raises.
    """
    tokens = [t for t in re.split(r"[\s-]+", text.lower().strip()) if t and t != "and"]
    if not tokens:
        return None
    if len(tokens) == 1 and tokens[0].isdigit():
        return int(tokens[0])
    total = 0
    for token in tokens:
        if token in _UNITS:
            total += _UNITS[token]
        elif token in _TENS:
            total += _TENS[token]
        elif token == "hundred":
            total = max(total, 1) * 100
        elif token == "a" and total == 0:
            continue
        else:
            return None
    return total


def _basic_normalize(value: str) -> str:
    text = value.translate(_TYPOGRAPHY).lower().replace("'", "")
    text = re.sub(r"[^\w\s&-]", " ", text)
    text = re.sub(r"\s+", " ", text).strip(" -")
    return re.sub(r"^(?:the|a|an)\s+", "", text)


def _normalize_pet(text: str) -> str:
    words = [w for w in text.split() if w not in _UNITS and not w.isdigit()
             and w not in {"some", "several", "few", "couple", "of", "many", "lots", "any", "no"}]
    for candidate in (" ".join(words[-2:]), " ".join(words[-1:])):
        if candidate in _PET_FORMS:
            return _PET_SPECIES[_PET_FORMS[candidate]]
    return " ".join(words)


def normalize_value(slot: str, value: str) -> str:
    """Canonical comparison key for ``value`` in ``slot`` (see :class:`ExtractedFact`).

    Lowercases, strips punctuation/apostrophes and a leading article, then per slot: ``age``
    number words -> digits; ``employer`` drops legal suffixes (Inc, Corp., LLC...);
    ``location`` maps a few synonyms (NYC -> "new york", SF -> "san francisco");
    ``job_title`` rewrites synonyms (software developer / SWE -> "software engineer");
    ``pet`` -> species ("two cats" -> "cat", "puppy" -> "dog"); ``preference`` drops a leading
    "to". Synonym lists are baseline choices, to be tuned by the evaluation harness. Never raises.
    """
    text = _basic_normalize(value)
    if slot == "age":
        number = parse_number(text)
        return str(number) if number is not None else text
    if slot == "employer":
        stripped = _COMPANY_SUFFIX.sub("", text).strip()
        return stripped or text
    if slot == "location":
        return _LOCATION_SYNONYMS.get(text, text)
    if slot == "job_title":
        for pattern, replacement in _JOB_SYNONYMS:
            text = pattern.sub(replacement, text)
        return text
    if slot == "pet":
        return _normalize_pet(text)
    if slot == "preference":
        return re.sub(r"^to\s+", "", text)
    return text


# ----------------------------------------------------------------------------------------------
# Value parsers: raw text starting at the value -> _Parsed (or None when it is not a value)
# ----------------------------------------------------------------------------------------------

class _Parsed(NamedTuple):
    values: tuple[str, ...]
    end: int                 # characters of the raw text consumed by the value
    negated: bool = False    # the value itself carries a negation ("no pets")


# Where a value stops: punctuation, conjunctions/prepositions, and trailing time words.
_VALUE_BOUNDARY = re.compile(
    r"""[,;:!?()\[\]"]
      | \.(?=\s|$)                                   # a period ending the text (not "Amazon.com")
      | \s(?:and|but|or|as|since|because|so|though|although|while|where|which|who|whom|that
            |when|with|for|from|in|at|on|until|till|after|before|during|to|by|if|then|than
            |over|near|via|like)\b
      | \s(?:now|anymore|currently|today|tonight|yesterday|lately|recently|again|too|either
            |already|anyway|nowadays|full-time|part-time|remotely|btw|lol)\b
      | \s(?:any\s+more|no\s+more|no\s+longer|these\s+days|right\s+now|at\s+the\s+moment
            |for\s+now|this\s+(?:week|month|year)
            |last\s+(?:week|month|year|night|summer|spring|fall|autumn|winter)
            |next\s+(?:week|month|year)|(?:a|one|two|three|\d+)\s+(?:days?|weeks?|months?|years?)\s+ago)\b
    """,
    re.I | re.X,
)
_NAME_TOKEN = re.compile(r"[A-Za-z][A-Za-z'\-]*\x00?")  # \x00: masked period of "Jr."


def _cut(raw: str) -> tuple[str, int]:
    """Cut ``raw`` at the first value boundary; return (value stripped, end offset)."""
    match = _VALUE_BOUNDARY.search(raw)
    end = match.start() if match else len(raw)
    return raw[:end].strip(" '\"-\t"), end


def _phrase(raw: str, max_words: int, require_cap: bool = False) -> _Parsed | None:
    """A value of at most ``max_words`` words (limits per slot are baseline choices: longer
    cut values are usually not a clean value), optionally starting with a capital."""
    value, end = _cut(raw)
    words = value.split()
    if not words or len(words) > max_words or words[0].lower() in _BAD_FIRST_WORDS:
        return None
    head = words[1] if words[0].lower() in {"the", "a", "an"} and len(words) > 1 else words[0]
    if require_cap and not head[0].isupper():
        return None
    return _Parsed((value,), end)


def _parse_employer(raw: str) -> _Parsed | None:
    parsed = _phrase(raw, max_words=8)
    if parsed and _basic_normalize(parsed.values[0]) in {"living", "home", "moment", "while"}:
        return None
    return parsed


def _parse_employer_cap(raw: str) -> _Parsed | None:
    return _phrase(raw, max_words=8, require_cap=True)


def _parse_location(raw: str) -> _Parsed | None:
    parsed = _phrase(raw, max_words=5)
    if not parsed:
        return None
    words = parsed.values[0].split()
    if words[0].lower() in {"a", "an"} or _basic_normalize(parsed.values[0]) in _GENERIC_PLACES:
        return None
    if words[0].lower() == "the" and (len(words) == 1 or not words[1][0].isupper()):
        return None
    return parsed


def _parse_location_cap(raw: str) -> _Parsed | None:
    parsed = _parse_location(raw)
    return parsed if parsed and parsed.values[0][0].isupper() else None


def _job_value(raw: str) -> tuple[str, int] | None:
    value, end = _cut(raw)
    value = re.sub(r"^(?:an?|the)\s+", "", value, flags=re.I)
    value = re.sub(rf"^(?:\d{{1,3}}|{_NUMBER_WORDS})[-\s]years?[-\s]old\s+", "", value, flags=re.I)
    words = value.split()
    if not words or len(words) > 6 or words[0].lower() in _BAD_FIRST_WORDS:
        return None
    return value, end


def _parse_job(raw: str) -> _Parsed | None:
    found = _job_value(raw)
    return _Parsed((found[0],), found[1]) if found else None


def _parse_job_lexicon(raw: str) -> _Parsed | None:
    """Like :func:`_parse_job` but the head noun (last word before "of") must be a job word."""
    found = _job_value(raw)
    if not found:
        return None
    head = re.split(r"\s+of\s+", found[0].lower())[0].split()[-1]
    return _Parsed((found[0],), found[1]) if head in _JOB_WORDS else None


def _name_tokens(raw: str, require_cap: bool) -> _Parsed | None:
    value, end = _cut(raw)
    words = value.split()
    if not words or len(words) > 4 or words[0].lower() in _NOT_NAMES:
        return None
    if not all(_NAME_TOKEN.fullmatch(w) and not w.lower().endswith("'s") for w in words):
        return None
    if require_cap and not all(w[0].isupper() for w in words):
        return None
    if len(words[0]) > 5 and words[0].lower().endswith("ing"):
        return None
    return _Parsed((value,), end)


# Leading capitalised name tokens only ("Anna" in "Anna works at Google"), case-sensitive.
_LEADING_NAME = re.compile(r"[A-Z][a-z][A-Za-z-]*(?:\s+[A-Z][a-z][A-Za-z-]*)?(?!')\b")


def _parse_leading_name(raw: str) -> _Parsed | None:
    match = _LEADING_NAME.match(raw)
    if not match or match.group(0).split()[0].lower() in _NOT_NAMES:
        return None
    return _Parsed((match.group(0),), match.end())


def _parse_name(raw: str) -> _Parsed | None:
    return _name_tokens(raw, require_cap=False)


def _parse_name_cap(raw: str) -> _Parsed | None:
    return _name_tokens(raw, require_cap=True)


# The number after "I'm": must be followed by a years suffix, the end, or a boundary word, so
# that "I'm 5 minutes late" is not an age.
_AGE_VALUE = re.compile(
    rf"^(?P<num>\d{{1,3}}|{_NUMBER_WORDS})"
    r"(?:[-\s]*(?:years?|yrs?)(?:[-\s]+(?:old|of\s+age|young))?|\s*y/?o\b)?"
    r"(?=\s*$|\s*[,.;:!?)]|\s+(?:and|but|now|today|this|since|as|so|too|already|by|next|last|in"
    r"|btw|lol|years?|anymore|any\s+more|either)\b)",
    re.I,
)
_AGE_NUMBER = re.compile(rf"^(?P<num>\d{{1,3}}|{_NUMBER_WORDS})", re.I)


def _age(match: re.Match | None) -> _Parsed | None:
    if not match:
        return None
    number = parse_number(match.group("num"))
    if number is None or not 1 <= number <= 125:  # plausible human age, baseline choice
        return None
    return _Parsed((match.group("num"),), match.end())


def _parse_age(raw: str) -> _Parsed | None:
    return _age(_AGE_VALUE.match(raw))


def _parse_age_number(raw: str) -> _Parsed | None:
    """Number only; the pattern itself already checked the "-year-old" suffix."""
    return _age(_AGE_NUMBER.match(raw))


# "a dog named Rex", "two cats", "no pets", "a golden retriever"; not "a hot dog", "a cat allergy".
_PET_VALUE = re.compile(  # used with .match(), which anchors it
    r"(?P<no>no\s+)?"
    r"(?P<count>(?:any|an?|one|two|three|four|five|six|seven|eight|nine|ten|\d+|some|several"
    r"|a\s+couple\s+(?:of\s+)?|a\s+few|many|lots\s+of|a\s+lot\s+of)\s+)?"
    r"(?:(?:new|little|big|small|old|young|cute|rescue|rescued|pet|baby|black|white|brown|grey"
    r"|gray|orange|fluffy|tabby|golden|senior|sweet|lovely|other)\s+){0,2}"
    rf"(?P<noun>{_PET_ALTERNATION})\b(?!')"
    r"(?!\s+(?:allergy|allergies|food|toys?|sitter|bed|hair|person|lover|walker|door|bowl|tattoo"
    r"|shirt|mug|video|videos|show|meme|memes)\b)"
    r"(?:\s+(?:named|called)\s+(?P<pname>[A-Z][\w'-]*))?",
    re.I,
)


def _pet_item(match: re.Match) -> str | None:
    """Surface value of one pet phrase, or None when it is not clearly a pet."""
    noun, count = match.group("noun"), (match.group("count") or "").strip()
    plural = _PET_FORMS[noun.lower()] != noun.lower()
    if not (count or match.group("no") or plural or match.group("pname")):
        return None  # "I have chicken for dinner"
    is_number = count.lower() in _UNITS or count.isdigit()
    return f"{count} {noun}" if is_number and count.lower() not in {"a", "an", "one"} else noun


def _parse_pet(raw: str) -> _Parsed | None:
    """One or more pets: "a dog named Rex", "two cats", "a dog and a cat", "no pets"."""
    values: list[str] = []
    match, end, negated = _PET_VALUE.match(raw), 0, False
    while match:
        value = _pet_item(match)
        if value is None:
            break
        negated = negated or bool(match.group("no"))
        values.append(value)
        end = match.end()
        separator = _LANGUAGE_SEPARATOR.match(raw[end:])
        match = _PET_VALUE.match(raw, end + separator.end()) if separator else None
    return _Parsed(tuple(values), end, negated=negated) if values else None


def _parse_pet_noun(raw: str) -> _Parsed | None:
    match = re.match(rf"(?:{_PET_ALTERNATION})\b", raw, re.I)
    return _Parsed((match.group(0),), match.end()) if match else None


_LANGUAGE_FILLER = re.compile(
    r"^(?:a\s+little|a\s+bit\s+of|a\s+bit|some|fluent|basic|conversational|good|decent|native"
    r"|broken|perfect)\s+", re.I)
_LANGUAGE_SEPARATOR = re.compile(r"^\s*(?:,\s*and|,\s*or|,|and|or|&)\s*", re.I)
_WORD = re.compile(r"[A-Za-z]+")


def _parse_languages(raw: str) -> _Parsed | None:
    """One or more languages: "Spanish", "Spanish, French and German"."""
    filler = _LANGUAGE_FILLER.match(raw)
    pos = filler.end() if filler else 0
    values: list[str] = []
    end = pos
    while True:
        word = _WORD.match(raw, pos)
        if not word or word.group(0).lower() not in _LANGUAGES:
            break
        values.append(word.group(0))
        end = word.end()
        separator = _LANGUAGE_SEPARATOR.match(raw[end:])
        if not separator:
            break
        pos = end + separator.end()
    return _Parsed(tuple(values), end) if values else None


# Gerunds that mean nothing without their complement ("I like working at Google").
_LIGHT_GERUNDS = frozenset({"working", "living", "being", "doing", "having", "going", "getting"})


def _parse_preference(raw: str) -> _Parsed | None:
    parsed = _phrase(raw, max_words=6)
    if not parsed:
        return None
    value = re.sub(r"^to\s+", "", parsed.values[0], flags=re.I)
    if not value or value.split()[0].lower() in _BAD_FIRST_WORDS | _LIGHT_GERUNDS:
        return None
    return _Parsed((value,), parsed.end)


# ----------------------------------------------------------------------------------------------
# Pattern table
# ----------------------------------------------------------------------------------------------

_I = r"\bI"                                   # the speaker (IGNORECASE also accepts "i")
_WE = r"\b(?:I|we)"                           # the speaker's household (location only)
_BE = r"(?:'m|\s+am|m\b)"                     # I'm / I am / Im
_WE_BE = r"(?:'m|'re|\s+am|\s+are|m\b)"
_HAVE = r"(?:'ve|\s+have)?"                   # optional perfect auxiliary
# Adverbs allowed between subject and verb ("I now live", "I'm currently working").
_ADV = (r"(?:\s+(?:currently|now|still|also|actually|really|just|recently|officially|finally"
        r"|happily|presently|definitely|truly|absolutely|even|kinda|kind\s+of))*+")  # possessive: no backtracking
_USED = r"(?P<used>\s+used\s+to)?"            # "I used to work at X": a former value (negated)
# Verb negation right after the subject ("I don't work", "I no longer live").
_NEG = (r"(?P<neg>\s+(?:do\s+not|don't|dont|does\s+not|did\s+not|didn't|no\s+longer|never"
        r"|can't|cannot|can\s+not))?")
# Negation after a form of "be" ("I'm not married to", "my name is not").
_BE_NEG = r"(?P<neg>\s+(?:not|no\s+longer|never))?"
_V = r"\s+(?P<v>.+)"                           # the value: rest of the clause, cut later


class _Secondary(NamedTuple):
    regex: re.Pattern      # applied to the text right after the primary value
    slot: str
    parse: Callable[[str], _Parsed | None]
    negated: bool | None   # None: inherit the primary fact's negation


class _Rule(NamedTuple):
    slot: str
    regex: re.Pattern
    parse: Callable[[str], _Parsed | None]
    negated: bool = False                  # the pattern itself denies the value ("I quit X")
    secondary: tuple[_Secondary, ...] = ()


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


# "... at Google as a data scientist" -> job_title; "a nurse at Mercy Hospital" -> employer;
# "moved to Denver from Seattle" -> former location.
_AS_JOB = _Secondary(_rx(r"^\s+as\s+(?:an?\s+)?(?P<v>.+)"), "job_title", _parse_job, None)
_AT_EMPLOYER = _Secondary(_rx(r"^\s+(?:at|for|with)\s+(?P<v>.+)"), "employer", _parse_employer_cap, None)
_FROM_LOCATION = _Secondary(_rx(r"^\s+from\s+(?P<v>.+)"), "location", _parse_location, True)

_EMPLOYER_RULES = (
    # I work at/for X; I don't work at X anymore; I used to work for X
    _Rule("employer", _rx(_I + _ADV + _USED + _NEG + _ADV + r"\s+work(?:s|ing)?" + _ADV
                          + r"\s+(?:at|for)" + _V), _parse_employer, secondary=(_AS_JOB,)),
    # I've been working at X
    _Rule("employer", _rx(_I + r"(?:'ve|\s+have)\s+been\s+working\s+(?:at|for)" + _V),
          _parse_employer, secondary=(_AS_JOB,)),
    # I'm (now) working at X; I'm employed by X
    _Rule("employer", _rx(_I + _BE + _BE_NEG + _ADV + r"\s+(?:working|employed)\s+(?:at|for|by)" + _V),
          _parse_employer, secondary=(_AS_JOB,)),
    # I joined X; I just started at X; I got a job at X; I was hired by X (capitalised X only)
    _Rule("employer", _rx(
        _I + _HAVE + _ADV + r"\s+(?:joined|started\s+(?:working\s+|a\s+(?:new\s+)?job\s+)?(?:at|for|with)"
        r"|got\s+(?:a\s+(?:new\s+)?job|hired|an?\s+(?:offer|position|role))\s+(?:at|with|by)"
        r"|took\s+a\s+(?:new\s+)?job\s+(?:at|with)|(?:was|got|been)\s+hired\s+(?:by|at)"
        r"|accepted\s+an?\s+(?:offer|job|position)\s+(?:at|from|with))" + _V),
        _parse_employer_cap, secondary=(_AS_JOB,)),
    # my employer is X; my company is X (capitalised)
    _Rule("employer", _rx(r"\bmy\s+(?:current\s+|new\s+)?employer\s+(?:is|'s)" + _BE_NEG + _V), _parse_employer),
    _Rule("employer", _rx(r"\bmy\s+(?:current\s+|new\s+)?company\s+(?:is|'s)" + _BE_NEG + _V), _parse_employer_cap),
    # I quit X; I left (my job at) X; I was laid off from X -> former employer
    _Rule("employer", _rx(
        _I + _HAVE + _ADV + r"\s+(?:quit|left|resigned\s+from|(?:got|was|been)\s+(?:fired|laid\s+off|let\s+go)"
        r"\s+(?:from|by))\s+(?:my\s+(?:job|position|role)\s+(?:at|with)\s+)?(?P<v>.+)"),
        _parse_employer_cap, negated=True),
)

_JOB_RULES = (
    # I work as a nurse (at X)
    _Rule("job_title", _rx(_I + _ADV + _USED + _NEG + _ADV + r"\s+work(?:s|ing)?\s+as" + _V),
          _parse_job, secondary=(_AT_EMPLOYER,)),
    _Rule("job_title", _rx(_I + _BE + _BE_NEG + _ADV + r"\s+working\s+as" + _V), _parse_job,
          secondary=(_AT_EMPLOYER,)),
    # I'm a software engineer (at X) -- head noun must be a known job word
    _Rule("job_title", _rx(_I + _BE + _BE_NEG + _ADV + r"(?=\s+an?\s)" + _V), _parse_job_lexicon,
          secondary=(_AT_EMPLOYER,)),
    _Rule("job_title", _rx(_I + r"\s+used\s+to\s+be(?=\s+an?\s)" + _V), _parse_job_lexicon, negated=True),
    # my job title is X / my role is X
    _Rule("job_title", _rx(r"\bmy\s+(?:current\s+|new\s+)?(?:job\s+title|title|occupation|profession)"
                           r"\s+(?:is|'s)" + _BE_NEG + _V), _parse_job),
    _Rule("job_title", _rx(r"\bmy\s+(?:current\s+|new\s+)?(?:job|role|position)\s+(?:is|'s)" + _BE_NEG + _V),
          _parse_job_lexicon),
    # I was / got / have been promoted to X
    _Rule("job_title", _rx(_I + _HAVE + r"(?:\s+(?:just|recently|finally|been|was|got|officially|now|also))+"
                           r"\s+promoted\s+to" + _V), _parse_job),
)

_AGE_RULES = (
    _Rule("age", _rx(_I + _BE + _BE_NEG + r"(?:\s+(?:now|currently|only|just))*" + _V), _parse_age),
    _Rule("age", _rx(r"\bmy\s+age\s+(?:is|'s)" + _BE_NEG + _V), _parse_age),
    _Rule("age", _rx(_I + _HAVE + _ADV + r"\s+turned" + _V), _parse_age),
    # I'm a 34-year-old nurse
    _Rule("age", _rx(_I + _BE + _ADV + r"\s+an?\s+(?P<v>(?:\d{1,3}|" + _NUMBER_WORDS + r"))"
                     r"(?=[-\s]years?[-\s]old\b)"), _parse_age_number),
)

_LOCATION_RULES = (
    _Rule("location", _rx(_WE + _ADV + _USED + _NEG + _ADV + r"\s+(?:live|reside)\s+in" + _V), _parse_location),
    _Rule("location", _rx(_WE + _WE_BE + _BE_NEG + _ADV + r"\s+(?:living|residing|based|located|settled)"
                          r"\s+(?:in|out\s+of)" + _V), _parse_location),
    _Rule("location", _rx(_WE + r"(?:'ve|\s+have)" + _ADV + r"\s+(?:been\s+living|lived)\s+in" + _V),
          _parse_location),
    # I moved (here/back) (from X) to Y [from X]
    _Rule("location", _rx(_WE + _HAVE + _ADV + r"\s+(?:moved|relocated)(?:\s+(?:back|over|out|here|there))?"
                          r"(?:\s+from\s+[^,;]+?)?\s+to" + _V), _parse_location, secondary=(_FROM_LOCATION,)),
    _Rule("location", _rx(_WE + _HAVE + _ADV + r"\s+(?:moved|relocated)(?:\s+(?:away|out|here))?\s+from" + _V),
          _parse_location, negated=True),
    # home is Denver (clause start or "my home")
    _Rule("location", _rx(r"(?:^|\bmy\s+)home\s+(?:is|'s)" + _BE_NEG + _ADV + r"(?:\s+in)?" + _V),
          _parse_location_cap),
    _Rule("location", _rx(_I + r"(?:\s+now)?\s+call\s+(?P<v>.+?)\s+home\b"), _parse_location),
)

_SPOUSE_RULES = (
    _Rule("spouse", _rx(r"\bmy\s+(?:wife|husband|spouse|partner)(?:'s\s+name\s+is|\s+is|'s)" + _BE_NEG + _V),
          _parse_name_cap),
    _Rule("spouse", _rx(r"\bmy\s+(?:wife|husband|spouse)" + _V), _parse_leading_name),  # "my wife Anna ..."
    _Rule("spouse", _rx(_I + _BE + _BE_NEG + _ADV + r"\s+married\s+to" + _V), _parse_name_cap),
    _Rule("spouse", _rx(_I + _HAVE + _ADV + r"\s+(?:got\s+)?married(?:\s+to)?" + _V), _parse_name_cap),
    _Rule("spouse", _rx(_I + r"(?:'m|\s+am|'ve|\s+have|\s+got)?" + _ADV + r"\s+(?:got\s+)?(?:divorced|separated)"
                        r"(?:\s+from)?" + _V), _parse_name_cap, negated=True),
)

_NAME_RULES = (
    _Rule("name", _rx(r"\bmy\s+(?:full\s+|first\s+|real\s+)?name(?:'s|\s+is)" + _BE_NEG + _V), _parse_name),
    _Rule("name", _rx(r"(?:^|\b(?:please|just|you\s+can|you\s+may)\s+)call\s+me" + _V), _parse_name_cap),
    _Rule("name", _rx(_I + _BE + _V), _parse_name_cap),  # "I'm Sarah" (capitalised, not "I'm Tired")
)

_PET_RULES = (
    _Rule("pet", _rx(_I + _ADV + _NEG + _ADV + r"(?:\s+have\s+got|'ve\s+got|\s+have|\s+own|\s+got|'ve"
                     r"|\s+adopted)" + _V), _parse_pet),
    # my dog Rex ...; my dog's name is Rex; my cat is called Tom
    _Rule("pet", _rx(r"\bmy\s+(?P<v>" + _PET_ALTERNATION + r")(?=(?:'s\s+name\s+is|\s+is\s+(?:named|called))\b"
                     r"|\s+(?-i:[A-Z])[a-z]+\b)"), _parse_pet_noun),
)

_LANGUAGE_RULES = (
    _Rule("language", _rx(_I + _ADV + _NEG + _ADV + r"\s+(?:speak|can\s+speak|know|understand)" + _V),
          _parse_languages),
    _Rule("language", _rx(_I + _BE + _BE_NEG + _ADV + r"\s+(?:fluent|conversational|native)\s+in" + _V),
          _parse_languages),
    _Rule("language", _rx(r"\bmy\s+(?:native|first|mother)\s+(?:language|tongue)\s+is" + _V), _parse_languages),
)

# Verbs of liking / disliking; the polarity is resolved in _preference_negated.
_DISLIKE_VERBS = re.compile(r"^(?:hate|dislike|detest|despise|loathe|can't\s+stand|cannot\s+stand"
                            r"|can\s+not\s+stand)$", re.I)
_PREFERENCE_RULES = (
    _Rule("preference", _rx(_I + _ADV + _NEG + _ADV + r"\s+(?P<verb>love|like|enjoy|adore|prefer|hate|dislike"
                            r"|detest|despise|loathe|can't\s+stand|cannot\s+stand|can\s+not\s+stand)" + _V),
          _parse_preference),
    _Rule("preference", _rx(_I + _BE + _BE_NEG + _ADV + r"\s+(?:a\s+)?(?:big\s+|huge\s+|great\s+)?fan\s+of" + _V),
          _parse_preference),
)

_RULES = (_EMPLOYER_RULES + _JOB_RULES + _AGE_RULES + _LOCATION_RULES + _SPOUSE_RULES + _NAME_RULES
          + _PET_RULES + _LANGUAGE_RULES + _PREFERENCE_RULES)


# ----------------------------------------------------------------------------------------------
# Filters: hypotheticals, plans and other people's reported speech
# ----------------------------------------------------------------------------------------------

# Hypothetical / plan / wish markers; a match with one of these earlier in its comma-segment is
# not a fact ("I might move to Seattle", "I want to live in Paris", "I'd love to work at X").
_HYPOTHETICAL = _rx(
    r"\b(?:might|would|could|should|maybe|perhaps|possibly|probably|someday|hopefully|wanna|gonna"
    r"|considering|thinking\s+(?:about|of)|plan(?:s|ning|ned)?\s+(?:to|on)|want(?:s|ed)?\s+to"
    r"|hope\s+to|hoping\s+to|wish|dream(?:s|ing)?\s+(?:of|about)|going\s+to|about\s+to|tomorrow"
    r"|soon|next\s+(?:week|month|year)|in\s+the\s+future|if|unless|suppose|supposing|imagine"
    r"|pretend|whether)\b|'d\b|'ll\b")
# Future/possibility modals, case-sensitive so that "May" (month) and "Will" (name) pass.
_MODAL = re.compile(r"\b(?:may|will|shall)\b")
# Conditionals anywhere earlier in the clause ("If I lived in Paris, I ...").
_CONDITIONAL = _rx(r"\b(?:if|unless|suppose|supposing|imagine|wish|whether)\b")
# Reporting verbs; the report is someone else's unless "I"/"we" is among the two words before.
_REPORTING = _rx(
    r"\b(?:said|says|told|tells|thinks|thought|claims|claimed|mentioned|mentions|believes|believed"
    r"|insists|insisted|heard|wrote|writes|texted|assumes|assumed|according\s+to)\b")
_FIRST_PERSON = frozenset({"i", "i've", "i'd", "we", "we've"})
# "... anymore" right after a value negates it ("I work at X anymore" only occurs negated).
_TRAILING_NEGATION = _rx(r"^\s*(?:anymore|any\s+more|no\s+more|no\s+longer)\b")


def _reported_by_other(text: str) -> bool:
    for match in _REPORTING.finditer(text):
        before = re.findall(r"[A-Za-z']+", text[:match.start()])[-2:]
        if not any(word.lower() in _FIRST_PERSON for word in before):
            return True
    return False


def _blocked(clause: str, match: re.Match) -> bool:
    """True when the match sits in a hypothetical, a conditional or someone else's report."""
    before = clause[:match.start()]
    segment = clause[before.rfind(",") + 1:match.start("v")]
    if _HYPOTHETICAL.search(segment) or _MODAL.search(segment) or _CONDITIONAL.search(before):
        return True
    return _reported_by_other(before)


# ----------------------------------------------------------------------------------------------
# Extraction driver
# ----------------------------------------------------------------------------------------------

def _fact(slot: str, value: str, negated: bool, span: str) -> ExtractedFact:
    value = value.replace(_PERIOD_PLACEHOLDER, ".").strip()
    return ExtractedFact(slot=slot, value=value, normalized=normalize_value(slot, value), negated=negated,
                         span=span.replace(_PERIOD_PLACEHOLDER, ".").strip())


def _negation(rule: _Rule, groups: dict, parsed: _Parsed, tail: str) -> bool | None:
    """Polarity of a match; ``None`` when ambiguous ("I don't hate sushi" is not "I like it")."""
    negated = bool(rule.negated or groups.get("neg") or groups.get("used") or parsed.negated
                   or _TRAILING_NEGATION.match(tail))
    verb = groups.get("verb")
    if verb and _DISLIKE_VERBS.match(verb):
        return None if negated else True
    return negated


def _secondary_facts(rule: _Rule, tail: str, negated: bool, span: str) -> list[ExtractedFact]:
    facts = []
    for secondary in rule.secondary:
        match = secondary.regex.match(tail)
        parsed = secondary.parse(match.group("v")) if match else None
        if parsed is None:
            continue
        polarity = negated if secondary.negated is None else secondary.negated
        full_span = span + tail[:match.start("v") + parsed.end]
        facts.extend(_fact(secondary.slot, value, polarity, full_span) for value in parsed.values)
    return facts


def _apply_rule(rule: _Rule, clause: str, match: re.Match) -> list[ExtractedFact]:
    raw = clause[match.start("v"):]
    parsed = rule.parse(raw)
    if parsed is None:
        return []
    tail = raw[parsed.end:]
    negated = _negation(rule, match.groupdict(), parsed, tail)
    if negated is None:
        return []
    span = clause[match.start():match.start("v") + parsed.end]
    facts = [_fact(rule.slot, value, negated, span) for value in parsed.values]
    return facts + _secondary_facts(rule, tail, negated, span)


def _clause_facts(clause: str) -> list[ExtractedFact]:
    """Facts of one clause, ordered by where their pattern matched."""
    found = []
    for rule in _RULES:
        for match in rule.regex.finditer(clause):
            if not _blocked(clause, match):
                found.extend((match.start("v"), fact) for fact in _apply_rule(rule, clause, match))
    found.sort(key=lambda item: item[0])  # stable: same position keeps rule order
    return [fact for _, fact in found]


def _raw_sentences(text: str) -> list[str]:
    """Sentences with abbreviation periods still masked (so values are not cut at "St.")."""
    return [s.strip() for s in _SENTENCE_END.split(_prepare(text or "")) if s and s.strip()]


def _sentence_facts(sentence: str) -> list[ExtractedFact]:
    if '"' in sentence and _reported_by_other(sentence):
        return []  # quoted speech of someone else: '"I work at Google," she said.'
    facts = []
    for clause in _split_clauses(sentence):
        facts.extend(_clause_facts(clause))
    return facts


def _dedupe(facts: list[ExtractedFact]) -> list[ExtractedFact]:
    seen, unique = set(), []
    for fact in facts:
        key = (fact.slot, fact.normalized, fact.negated)
        if key not in seen:
            seen.add(key)
            unique.append(fact)
    return unique


def extract_facts(text: str) -> list[ExtractedFact]:
    """Extract the speaker's own facts from ``text``, in text order, without duplicates.

    Input: any string (``""`` -> ``[]``). Output: a list of :class:`ExtractedFact`; one
    sentence may give several facts ("I work at Google as a data scientist" -> employer and
    job_title). Question sentences, hypotheticals/plans ("I might move to Seattle"), statements
    about other people ("my boss lives in Austin") and others' reported speech give nothing.
    Duplicates (same slot, normalized value and polarity) are dropped. Never raises.
    """
    facts = []
    for sentence in _raw_sentences(text):
        if not is_question_sentence(sentence):
            facts.extend(_sentence_facts(sentence))
    return _dedupe(facts)


# ----------------------------------------------------------------------------------------------
# Questions
# ----------------------------------------------------------------------------------------------

def is_question(text: str) -> bool:
    """True when ``text`` asks something rather than states something.

    A sentence is a question when it ends with "?" (tag questions such as ", right?" excepted)
    or opens like one ("what's my name", "do I have a dog"). The text is a question when it has
    at least one question sentence and none of its other sentences states an extractable fact
    (so "Hi! What's my name?" is a question, "I moved to Denver. Where do I live?" is not).
    Never raises.
    """
    sentences = _raw_sentences(text)
    if not any(is_question_sentence(s) for s in sentences):
        return False
    return not any(_sentence_facts(s) for s in sentences if not is_question_sentence(s))


_QUESTION_SLOT_PATTERNS = {
    "name": re.compile(r"\b(?:what(?:'s|s|\s+is)\s+my\s+(?:full\s+|first\s+|real\s+)?name|who\s+am\s+i\b"
                       r"|\bmy\s+name\b)"),
    "age": re.compile(r"\b(?:how\s+old\s+am\s+i|my\s+age\b|what\s+age\s+am\s+i)"),
    "employer": re.compile(r"\b(?:where\s+do\s+i\s+(?:currently\s+|still\s+)?(?:live\s+and\s+)?work"
                           r"|who\s+do\s+i\s+work\s+for|where\s+am\s+i\s+(?:employed|working)"
                           r"|my\s+(?:employer|company)\b|what\s+company\s+do\s+i|which\s+company\s+do\s+i)"),
    "job_title": re.compile(r"\b(?:what\s+do\s+i\s+do\s+for\s+(?:a\s+)?(?:living|work)"
                            r"|my\s+(?:job|role|occupation|profession|job\s+title|title|position)\b"
                            r"|what\s+(?:kind\s+of\s+)?(?:job|work)\s+do\s+i\b|what\s+do\s+i\s+work\s+as)"),
    "location": re.compile(r"\b(?:where\s+do\s+i\s+(?:currently\s+|still\s+|now\s+)?live"
                           r"|where\s+am\s+i\s+(?:based|living|located)|where(?:'s|\s+is)\s+(?:my\s+)?home"
                           r"|what\s+city\s+do\s+i|where\s+did\s+i\s+move|which\s+city)"),
    "spouse": re.compile(r"\b(?:my\s+(?:wife|husband|spouse|partner)\b|who\s+am\s+i\s+married\s+to"
                         r"|am\s+i\s+married)"),
    "pet": re.compile(r"\b(?:pets?|animals?|do\s+i\s+(?:have|own)\s+(?:an?\s+|any\s+)?(?:"
                      + _PET_ALTERNATION + r"))\b"),
    "language": re.compile(r"\b(?:languages?|do\s+i\s+speak|what\s+do\s+i\s+speak|can\s+i\s+speak)\b"),
    "preference": re.compile(r"\b(?:what\s+do\s+i\s+(?:like|love|enjoy|hate|dislike)"
                             r"|do\s+i\s+(?:like|love|enjoy|hate|dislike)|my\s+favou?rite)\b"),
}


def question_slots(text: str) -> list[str]:
    """Slots that the question ``text`` asks about, in :data:`SLOT_ORDER`.

    "Where do I work?" -> ``["employer"]``; "what's my name?" -> ``["name"]``; "how old am I"
    -> ``["age"]``; "where do I live and work?" -> ``["employer", "location"]``. Returns ``[]``
    when ``text`` is not a question (:func:`is_question`) or asks about nothing slot-shaped.
    Never raises.
    """
    if not is_question(text):
        return []
    asked = " ".join(s.lower() for s in _raw_sentences(text) if is_question_sentence(s))
    return [slot for slot in SLOT_ORDER if _QUESTION_SLOT_PATTERNS[slot].search(asked)]
