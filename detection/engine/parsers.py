"""Value parsers: the raw text that follows a pattern's trigger -> the value(s) it states.

Pure standard library. Every parser takes ``raw`` (text starting where the value starts) and
returns a :class:`Parsed` (values + how many characters were consumed) or ``None`` when the text
is not a value of that kind ("I'm a big fan" is not a job). Parsers are small and composable; the
pattern table in :mod:`detection.engine.patterns` decides which parser reads which trigger.
Length limits and word lists are baseline choices, tuned on the dev split.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from . import lexicon as lx
from .markers import PERIOD_PLACEHOLDER, rx
from .normalization import PET_FORMS, basic_normalize, normalize_job, numbers_in, parse_number

WILDCARD = "*"        # normalized key of a denial that covers every value ("no pets", "I'm single")
EXISTS = "+"          # normalized key of "some value, identity unknown" ("I'm married", "my son")


class Value(NamedTuple):
    """One value found by a parser. ``negated`` marks a value denied by itself ("no pets",
    the X of "Y, not X"); ``normalized`` overrides the slot normaliser (wildcards, groups)."""

    text: str
    qualifier: str = ""
    negated: bool = False
    normalized: str | None = None


class Parsed(NamedTuple):
    """Values of one match and the number of characters of ``raw`` they consumed."""

    values: tuple[Value, ...]
    end: int


def single(text: str, end: int, qualifier: str = "", normalized: str | None = None,
           negated: bool = False) -> Parsed:
    """A :class:`Parsed` holding one value."""
    return Parsed((Value(text, qualifier, negated, normalized),), end)


# ----------------------------------------------------------------------------------------------
# Cutting a value out of the rest of the clause
# ----------------------------------------------------------------------------------------------

# Where a value stops: punctuation, conjunctions/prepositions, and trailing time words.
_VALUE_BOUNDARY = re.compile(
    r"""[,;:!?()\[\]"]
      | \s-\s                                          # a dash between clauses
      | \.(?=\s|$)                                   # a period ending the text (not "Amazon.com")
      | \s(?:and|but|or|as|since|because|so|though|although|while|where|which|who|whom|that
            |when|with|for|from|in|at|on|until|till|after|before|during|to|by|if|then|than
            |over|near|via|like|doing|designing|filling|working|making|building|selling|running
            |writing|teaching|helping|managing|leading|is|was|are|were|has|had|have|do|does|did
            |my|our|his|her|their|living|based|located|residing|who|whose)\b
      | \s(?:now|anymore|currently|today|tonight|yesterday|lately|recently|again|too|either
            |already|anyway|nowadays|full-time|part-time|remotely|btw|lol|though|still|these|this
            |every|each|most|all|ever|since|instead|myself|actually|really|right|haha|honestly)\b
      | \s(?:any\s+more|no\s+more|no\s+longer|these\s+days|right\s+now|at\s+the\s+moment
            |for\s+now|this\s+(?:week|month|year)
            |last\s+(?:week|month|year|night|summer|spring|fall|autumn|winter)
            |next\s+(?:week|month|year)|(?:a|one|two|three|\d+)\s+(?:days?|weeks?|months?|years?)\s+ago)\b
    """,
    re.I | re.X,
)
# Values that are never a fact value (pronouns, fillers, adverbs).
BAD_FIRST_WORDS = frozenset("""
it that this these those there here home my your his her their our its me you him them us myself
yourself is was are be been being not no so very too what where which who whom how why when all
some any least night nights weekends times first while lot bit one same such
""".split())
_GENERIC_PLACES = frozenset("""
apartment flat house home city town village suburb suburbs country countryside dorm dorms area
neighborhood neighbourhood building place car van office same moment meeting hurry rush mood
middle process position situation relationship shape trouble love debt school college class bed
hospital kitchen garden line queue traffic
""".split())


# Small patterns used by the parsers below.
_DANGLING_JOINER = re.compile(r"\s+(?:and|&|of|the|for)$")          # "Bank of" -> "Bank"
# ", Oregon" / ", Ireland" right after a place.
_REGION_AFTER_COMMA = re.compile(r",\s*([A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)?)(?=\s*(?:[,.;!?]|$|\s+(?:and|but|now|for|since)\b))")
_PLACE_END = rx(r"\s*(?:$|[,.;!]|\s(?:now|these\s+days|for\s+(?:work|now)))")  # "I'm in Atlanta now."
_JOB_ARTICLE = rx(r"^(?:an?|the|my)\s+")
_OF = rx(r"\s+of\s+")                                                 # "head *of* marketing"
_PET_NAME_AFTER = re.compile(r"(?:'s\s+name\s+is|\s+is\s+(?:named|called)|,)?\s+([A-Z][\w'-]*)")  # case-sensitive
_ANY_LANGUAGE = rx(r"^(?:any|a\s+single)\s+(?:other\s+|foreign\s+)?languages?\b")
_NAME_LIST = re.compile(r",\s*|\s+and\s+")
_CHILD_NUMBER = rx(rf"(\d+|{lx.NUMBER_WORDS})(?:\s+(?:kids|children|boys|girls))?")  # "father of two"
_TO = rx(r"^to\s+")


def cut(raw: str) -> tuple[str, int]:
    """Cut ``raw`` at the first value boundary; return (value stripped, end offset)."""
    match = _VALUE_BOUNDARY.search(raw)
    end = match.start() if match else len(raw)
    return raw[:end].strip(" '\"-\t"), end


def phrase(raw: str, max_words: int, require_cap: bool = False) -> Parsed | None:
    """A value of at most ``max_words`` words (longer cut values are usually not a clean value),
    optionally starting with a capital."""
    value, end = cut(raw)
    words = value.split()
    if not words or len(words) > max_words or words[0].lower() in BAD_FIRST_WORDS:
        return None
    head = words[1] if words[0].lower() in {"the", "a", "an"} and len(words) > 1 else words[0]
    if require_cap and not head[0].isupper():
        return None
    return single(value, end)


# A capitalised name of an organisation: capitalised words, allowing "of", "&", "and", "de"
# between them and acronyms ("Bank of America", "Johnson & Johnson", "JPMorgan", "CVS").
_ORG_NAME = re.compile(
    r"(?:the\s+)?(?:[A-Z0-9][\w'&.\-]*\x00?)(?:\s+(?:(?:of|&|and|de|du|la|the)\s+)?[A-Z0-9][\w'&.\-]*\x00?)*")


def parse_org(raw: str) -> Parsed | None:
    """An organisation: capitalised words only ("CVS filling prescriptions" -> "CVS")."""
    match = _ORG_NAME.match(raw)
    if not match:
        return None
    value = _DANGLING_JOINER.sub("", match.group(0)).rstrip(".")
    end = match.start() + len(value)
    words = value.split()
    if not words or len(words) > 6 or words[0].lower() in {"i", "i'm", "my", "it", "this", "that", "there"}:
        return None
    return single(value, end)


# First names that are certainly people, not organisations ("I'm with Sarah" is company, not a job).
_PEOPLE = frozenset(lx.NICKNAMES) | frozenset(n for names in lx.NICKNAMES.values() for n in names)


def parse_org_not_person(raw: str) -> Parsed | None:
    """An organisation that is neither a known place nor a common first name ("I'm with KPMG")."""
    parsed = parse_org_not_place(raw)
    if parsed and basic_normalize(parsed.values[0].text) in _PEOPLE | NOT_NAMES:
        return None
    return parsed


def parse_org_not_place(raw: str) -> Parsed | None:
    """An organisation that is not a known place ("I'm at Airbus", not "I'm at Seattle")."""
    parsed = parse_org(raw)
    if parsed:
        from .normalization import normalize_location  # noqa: PLC0415 - avoid an import cycle at load

        key = normalize_location(parsed.values[0].text)
        if key in lx.KNOWN_PLACES or key.partition(", ")[0] in lx.KNOWN_PLACES:
            return None
    return parsed


def parse_employer(raw: str) -> Parsed | None:
    """Employer: a capitalised organisation, or a short lowercase description ("a startup")."""
    if raw[:1].isupper() or raw[:4] in {"the ", "The "} and raw[4:5].isupper():
        return parse_org(raw)
    parsed = phrase(raw, max_words=4)
    if parsed and basic_normalize(parsed.values[0].text) in {"living", "home", "moment", "while", "night"} | _GENERIC_PLACES:
        return None
    return parsed


def parse_employer_cap(raw: str) -> Parsed | None:
    """Employer that must be capitalised ("I joined Spotify", not "I joined a gym")."""
    return parse_org(raw) if raw[:1].isupper() else None


def parse_location(raw: str) -> Parsed | None:
    """A place: up to 5 words, not a generic place ("an apartment") nor a lowercase phrase."""
    value, end = cut(raw)
    # "Portland, Oregon" / "Dublin, Ireland": keep a known region after the comma.
    after = _REGION_AFTER_COMMA.match(raw[end:])
    if after and value and (basic_normalize(after.group(1)) in lx.KNOWN_PLACES
                            or basic_normalize(after.group(1)) in lx.US_STATES):
        value, end = f"{value}, {after.group(1)}", end + after.end()
    words = value.split()
    if not words or len(words) > 6 or words[0].lower() in BAD_FIRST_WORDS | {"a", "an"}:
        return None
    key = basic_normalize(value)
    if key in _GENERIC_PLACES or (words[0].lower() == "the" and (len(words) == 1 or not words[1][0].isupper())):
        return None
    known = key in lx.KNOWN_PLACES or key in lx.LOCATION_SYNONYMS
    if value.isupper() and len(value) <= 4 and not known:
        return None  # "ML", "HR", "IT": acronyms of fields, not places
    if not words[-1][0].isupper() and key not in lx.KNOWN_PLACES and key not in lx.LOCATION_SYNONYMS:
        return None
    return single(value, end)


def parse_location_cap(raw: str) -> Parsed | None:
    """A place that starts with a capital (or is a known lowercase synonym)."""
    parsed = parse_location(raw)
    if parsed and (parsed.values[0].text[0].isupper() or basic_normalize(parsed.values[0].text) in lx.KNOWN_PLACES):
        return parsed
    return None


# After "I'm in <place>": only the end of the clause or "now" (a visit says "for", "on", "this week").
_RESIDENCE_END = rx(r"\s*(?:$|[,.;!]|\s(?:now|these\s+days|nowadays|full-time|permanently)\b)")


def parse_place_at_clause_end(raw: str) -> Parsed | None:
    """A place followed by the end of the clause ("I'm in Atlanta." / "I'm in Brisbane now")."""
    parsed = parse_location_cap(raw)
    return parsed if parsed and _RESIDENCE_END.match(raw[parsed.end:]) else None


def parse_known_place(raw: str) -> Parsed | None:
    """A place the gazetteer knows, or a capitalised place name followed by the clause end."""
    parsed = parse_location_cap(raw)
    if not parsed:
        return None
    from .normalization import normalize_location  # noqa: PLC0415 - avoid an import cycle at load

    key = normalize_location(parsed.values[0].text)
    if key in lx.KNOWN_PLACES or key.split()[0] in lx.KNOWN_PLACES:
        return parsed
    rest = raw[parsed.end:]
    return parsed if _PLACE_END.match(rest) else None


# ----------------------------------------------------------------------------------------------
# Jobs, names, ages
# ----------------------------------------------------------------------------------------------

_AGE_PREFIX = re.compile(rf"^(?:\d{{1,3}}|{lx.NUMBER_WORDS})[-\s]years?[-\s]old\s+", re.I)


def _job_value(raw: str) -> tuple[str, int] | None:
    value, end = cut(raw)
    value = _JOB_ARTICLE.sub("", value)
    value = _AGE_PREFIX.sub("", value)
    words = value.split()
    if not words or len(words) > 6 or words[0].lower() in BAD_FIRST_WORDS:
        return None
    return value, end


def parse_job(raw: str) -> Parsed | None:
    """A job title, any words ("promoted to senior analyst")."""
    found = _job_value(raw)
    return single(found[0], found[1]) if found else None


def _job_head(value: str) -> str:
    return _OF.split(normalize_job(value))[0].split()[-1] if value.split() else ""


def parse_job_lexicon(raw: str) -> Parsed | None:
    """Like :func:`parse_job` but the head noun (last word before "of") must be a job word."""
    found = _job_value(raw)
    if not found:
        return None
    words = set(_OF.split(normalize_job(found[0]))[0].split())
    words |= set(_OF.split(found[0].lower())[0].split())
    known = lx.JOB_WORDS | lx.JOB_PARENTS.keys()
    if _job_head(found[0]) not in known and not words & known:
        return None
    return single(found[0], found[1])


# A name token: letters (any script), apostrophes and hyphens; \x00 is a masked "Jr." period.
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'\-]*\x00?")
_TITLE = re.compile(r"^(?:dr|mr|mrs|ms|miss|prof|professor|sir|madam|rev)\x00?\s+", re.I)


def name_tokens(raw: str, require_cap: bool) -> Parsed | None:
    """A person's name of 1-4 tokens ("Sarah", "Alexandra Chen", "Jean-Pierre Dubois"). A
    leading title ("Dr.") is dropped; "Dr. Okafor" alone gives the surname (qualifier
    ``surname``)."""
    title = _TITLE.match(raw)
    start = title.end() if title else 0
    value, end = cut(raw[start:])
    end += start
    words = value.split()
    if not words or len(words) > 4 or words[0].lower() in NOT_NAMES:
        return None
    if not all(_NAME_TOKEN.fullmatch(w) and not w.lower().endswith("'s") for w in words):
        return None
    if require_cap and not all(w[0].isupper() for w in words):
        return None
    if len(words[0]) > 5 and words[0].lower().endswith("ing"):
        return None
    qualifier = "surname" if title and len(words) == 1 else ""
    return single(value, end, qualifier=qualifier)


def parse_name(raw: str) -> Parsed | None:
    """A person's name, any case ("my name is sarah")."""
    return name_tokens(raw, require_cap=False)


def parse_name_cap(raw: str) -> Parsed | None:
    """A capitalised person's name ("I'm Sarah", not "I'm tired")."""
    return name_tokens(raw, require_cap=True)


# Leading capitalised name tokens only ("Anna" in "Anna works at Google"), case-sensitive.
_LEADING_NAME = re.compile(r",?\s*([A-Z][^\W\d_][\w-]*(?:\s+[A-Z][^\W\d_][\w-]*)?)(?!')\b")


def parse_leading_name(raw: str) -> Parsed | None:
    """"my wife Anna ..." / "my husband, Luis, ..." -> the name."""
    match = _LEADING_NAME.match(raw)
    if not match or match.group(1).split()[0].lower() in NOT_NAMES:
        return None
    return single(match.group(1), match.end())


# Words that follow "I'm" / "my name is" but are not names (states, demonyms, religions, jobs).
NOT_NAMES = frozenset("""
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
would does did who what where when why how important relevant secret unknown based originally
definitely actually honestly self-employed freelancing freelance fluent bilingual native diabetic
asthmatic childless pescatarian keto gluten-free lactose kosher halal right left wrong correct
somebody someone nobody everyone everybody people friends coworkers colleagues my your his her our
their yes yeah hey hi hello thanks thank dear these days this that it they them we us you me
mom dad mum mother father parent parents a.k.a aka also
""".split()) | lx.JOB_WORDS | lx.LANGUAGES


_AGE_VALUE = re.compile(
    rf"^(?P<num>\d{{1,3}}|{lx.NUMBER_WORDS})"
    r"(?:[-\s]*(?:years?|yrs?)(?:[-\s]+(?:old|of\s+age|young))?|\s*y/?o\b)?"
    r"(?=\s*$|\s*[,.;:!?)]|\s+(?:and|but|now|today|this|since|as|so|too|already|by|next|last|in|on"
    r"|btw|lol|years?|anymore|any\s+more|either|turning|going|though|myself|actually|if|which|when|yesterday"
    r"|tonight|recently|earlier|at|a|the|just|back|with|for|soon|already|honestly|right|i)\b)",
    re.I,
)
_AGE_NUMBER = re.compile(rf"^(?P<num>\d{{1,3}}|{lx.NUMBER_WORDS})", re.I)
# "in my (early|mid|late) thirties" / "in my 30s".
_AGE_RANGE = rx(r"^in\s+(?:my|his|her|their)\s+(?P<range>(?:early|mid|late)?[-\s]*(?:\d0s|twenties|thirties|forties"
                r"|fifties|sixties|seventies|eighties|nineties|teens))\b")


def _age(match: re.Match | None) -> Parsed | None:
    if not match:
        return None
    number = parse_number(match.group("num"))
    if number is None or not 1 <= number <= 125:  # plausible human age, baseline choice
        return None
    return single(match.group("num"), match.end())


def parse_age(raw: str) -> Parsed | None:
    """An age: "34", "thirty-four years old", "in my late twenties" (a range)."""
    ranged = _AGE_RANGE.match(raw)
    if ranged:
        return single(ranged.group("range"), ranged.end())
    return _age(_AGE_VALUE.match(raw))


def parse_age_number(raw: str) -> Parsed | None:
    """Number only; the pattern itself already checked the "-year-old" suffix."""
    return _age(_AGE_NUMBER.match(raw))


# ----------------------------------------------------------------------------------------------
# Pets, languages, children
# ----------------------------------------------------------------------------------------------

_PET_ALTERNATION = "|".join(sorted((re.escape(f) for f in PET_FORMS), key=len, reverse=True))
PET_ALTERNATION = _PET_ALTERNATION
_PET_NOUN = rx(rf"(?:{_PET_ALTERNATION})\b")
# "a dog named Rex", "two cats", "no pets", "a golden retriever"; not "a hot dog", "a cat allergy".
_PET_VALUE = re.compile(  # used with .match(), which anchors it
    r"(?P<no>no\s+)?"
    r"(?P<count>(?:any|an?|one|two|three|four|five|six|seven|eight|nine|ten|\d+|some|several|another"
    r"|a\s+couple\s+(?:of\s+)?|a\s+pair\s+of|a\s+few|many|lots\s+of|a\s+lot\s+of|a\s+second|a\s+third)\s+)?"
    r"(?:(?:new|little|big|small|old|young|cute|rescue|rescued|pet|baby|black|white|brown|grey|second|third|\w+-year-old"
    r"|gray|orange|fluffy|tabby|golden|senior|sweet|lovely|other|\w+-year-old|\w+-month-old|adorable)\s+){0,3}"
    rf"(?P<noun>{_PET_ALTERNATION})\b(?!')"
    r"(?!\s+(?:allergy|allergies|food|toys?|sitter|bed|hair|person|people|lover|walker|door|bowl|tattoo"
    r"|shirt|mug|video|videos|show|meme|memes|breast|wings?|soup|salad|nuggets?|sandwich|tenders|curry"
    r"|dinner|lunch|breakfast|meat|park|grooming|sitting)\b)"
    r"(?:,?\s+(?:named|called)\s+(?P<pname>[A-Z][\w'-]*)|,\s+(?P<aname>[A-Z][\w'-]*)(?=\s*(?:$|[,.;!])))?",
    re.I,
)


# Names after a plural pet phrase: "two cats, Mochi and Tofu" / "two dogs named Rex and Bo".
_PET_NAMES = re.compile(r",?\s+(?:(?:named|called)\s+)?(?P<names>[A-Z][\w'-]*(?:(?:,\s*|,?\s+and\s+)[A-Z][\w'-]*)+)"
                        r"(?=\s*(?:$|[,.;!]))")


def _pet_item(match: re.Match) -> Value | None:
    """One pet phrase as a value (qualifier = the pet's name), or None when not clearly a pet."""
    noun, count = match.group("noun"), (match.group("count") or "").strip()
    plural = PET_FORMS[noun.lower()] != noun.lower()
    name = match.group("pname") or match.group("aname") or ""
    if not (count or match.group("no") or plural or name):
        return None  # "I have chicken for dinner"
    is_number = count.lower() in lx.UNITS or count.isdigit()
    text = f"{count} {noun}" if is_number and count.lower() not in {"a", "an", "one"} else noun
    return Value(text, qualifier=name.lower(), negated=bool(match.group("no")))


def parse_pet(raw: str) -> Parsed | None:
    """One or more pets: "a dog named Rex", "two cats", "a dog and a cat", "no pets"."""
    values: list[Value] = []
    match, end = _PET_VALUE.match(raw), 0
    while match:
        value = _pet_item(match)
        if value is None:
            break
        if basic_normalize(match.group("noun")) in {"pet", "pets", "animal", "animals"}:
            value = value._replace(normalized=WILDCARD)
        values.append(value)
        end = match.end()
        names = _PET_NAMES.match(raw[end:]) if not value.qualifier else None
        if names:  # "two cats, Mochi and Tofu": one value per named pet
            values.extend(value._replace(qualifier=n.lower()) for n in _NAME_LIST.split(names.group("names")))
            end += names.end()
        separator = _LIST_SEPARATOR.match(raw[end:])
        match = _PET_VALUE.match(raw, end + separator.end()) if separator else None
    return Parsed(tuple(values), end) if values else None


def parse_pet_noun(raw: str) -> Parsed | None:
    """A pet noun and, when it follows, the pet's name ("dog, Rex" -> dog, qualifier "rex")."""
    match = _PET_NOUN.match(raw)
    if not match:
        return None
    name = _PET_NAME_AFTER.match(raw[match.end():])
    return single(match.group(0), match.end(), qualifier=name.group(1).lower() if name else "")


_LANGUAGE_FILLER = rx(r"^(?:a\s+little|a\s+bit\s+of|a\s+bit|some|any|fluent|basic|conversational|good|decent|native"
                      r"|broken|perfect|a\s+few\s+words\s+of)\s+")
_LIST_SEPARATOR = rx(r"^\s*(?:,\s*and|,\s*or|,|and|or|&|as\s+well\s+as|plus)\s*")
_WORD = re.compile(r"[A-Za-z]+")


def parse_languages(raw: str) -> Parsed | None:
    """One or more languages: "Spanish", "Spanish, French and German"."""
    filler = _LANGUAGE_FILLER.match(raw)
    pos = filler.end() if filler else 0
    values: list[Value] = []
    end = pos
    while True:
        word = _WORD.match(raw, pos)
        if not word or word.group(0).lower() not in lx.LANGUAGES:
            break
        values.append(Value(word.group(0)))
        end = word.end()
        separator = _LIST_SEPARATOR.match(raw[end:])
        if not separator:
            break
        pos = end + separator.end()
    return Parsed(tuple(values), end) if values else None


def parse_language_any(raw: str) -> Parsed | None:
    """"any other language(s)" / "any languages" -> wildcard (for "I never learned ...")."""
    match = _ANY_LANGUAGE.match(raw)
    return single(match.group(0), match.end(), normalized=WILDCARD) if match else parse_languages(raw)


# "two kids", "a son", "three children", "twins", "no kids", "a daughter and no sons".
_CHILD_VALUE = rx(
    r"(?P<no>no\s+)?(?P<count>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|any|some|several"
    r"|a\s+couple\s+of|both)?\s*(?:(?:little|young|grown|adult|teenage|baby|adopted|step|\w+-(?:year|month)-old)[-\s]?)?"
    r"(?P<noun>kids?|children|child|sons?|daughters?|twins|babies|baby|boys?|girls?|stepkids|stepchildren)\b"
    r"(?:,?\s+(?:named|called)?\s*(?P<names>(?-i:[A-Z])[\w'-]*(?:(?:,\s*|\s+and\s+)(?-i:[A-Z])[\w'-]*)*))?"
    r"(?:,\s+ages?\s+[\d\s,and]+)?")
_CHILD_QUALIFIER = {"son": "sons", "sons": "sons", "boy": "sons", "boys": "sons", "daughter": "daughters",
                    "daughters": "daughters", "girl": "daughters", "girls": "daughters"}


def _child_values(match: re.Match) -> list[Value]:
    noun = match.group("noun").lower()
    count_word = basic_normalize(match.group("count") or "") if match.group("count") else ""
    qualifier = _CHILD_QUALIFIER.get(noun, "")
    if noun in {"boy", "boys", "girl", "girls"} and not count_word:
        return []
    if match.group("no") or count_word in {"no", "zero", "none"}:
        return [Value(match.group(0), qualifier, True, WILDCARD), Value("0", "count:" + qualifier, False, "0")]
    if count_word == "any":  # "I don't have any kids": the verb carries the negation
        return [Value(match.group(0), qualifier, False, WILDCARD)]
    kind = qualifier[:-1] if qualifier else "child"
    values = [Value(kind, qualifier, False, EXISTS)]
    count = lx.COUNT_WORDS.get(count_word, parse_number(count_word) if count_word else None)
    if noun == "twins":
        values.append(Value("twins", "count:" + qualifier, False, "2-99"))
    elif count is not None and count_word not in {"a", "an", "some", "several", "a couple of"}:
        values.append(Value(str(count), "count:" + qualifier, False, str(count)))
    for name in _NAME_LIST.split(match.group("names") or ""):
        if name and name.lower() not in NOT_NAMES:
            values.append(Value(name, qualifier, False, None))
    return values


def parse_child_count(raw: str) -> Parsed | None:
    """"two" / "three kids" after "father of" -> a child count."""
    match = _CHILD_NUMBER.match(raw)
    number = parse_number(match.group(1)) if match else None
    if number is None:
        return None
    return Parsed((Value("child", "", False, EXISTS), Value(str(number), "count:", False, str(number))), match.end())


def parse_children(raw: str) -> Parsed | None:
    """Children: counts (qualifier ``count:`` / ``count:sons`` / ``count:daughters``),
    existence (``+``), names, and denials ("no kids" -> ``*`` negated + count 0)."""
    values: list[Value] = []
    match, end = _CHILD_VALUE.match(raw), 0
    while match:
        values.extend(_child_values(match))
        end = match.end()
        separator = _LIST_SEPARATOR.match(raw[end:])
        match = _CHILD_VALUE.match(raw, end + separator.end()) if separator else None
    return Parsed(tuple(values), end) if values else None


# ----------------------------------------------------------------------------------------------
# Preferences and free "other" values
# ----------------------------------------------------------------------------------------------

# Gerunds that mean nothing without their complement ("I like working at Google").
_LIGHT_GERUNDS = frozenset({"working", "living", "being", "doing", "having", "going", "getting", "it", "that",
                            "this", "him", "her", "them", "you", "my", "our", "how", "what", "when"})


def parse_preference(raw: str) -> Parsed | None:
    """The liked/disliked object: up to 6 words, not a pronoun or a light gerund; "my job"-like
    objects (:data:`_OWN_THINGS`) are kept with their "my"."""
    own = raw.lower().split()[:2]
    if len(own) == 2 and own[0] == "my" and own[1].strip(".,!;") in _OWN_THINGS:  # "I hate my job"
        word = own[1].strip(".,!;")
        return single(f"my {word}", raw.lower().index(word) + len(word))
    parsed = phrase(raw, max_words=6)
    if not parsed:
        return None
    value = _TO.sub("", parsed.values[0].text)
    words = value.lower().split()
    if not value or words[0] in BAD_FIRST_WORDS | _LIGHT_GERUNDS:
        return None
    return single(value, parsed.end)


#: Things of one's own that can be liked or disliked ("I love my job" vs "I hate my job").
_OWN_THINGS = frozenset("""job work career commute city town neighbourhood neighborhood house home flat apartment
boss manager team coworkers colleagues life car school course degree""".split())


def parse_short(raw: str) -> Parsed | None:
    """A short free value (1-5 words) for the "other" fallback ("blue", "The Matrix")."""
    return phrase(raw, max_words=5)


# ----------------------------------------------------------------------------------------------
# Numbers with units (experience, salary, distances...)
# ----------------------------------------------------------------------------------------------

# A quantity: optional bound/hedge words, a number (digits with separators, words, "and a
# half", "k"), optional unit. Bounds give open ranges ("over 10" -> 10..inf).
_QUANTITY = rx(
    r"(?P<bound>over|more\s+than|at\s+least|upwards\s+of|under|less\s+than|at\s+most|almost|nearly)?\s*"
    r"(?:\$|£|€|(?:usd|gbp|eur)\s*)?(?P<num>\d[\d,]*(?:\.\d+)?\s*k?|" + lx.NUMBER_WORDS + r"(?:[-\s]" + lx.NUMBER_WORDS + r")?"
    r"|a\s+couple\s+of|a\s+few|several)"
    r"(?P<half>\s+and\s+a\s+half)?(?P<decades>\s+decades?)?")


# Hedge words in front of a quantity; the hedge itself is recorded on the fact (``hedged``).
_HEDGE_PREFIX = rx(r"^(?:(?:about|around|roughly|approximately|approx|close\s+to|closer\s+to|just|like|maybe|some"
                   r"|somewhere\s+around|probably|only)\s+)+")


def quantity(text: str) -> tuple[str, bool] | None:
    """``"over 10"`` -> ``("10-999999", False)``; ``"about ten and a half"`` -> ``("10.5", ...)``.
    Returns (normalized key, is_bound) or None. Units are stripped by the callers."""
    text = _HEDGE_PREFIX.sub("", text.strip())
    match = _QUANTITY.match(text)
    if not match or not match.group("num"):
        return None
    raw = match.group("num").replace(",", "").replace(" ", "").lower()
    if raw.endswith("k") and raw[:-1].replace(".", "").isdigit():
        number = float(raw[:-1]) * 1000
    else:
        number = {"acoupleof": 2, "afew": 3, "several": 3}.get(raw.replace(" ", ""))
        if number is None:
            number = parse_number(match.group("num").replace(",", ""))
    if number is None:
        return None
    number = float(number) + (0.5 if match.group("half") else 0.0)
    if match.group("decades"):
        number *= 10
    bound = (match.group("bound") or "").lower()
    key = f"{number:g}"
    if bound in {"over", "more than", "at least", "upwards of"}:
        return f"{key}-999999", True
    if bound in {"under", "less than", "at most"}:
        return f"0-{key}", True
    return key, False


def first_number(text: str) -> float | None:
    """First number of ``text`` (digits or words), or None."""
    found = numbers_in(text)
    return found[0] if found else None


def unescape(text: str) -> str:
    """Undo the abbreviation-period masking of :func:`markers.prepare`."""
    return text.replace(PERIOD_PLACEHOLDER, ".")
