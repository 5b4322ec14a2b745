"""The pattern table: which first-person (and third-party) phrasings state which slot.

Pure standard library. A :class:`Rule` pairs a compiled regex (whose ``v`` group marks where the
value starts) with a parser from :mod:`detection.engine.parsers`; optional groups ``neg`` (a verb
negation) and ``used`` ("used to": a former value) make the fact negated. Secondary rules read
the text right after the primary value ("at Google *as a data scientist*"). Every phrasing here
is a baseline choice, added for a behaviour of issue 3 and checked on the dev split.
"""

from __future__ import annotations

import re
from typing import Callable, NamedTuple

from . import lexicon as lx
from . import parsers as p
from .markers import rx
from .normalization import basic_normalize, normalize_employer, normalize_field, normalize_location
from .normalization import normalize_pet as normalize_value_pet

ParseFn = Callable[[str], "p.Parsed | None"]


class Secondary(NamedTuple):
    """A value that may follow the primary value ("... at Google as a data scientist")."""

    regex: re.Pattern      # applied to the text right after the primary value
    slot: str
    parse: ParseFn
    negated: bool | None   # None: inherit the primary fact's negation
    qualifier: str = ""


class Rule(NamedTuple):
    """One phrasing of one slot. ``negated``: the pattern itself denies the value ("I quit X");
    ``subject``: ``"user"`` or ``"group"`` (the third-party subject is in the ``subj`` group)."""

    slot: str
    regex: re.Pattern
    parse: ParseFn
    negated: bool = False
    secondary: tuple[Secondary, ...] = ()
    qualifier: str = ""
    subject: str = "user"
    never: bool = False
    guard: re.Pattern | None = None       # must match somewhere in the clause for the rule to apply


# ----------------------------------------------------------------------------------------------
# Building blocks
# ----------------------------------------------------------------------------------------------

_I = r"\bI"                                   # the speaker (IGNORECASE also accepts "i")
_WE = r"\b(?:I|we)"                           # the speaker's household
_BE = r"(?:'m|\s+am|m\b)"                     # I'm / I am / Im
_WE_BE = r"(?:'m|'re|\s+am|\s+are|m\b)"
_HAVE = r"(?:'ve|\s+have)?"                   # optional perfect auxiliary
# Adverbs allowed between subject and verb ("I now live", "I'm currently working").
_ADV = (r"(?:\s+(?:currently|now|still|also|actually|really|just|recently|officially|finally|happily|only"
        r"|presently|definitely|truly|absolutely|even|kinda|kind\s+of|always|usually|mostly|basically"
        r"|literally|honestly|seriously|pretty\s+much|already|mainly|primarily|both|proudly|since\s+then"
        r"|technically|originally|full-time|part-time|fully|strictly|mostly|certainly|obviously))*+")
_USED = r"(?P<used>\s+used\s+to)?"            # "I used to work at X": a former value (negated)
# Verb negation right after the subject ("I don't work", "I no longer live", "I've never owned").
_NEG = (r"(?P<neg>(?:'ve|'d)\s+never|\s+(?:do\s+not|don't|dont|does\s+not|did\s+not|didn't|no\s+longer|never"
        r"|can't|cannot|can\s+not|haven't|have\s+not|have\s+never|hadn't|had\s+never|won't|couldn't))?")
# Negation after a form of "be" ("I'm not married to", "my name is not").
_BE_NEG = (r"(?:\s+(?:definitely|certainly|really|honestly|actually|absolutely|just|probably|obviously|clearly|sadly"
           r"|unfortunately|thankfully|still|also))?(?P<neg>\s+(?:not|no\s+longer|never))?")
# The value: rest of the clause, cut later by the parser. A lookahead, so that a second phrasing
# later in the same clause is still found ("I'm not a developer anymore, I'm a manager").
_V = r"\s+(?=(?P<v>.+))"
_A = r"(?:\s+(?:a|an|the|my))?"                # optional article


def _rule(slot: str, pattern: str, parse: ParseFn, **options) -> Rule:
    return Rule(slot, rx(pattern), parse, **options)


# ----------------------------------------------------------------------------------------------
# Small patterns used inside the special parsers below (case-insensitive unless noted)
# ----------------------------------------------------------------------------------------------

_THE = rx(r"^the\s+")
_MY = rx(r"^my\s+")
_AT = rx(r"at\s+")
_AND = rx(r"\s*(?:,\s*and|,|and|or|&)\s*")                           # list separator
_IN_YEAR = rx(r"\s+in\s+((?:19|20)\d\d)\b")                         # "... in 2012"
_IN_PROGRESS = rx(r"\s*(?:student|candidate|program|application|applicant)\b")  # "PhD student" is no PhD
_AT_SCHOOL = rx(r"\s+(?:at|in)\s+(?=(?:the\s+)?[A-Z])")
_PLURAL_ES = rx(r"e?s$")
_PLURAL_S = rx(r"(?<=[a-z]{3})s$")
_ALLERGY_NOUN = rx(r"(?:an?\s+|no\s+|any\s+)?(?P<a>[\w-]+\s+)?allerg(?:y|ies)\b")  # "a peanut allergy"
_BICYCLE = rx(r"\b(?:bike|bicycle|e-bike)\b")
_COLORS = r"red|blue|black|white|silver|grey|gray|green|yellow|orange|brown|gold|beige"
_IS_COLOR = rx(r"(?:is|'s)\s+(?P<c>" + _COLORS + r")\b")                # "my Civic is silver"
_IS_MODEL_YEAR = rx(r"(?:is|'s)\s+an?\s+(?P<y>(?:19|20)\d\d)(?:\s+model)?\b")  # "my Golf is a 2019 model"
_RUNS_ON = rx(r"runs\s+on\s+(?P<f>diesel|gas|gasoline|petrol|electricity)\b")
_DOMAIN_WORD = rx(r"[a-z+#]+")
_DOMAIN_AFTER = rx(r"'?\s+(?:of|in|as|with|at|into|doing|working|teaching|coding|managing|experience)\b")
_EXPERIENCE_STOP = rx(r"[;.!?]|,\s+(?:but|and|so)\b|\s+but\s+")        # end of an experience phrase
_PUNCT_SPLIT = rx(r"[;.!?,]")
_HEDGE_WORD = rx(r"(?:(?:about|around|roughly|approximately|nearly|almost|close\s+to|like|maybe|some"
                 r"|just\s+over|just\s+under)\s+)?")
_FEW_WORDS = rx(r"\S+(?:\s+\S+){0,4}")
# Heights: "six feet", "five foot four", "5'10", "180 cm".
_HEIGHT = rx(r"(?:about\s+|around\s+|roughly\s+|almost\s+|nearly\s+)?(?P<ft>\d|" + lx.NUMBER_WORDS
             + r")\s*(?:feet|foot|ft|')\s*(?:(?:and\s+)?(?P<in>\d{1,2}|" + lx.NUMBER_WORDS + r")\s*(?:inches|inch|in|\")?)?"
             r"|(?P<cm>\d{3})\s*(?:cm|centimeters|centimetres)")
# Counted possessions: "about 200 books".
_COUNTED = rx(r"(?P<q>(?:(?:about|around|roughly|over|nearly|almost|some|like)\s+)?(?:\d[\d,]*|" + lx.NUMBER_WORDS
              + r"))\s+(?P<noun>[a-z]+s)\b")
# "cats more than dogs", "tea over coffee".
_COMPARISON = rx(r"(?P<x>[\w\s'-]{1,30}?)\s+(?:more\s+than|over|to|rather\s+than|instead\s+of)\s+(?P<y>[\w\s'-]{1,30}?)"
                 r"(?=\s*$|[,;.!?])")
_DEMONYM = re.compile(r"([A-Z][a-z]+)(?=\s*(?:$|[,.;!]|\s+(?:citizen|national|and|but|now|by)\b))")  # case-sensitive
_DETERMINER = rx(r"(?:any|some|the|an?)\s+")
_CAPITALISED = re.compile(r"[A-Z][a-z]+")
_WORD = re.compile(r"[A-Za-z]+")
_BODY_STATE = rx(r"[\w\s-]+?(?=$|[,.;!?]|\s+(?:without|since|now|and|but)\b)")  # "legally blind" of "... without glasses"
_MY_CHILD = rx(r"(?P<noun>son|daughter|kids?|children|child|boy|girl|baby)(?:'s\s+name\s+is|\s+is\s+(?:named|called)|,)?"
               r"(?:\s+(?P<name>[A-Z][a-z]+))?")
_CHILD_NAMED = rx(r"([A-Z][a-z]+)\s+is\s+my\s+(son|daughter|kid|child)\b")
_ORDINAL_CHILD = rx(r"(first|second|third|fourth|fifth)\s+(?:baby|child|kid)(?:,?\s+([A-Z][a-z]+))?")
_ONLY_CHILD_NAME = re.compile(r"([A-Z][a-z]+)\b")                # "my only child is Jake"
_ONLY_CHILD = rx(r"an?\s+(son|daughter|boy|girl)(?:,?\s+([A-Z][a-z]+))?")
_FOR_LEVEL = rx(r"\s+for\s+(?:my\s+|an?\s+)?(undergrad(?:uate)?|grad\s+school|master's|masters|phd|mba|bachelor's|degree)")
_DEGREE_AT = rx(r"(?P<d>undergrad|undergraduate|bachelor's|master's|masters|phd|ph\x00d\x00|doctorate|mba|grad\s+school"
                r"|degree)\s+(?:is\s+from|was\s+from|is\s+at|was\s+at|from|at|in)\s+")
_WITH_MY = rx(r"^with\s+(?:my\s+)?")


# ----------------------------------------------------------------------------------------------
# Special parsers that need the pattern table's vocabularies
# ----------------------------------------------------------------------------------------------

def _fixed(text: str, normalized: str | None = None, negated: bool = False, qualifier: str = "") -> ParseFn:
    """A parser that ignores the raw text and returns one fixed value (the pattern said it)."""
    def parse(raw: str) -> p.Parsed:
        """The fixed value."""
        return p.single(text, 0, qualifier=qualifier, normalized=normalized, negated=negated)
    return parse


def _parse_job_in_place(raw: str) -> p.Parsed | None:
    return p.parse_known_place(raw)


def _parse_field(raw: str) -> p.Parsed | None:
    """A field of study or work ("machine learning", "ML", "computer science")."""
    parsed = p.phrase(raw, max_words=4)
    if not parsed:
        return None
    text = parsed.values[0].text
    if basic_normalize(text) in {"college", "school", "university", "grad school", "it", "that"}:
        return None
    return p.single(text, parsed.end, qualifier="field")


def _parse_work_field(raw: str) -> p.Parsed | None:
    """"I work in ML / tech / finance" -> field of work; a place gives nothing (see office)."""
    parsed = p.phrase(raw, max_words=3)
    if not parsed:
        return None
    text = parsed.values[0].text
    key = basic_normalize(text)
    if normalize_location(text) in lx.KNOWN_PLACES or key in lx.LOCATION_SYNONYMS:
        return None
    if text[0].isupper() and key not in lx.FIELD_SYNONYMS and not text.isupper():
        return None
    if key.split()[0] in {"a", "an", "my", "our", "person"} and key not in lx.FIELD_SYNONYMS:
        return None
    return p.single(text, parsed.end, qualifier="field of work", normalized=normalize_field(text))


# "the Mountain View office", "our Kirkland campus": a capitalised place before an office noun.
_OFFICE_PLACE = rx(r"(?:the\s+|our\s+|their\s+)?(?P<place>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})\s+"
                   r"(?:office|campus|hq|headquarters|branch|site|location)\b")


def _parse_office(raw: str) -> p.Parsed | None:
    """"the Mountain View office", "Bellevue", "the Seattle area" -> office location."""
    named = _OFFICE_PLACE.match(raw)
    if named:
        return p.single(named.group("place"), named.end(), qualifier="office")
    raw2 = _THE.sub("", raw)
    offset = len(raw) - len(raw2)
    parsed = p.parse_known_place(raw2) or p.parse_location_cap(raw2)
    if not parsed:
        return None
    return p.single(parsed.values[0].text, parsed.end + offset, qualifier="office")


# Degree phrases: "a PhD in machine learning from Stanford in 2012", "my master's", "an MBA".
_DEGREE = (
    r"(?P<deg>ph\.?\s?d\x00?\.?|ph\x00d\x00?|doctorate|doctoral\s+degree|master'?s(?:\s+degree)?|masters?\s+degree"
    r"|bachelor'?s(?:\s+degree)?|bachelors?\s+degree|undergrad(?:uate)?(?:\s+degree)?|(?:graduate|advanced|postgraduate)\s+degree"
    r"|associate'?s?\s+degree|associates|high\s+school\s+diploma|ged|college\s+degree|law\s+degree"
    r"|medical\s+degree|mba|m\.?\s?sc?\x00?|m\.?\s?a\x00?|b\.?\s?sc?\x00?|b\.?\s?a\x00?|meng|beng|mfa|bfa|mph"
    r"|jd|md|dphil|degree|diploma)"
)
_DEGREE_PHRASE = rx(
    r"(?P<no>no\s+)?(?:(?:a|an|my|the|two|both)\s+)?(?:(?:four-year|2-year|two-year|university)\s+)?" + _DEGREE + r"\b"
    r"(?:\s+(?:degree|program))?"
    r"(?:\s+(?:in|on)\s+(?P<field>(?!\d)[^,;.!?]+?))?"
    r"(?:\s+(?:from|at)\s+(?P<school>(?:the\s+)?[A-Z][^,;.!?]*?))?"
    r"(?:\s+(?:in|back\s+in)\s+(?P<year>(?:19|20)\d\d))?"
    r"(?=\s*$|[,;.!?]|\s+(?:and|but|so|which|because|though|when|now|too|as|from|at|in|with|last|this|a\s+few|years?|after)\b)")
_DEGREE_WORD_DENIAL = frozenset({"college", "university"})
# "college" / "high school" / "my PhD" after "dropped out of" / "never finished".
_LEVEL_WORD = rx(r"(?:my\s+|a\s+|the\s+)?(?P<w>high\s+school|college|university|grad\s+school|law\s+school|med\s+school"
                 r"|medical\s+school|" + _DEGREE[8:-1] + r")\b")


def _degree_key(word: str) -> str:
    from .normalization import normalize_degree  # noqa: PLC0415

    key = normalize_degree(word)
    if key in {"undergrad", "undergraduate", "undergrad degree"}:
        return "bachelors"
    if key in {"graduate", "graduate degree", "advanced degree"}:
        return "graduate"
    return key


def parse_degree(raw: str) -> p.Parsed | None:
    """Degree + optional field, school and year, as separate education values (qualifiers
    ``degree`` / ``field`` / ``school <level>`` / ``year``)."""
    match = _DEGREE_PHRASE.match(raw)
    if not match:
        return None
    level = _degree_key(match.group("deg"))
    if _IN_PROGRESS.match(raw[match.end():]):
        return None
    if match.group("no"):  # "no MBA"
        return p.Parsed((p.Value(match.group("deg"), "degree", True, level),), match.end())
    values = [p.Value(match.group("deg"), "degree", False, level)]
    if match.group("field") and len(match.group("field").split()) <= 4:
        values.append(p.Value(match.group("field"), "field"))
    if match.group("school"):
        school = p.parse_org(match.group("school"))
        if school:
            values.append(p.Value(school.values[0].text, f"school {level}".strip()))
    if match.group("year"):
        values.append(p.Value(match.group("year"), "year " + level))
    return p.Parsed(tuple(values), match.end())


def _parse_school(level: str = "") -> ParseFn:
    def parse(raw: str) -> p.Parsed | None:
        """A school (and "in 2012" after it)."""
        raw2 = _THE.sub("", raw)
        school = p.parse_org(raw2)
        if not school:
            return None
        end = school.end + len(raw) - len(raw2)
        values = [p.Value(school.values[0].text, f"school {level}".strip())]
        year = _IN_YEAR.match(raw[end:])
        if year:
            values.append(p.Value(year.group(1), f"year {level}".strip()))
            end += year.end()
        return p.Parsed(tuple(values), end)
    return parse


def _parse_level_word(raw: str) -> p.Parsed | None:
    """"college" / "high school" / "my PhD" after "dropped out of" / "never finished"."""
    match = _LEVEL_WORD.match(raw)
    if not match:
        return None
    word = basic_normalize(match.group("w"))
    key = {"law school": "jd", "med school": "md", "medical school": "md", "grad school": "graduate"}.get(word) or (
        "college" if word in _DEGREE_WORD_DENIAL else ("high school" if word == "high school" else _degree_key(word)))
    return p.single(match.group("w"), match.end(), qualifier="degree", normalized=key)


def _parse_studied(raw: str) -> p.Parsed | None:
    """"chemistry at Purdue", "law at Georgetown, not law", "at MIT" -> field and/or school."""
    at = _AT.match(raw)
    if at:
        return _shift(_parse_school()(raw[at.end():]), at.end())
    field = _parse_field(raw)
    if not field:
        return None
    values = list(field.values)
    end = field.end
    school = _AT_SCHOOL.match(raw[end:])
    if school:
        parsed = _parse_school()(raw[end + school.end():])
        if parsed:
            values.extend(parsed.values)
            end += school.end() + parsed.end
    return p.Parsed(tuple(values), end)


def _shift(parsed: p.Parsed | None, offset: int) -> p.Parsed | None:
    return parsed._replace(end=parsed.end + offset) if parsed else None


# Diets ("vegan", "plant-based", "on a keto diet").
_DIET_ALTERNATION = "|".join(sorted((re.escape(k) for k in lx.DIET_FORMS), key=len, reverse=True))
_DIET_WORD = rx(r"(?:a\s+|an\s+|on\s+a\s+|on\s+the\s+|strictly\s+|fully\s+|mostly\s+|strict\s+|committed\s+"
                r"|lifelong\s+|full\s+|total\s+|proud\s+|practicing\s+)*(?P<d>" + _DIET_ALTERNATION
                + r")\b(?:\s+diet)?")
_MEAT_AXIS = frozenset({"vegan", "vegetarian", "pescatarian", "omnivore", "carnivore", "flexitarian"})


def parse_diet(raw: str) -> p.Parsed | None:
    """A named diet; meat-axis diets (vegan ... omnivore) share qualifier ``style``."""
    match = _DIET_WORD.match(raw)
    if not match:
        return None
    word = basic_normalize(match.group("d"))
    key = lx.DIET_FORMS.get(word.replace(" ", "-"), lx.DIET_FORMS.get(word, word))
    qualifier = "style" if key in _MEAT_AXIS else "restriction"
    return p.single(match.group("d"), match.end(), qualifier=qualifier, normalized=key)


_FOOD_ALTERNATION = "|".join(sorted((re.escape(k) for k in lx.FOOD_GROUPS), key=len, reverse=True))
_FOOD = rx(r"(?:(?:a|an|some|any|the|regular|red|white|fresh|grilled|fried|roast|a\s+glass\s+of|a\s+bit\s+of|two|three"
           r"|good|nice|cold|big|huge|juicy|rare|homemade|glass\s+of|bowl\s+of|plate\s+of|slice\s+of|piece\s+of"
           r"|great|delicious|tasty|amazing|quick|little|spicy|greasy|double|triple"
           r"|four|five|several|a\s+couple\s+of|a\s+few|\d+|glasses\s+of|a\s+bottle\s+of|a\s+pint\s+of|pints\s+of|cans\s+of"
           r"|a\s+slice\s+of|a\s+few|lots\s+of|plenty\s+of|cheese\s+and|real|normal)\s+)*(?P<f>" + _FOOD_ALTERNATION
           + r"|animal\s+products|meat\s+or\s+fish|alcohol|booze|drinks|liquor)(?:s|es)?\b")


def parse_food(raw: str) -> p.Parsed | None:
    """Foods eaten -> diet values qualified ``eats`` keyed by food group ("steak" -> meat)."""
    values, end = [], 0
    match = _FOOD.match(raw)
    while match:
        food = basic_normalize(match.group("f"))
        if food == "animal products":
            groups = {"meat", "fish", "dairy", "eggs", "poultry"}
        elif food == "meat or fish":
            groups = {"meat", "fish"}
        elif food in {"alcohol", "booze", "drinks", "liquor"}:
            groups = {"alcohol"}
        else:
            groups = lx.FOOD_GROUPS.get(food) or lx.FOOD_GROUPS.get(_PLURAL_ES.sub("", food)) or lx.FOOD_GROUPS[food[:-1]]
        values.extend(p.Value(match.group("f"), "eats", False, group) for group in sorted(groups))
        end = match.end()
        sep = _AND.match(raw[end:])
        match = _FOOD.match(raw, end + sep.end()) if sep else None
    return p.Parsed(tuple(values), end) if values else None


_NEXT_CLAUSE = rx(r"\s+(?:I|I'm|I've|we|we're)\b|,")
_HAS_BEEN_HOME = rx(r"\s+(?:has\s+been|'s\s+been|became)\b")
_FOR_OR_TO = rx(r"\s+(?:for|to)\s+")
_IS_MY = rx(r"\s+(?:is|'s)\s+(?:now\s+|still\s+)?my\b")
_PAYS_MY = rx(r"\s+(?:now\s+)?pays\b")
_EMPLOYEE_NOUN = rx(r"\s+(?:employee|staffer|staff\s+member|contractor|worker)\b")
_HIRED_VERB = rx(r"\s+(?:just\s+|recently\s+|finally\s+)?(?:hired|employed|recruited|poached|took\s+me|offered\s+me)\b")
_FIRED_VERB = rx(r"\s+(?:let\s+me|laid\s+me|fired\s+me|made\s+me|sacked\s+me)\b")
_RESIDENT_NOUN = rx(r"\s+(?:resident|local)\b")
_BORES_ME = rx(r"\s+(?:bores|bore|disgusts|disgust|annoys|annoy)\s+me\b")
_MAKES_ME = rx(r"\s+(?:makes|make)\s+me\b")
_IS_ARE = rx(r"\s+(?:is|are)\b")
_DISAGREES = rx(r"\s+(?:doesn't|does\s+not|don't|do\s+not)\b")
_NOT_MY_THING = rx(r"\s+(?:isn't|is\s+not|aren't|are\s+not|'s\s+not|'re\s+not)\b")
# The noun phrase after "I had / ate ...": up to the first punctuation or a time/company phrase.
_MEAL_PHRASE = rx(r"[^,;.!?]{1,60}?(?=$|[,;.!?]|\s+(?:for|with|at|in|on|last|yesterday|today|tonight|this|earlier"
                  r"|and\s+(?:then|it|loved|it\s+was))\b)")
_MEAT_FREE_BEFORE = rx(r"\b(?:veggie|vegan|vegetarian|plant-based|plant\s+based|meat-free|meatless|dairy-free|tofu|quorn|beyond"
                       r"|impossible|oat|soy|soya|almond|coconut|fake|mock|faux|alcohol-free|non-alcoholic|zero)\s+(?:\w+\s+)?$")
_FOOD_WORD = rx(r"\b(?P<f>" + _FOOD_ALTERNATION + r")\b")


def parse_food_in_phrase(raw: str) -> p.Parsed | None:
    """Foods anywhere in a short eaten phrase ("a lovely cheese omelette for breakfast" -> dairy,
    eggs), as diet values qualified ``eats``. Baseline choice: food words of
    :data:`lexicon.FOOD_GROUPS` inside the object noun phrase of an eating verb."""
    phrase = _MEAL_PHRASE.match(raw)
    if not phrase:
        return None
    values = []
    for match in _FOOD_WORD.finditer(phrase.group(0)):
        if _MEAT_FREE_BEFORE.search(phrase.group(0)[:match.start()]):
            continue  # "a veggie burger", "vegan cheese", "oat milk"
        food = basic_normalize(match.group("f"))
        groups = lx.FOOD_GROUPS.get(food) or lx.FOOD_GROUPS.get(_PLURAL_ES.sub("", food)) or set()
        values.extend(p.Value(match.group("f"), "eats", False, group) for group in sorted(groups))
    return p.Parsed(tuple(dict.fromkeys(values)), phrase.end()) if values else None


# Health conditions and allergens.
_CONDITION_ALTERNATION = "|".join(sorted((re.escape(k) for k in lx.HEALTH_CONDITIONS), key=len, reverse=True))
_CONDITION = rx(r"(?:(?:a|an|some|mild|severe|chronic|bad|terrible|really\s+bad)\s+)*(?P<c>" + _CONDITION_ALTERNATION
                + r"|any\s+(?:health\s+(?:issues|problems|conditions)|medical\s+conditions|breathing\s+problems"
                r"|heart\s+problems|chronic\s+conditions)|breathing\s+problems|heart\s+problems)\b")
_CONDITION_GROUPS = {"breathing problems": "asthma", "any breathing problems": "asthma",
                     "heart problems": "heart condition", "any heart problems": "heart condition"}


def parse_condition(raw: str) -> p.Parsed | None:
    """A health condition ("type 2 diabetes" -> condition diabetes; "a peanut allergy" -> allergy;
    "high blood pressure" -> condition + blood pressure high; "any health issues" -> wildcard)."""
    match = _CONDITION.match(raw)
    if not match:
        return None
    word = basic_normalize(match.group("c"))
    if word.startswith("any ") and word not in _CONDITION_GROUPS:
        return p.single(match.group("c"), match.end(), qualifier="condition", normalized=p.WILDCARD)
    key = _CONDITION_GROUPS.get(word) or lx.HEALTH_CONDITIONS.get(word) or lx.HEALTH_CONDITIONS.get(match.group("c").lower(), word)
    if key.startswith("allergy: "):
        return p.single(match.group("c"), match.end(), qualifier="allergy", normalized=key[9:])
    if key in {"high blood pressure", "high cholesterol"}:
        return p.Parsed((p.Value(match.group("c"), "condition", False, key),
                         p.Value("high", key[5:], False, "high")), match.end())
    return p.single(match.group("c"), match.end(), qualifier="condition", normalized=key)


_ALLERGEN_ALTERNATION = "|".join(sorted((re.escape(k) for k in lx.ALLERGENS), key=len, reverse=True))
_ALLERGEN = rx(r"(?:(?:most|some|all|certain)\s+)?(?P<a>" + _ALLERGEN_ALTERNATION
               + r"|any\s+(?:medications?|drugs|meds|foods?|\w+)|anything|medications?|drugs)\b")


def parse_allergens(raw: str) -> p.Parsed | None:
    """Allergens after "allergic to": "peanuts and shellfish", "any medications" (a group)."""
    values, end = [], 0
    match = _ALLERGEN.match(raw)
    while match:
        word = basic_normalize(match.group("a"))
        if word in {"any medication", "any medications", "any drugs", "any meds", "medication", "medications", "drugs"}:
            values.append(p.Value(match.group("a"), "allergy", False, "group:medication"))
        elif word.startswith("any") or word == "anything":
            values.append(p.Value(match.group("a"), "allergy", False, p.WILDCARD))
        else:
            values.append(p.Value(match.group("a"), "allergy", False, lx.ALLERGENS.get(word, word)))
        end = match.end()
        sep = _AND.match(raw[end:])
        match = _ALLERGEN.match(raw, end + sep.end()) if sep else None
    return p.Parsed(tuple(values), end) if values else None


def _parse_allergy_noun(raw: str) -> p.Parsed | None:
    """"(no) drug allergies", "a peanut allergy", "any allergies"."""
    match = _ALLERGY_NOUN.match(raw)
    if not match:
        return None
    word = basic_normalize(match.group("a") or "")
    if word in {"drug", "medication", "medicine", "penicillin"} and word != "penicillin":
        key = "group:medication"
    elif not word or word in {"food", "known", "other", "serious", "real"}:
        key = p.WILDCARD
    else:
        key = lx.ALLERGENS.get(word, word)
    negated = match.group(0).lower().startswith("no ")
    return p.single(match.group(0), match.end(), qualifier="allergy", normalized=key, negated=negated)


# Vehicles.
_BRAND_ALTERNATION = "|".join(sorted((re.escape(b) for b in lx.CAR_BRANDS | set(lx.CAR_BRAND_ALIASES)), key=len,
                                     reverse=True))
_MODEL_ALTERNATION = "|".join(sorted((re.escape(m) for m in lx.CAR_MODELS), key=len, reverse=True))
_VEHICLE = rx(
    r"(?:(?:a|an|the|my|our|one|two|new|used|old|brand-new|little|beat-up|trusty)\s+)*"
    r"(?P<color>red|blue|black|white|silver|grey|gray|green|yellow|orange|brown|gold|beige|maroon|navy)?\s*"
    r"(?P<year>(?:19|20)\d\d\s+)?"
    r"(?:(?P<brand>" + _BRAND_ALTERNATION + r")(?:\s+(?P<bmodel>" + _MODEL_ALTERNATION + r"|[A-Z0-9][\w-]*(?:\s+[A-Z0-9][\w-]*)?))?"
    r"|(?P<model>" + _MODEL_ALTERNATION + r")"
    r"|(?P<noun>(?:electric|hybrid|diesel|gas|petrol|pickup|sports|company)?\s*(?:car|truck|suv|minivan|van|sedan|"
    r"hatchback|motorcycle|motorbike|scooter|bike|bicycle|e-bike|automobile|vehicle|pickup)s?))\b")
_NO = rx(r"no\s+")
_APPOSITIVE = rx(r",\s+(?=(?:an?\s+|the\s+)?[A-Z])")     # "a car, a Kia Soul"
_MOTO = frozenset({"harley", "ducati", "yamaha", "kawasaki", "vespa", "triumph"})


def _vehicle_class(noun: str, brand: str) -> str:
    if brand in _MOTO or "motor" in noun or "scooter" in noun:
        return "motorcycle"
    if _BICYCLE.search(noun):
        return "bicycle"
    return "car"


def parse_vehicle(raw: str) -> p.Parsed | None:
    """A vehicle: brand/model ("a red Honda Civic" -> value "Honda Civic", colour and model
    year as extra values) or a generic noun ("a car" -> exists). Qualifier = class (car /
    motorcycle / bicycle), colour/year values qualified ``color <class>`` / ``year <class>``."""
    no = _NO.match(raw)
    match = _VEHICLE.match(raw, no.end() if no else 0)
    if not match or not (match.group("brand") or match.group("model") or match.group("noun")):
        return None
    if no:  # "no car"
        noun = (match.group("noun") or "car").lower()
        return p.single(match.group(0), match.end(), qualifier=_vehicle_class(noun, ""), normalized=p.WILDCARD,
                        negated=True)
    appositive = _APPOSITIVE.match(raw[match.end():]) if match.group("noun") else None
    if appositive:  # "a new car, a Kia Soul"
        named = parse_vehicle(raw[match.end() + appositive.end():])
        if named and not named.values[0].normalized:
            return named._replace(end=named.end + match.end() + appositive.end())
    brand = (match.group("brand") or "").lower()
    noun = (match.group("noun") or "").lower().strip()
    kind = _vehicle_class(noun, brand)
    if noun:
        if kind == "car" and noun.split()[0] in {"electric", "hybrid", "diesel", "gas", "petrol"}:
            fuel = "gas" if noun.split()[0] == "petrol" else noun.split()[0]
            values = [p.Value(noun, kind, False, p.EXISTS), p.Value(fuel, "power " + kind)]
        else:
            values = [p.Value(noun, kind, False, p.EXISTS)]
    else:
        text = " ".join(x for x in (match.group("brand"), match.group("bmodel"), match.group("model")) if x)
        if match.group("bmodel") and basic_normalize(match.group("bmodel")) in lx.VEHICLE_NOUNS:
            text = match.group("brand")  # "a Ford truck" names the brand only
        values = [p.Value(text, kind)]
    if match.group("color"):
        values.append(p.Value(match.group("color"), "color " + kind))
    if match.group("year"):
        values.append(p.Value(match.group("year").strip(), "year " + kind))
    if brand == "tesla" or noun.startswith("electric"):
        values.append(p.Value("electric", "power " + kind))
    return p.Parsed(tuple(values), match.end())


def _org_not_single_name(raw: str) -> p.Parsed | None:
    """An organisation as the subject of "hired me" / "let me go": an acronym, several words,
    a name with "&", "-" or ".", or a known employer alias - not a lone first name ("Sarah")."""
    parsed = p.parse_org_not_person(raw)
    if parsed is None:
        return None
    text = parsed.values[0].text
    if len(text.split()) > 1 or text.isupper() or any(c in text for c in "&-.") or basic_normalize(text) in lx.EMPLOYER_ALIASES \
            or normalize_employer(text) in lx.KNOWN_EMPLOYERS:
        return parsed
    return None


def _known_employer(raw: str) -> p.Parsed | None:
    """An organisation of :data:`lexicon.KNOWN_EMPLOYERS` ("I'm at Google", "I'm with Deloitte")."""
    parsed = p.parse_org(raw)
    if parsed is None or normalize_employer(parsed.values[0].text) not in lx.KNOWN_EMPLOYERS:
        return None
    if _VISIT_AFTER.match(raw[parsed.end:]):
        return None  # "I'm at Google for a meeting", "I'm at the Apple store"
    return parsed


def _org_or_known(raw: str) -> p.Parsed | None:
    """After "went back to": a known employer, or an organisation that is not a known place."""
    return _known_employer(raw) or (p.parse_org_not_place(raw) if raw[:1].isupper() else None)


_VISIT_AFTER = rx(r"\s*(?:'s\s+)?(?:for\s+(?:a|an|the|my|some|lunch|dinner|work\s+drinks)\b|to\s+|today|tonight|this\s+(?:week|morning|afternoon"
                  r"|evening)|right\s+now|at\s+the\s+moment|store|shop|office\s+for|campus\s+for|event|conference|hq\s+for)")


def _pet_count(raw: str) -> p.Parsed | None:
    """"two cats" -> other ``count cat`` = 2 (an explicit number only; "a cat" states no count)."""
    words = raw.split()
    if words[0].lower() in {"only", "just"}:
        words = words[1:]
    number = p.first_number(words[0])
    noun = p.parse_pet_noun(" ".join(words[1:]).removeprefix("pet "))
    if number is None or noun is None:
        return None
    species = normalize_value_pet(noun.values[0].text)
    return p.single(raw[:raw.lower().index(words[1].lower()) + len(words[1])], len(raw.split(",")[0]),
                    qualifier=f"count {species}", normalized=f"{number:g}")


_CAPITALISED_WORDS = re.compile(r"[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*")


def _capitalised_place(raw: str) -> p.Parsed | None:
    """The capitalised words at the start of ``raw`` as a place ("Boston the winters ..." -> Boston)."""
    match = _CAPITALISED_WORDS.match(raw)
    return p.parse_location_cap(match.group(0)) if match else None


def _left_for_place(raw: str) -> p.Parsed | None:
    """"left Houston for Dallas" -> Dallas (lived in) and Houston (given up), when both are places
    and at least one is a known place (otherwise "left Google for Meta" is an employer change)."""
    parts = _FOR_OR_TO.split(raw, 1)
    if len(parts) != 2:
        return None
    old, new = p.parse_location_cap(parts[0]), p.parse_location_cap(parts[1])
    if not old or not new or old.end < len(parts[0].rstrip(" ,")) - 1:
        return None
    keys = {normalize_location(old.values[0].text), normalize_location(new.values[0].text)}
    if not keys & lx.KNOWN_PLACES:
        return None
    offset = len(raw) - len(parts[1])
    return p.Parsed((new.values[0], old.values[0]._replace(negated=True)), offset + new.end)


def _as_job_with_comma(raw: str) -> p.Parsed | None:
    """"As an accountant, tax season is brutal": a job word right before the comma."""
    head, comma, _ = raw.partition(",")
    if not comma or len(head.split()) > 4:
        return None
    return p.parse_job_lexicon(head)


_HABITS = {"run": "running", "jog": "running", "go running": "running", "swim": "swimming", "go swimming": "swimming",
           "cycle": "cycling", "go cycling": "cycling", "work out": "gym", "go to the gym": "gym", "exercise": "exercise",
           "do yoga": "yoga", "meditate": "meditation", "hike": "hiking", "go hiking": "hiking", "climb": "climbing",
           "go climbing": "climbing"}
_HABIT = rx("(?:" + "|".join(sorted((re.escape(k).replace("\\ ", r"\s+") for k in _HABITS), key=len, reverse=True)) + r")\b")


def _habit(raw: str) -> p.Parsed | None:
    """A regular activity ("I run every morning", "I never go to the gym") -> activity key."""
    match = _HABIT.match(raw)
    if not match:
        return None
    key = _HABITS[" ".join(match.group(0).lower().split())]
    return p.single(match.group(0), match.end(), normalized=key)


def _generic_value(raw: str) -> p.Parsed | None:
    """A short value after "my <attribute> is" (up to 4 words, articles dropped)."""
    parsed = p.parse_short(raw)
    if parsed is None:
        return None
    words = parsed.values[0].text.split()
    if len(words) > 4:
        return None
    return parsed


def _driver_job(raw: str) -> p.Parsed | None:
    """"a taxi for a living" -> job title "taxi driver"."""
    word = raw.split()[0]
    return p.single(f"{word} driver", len(word), normalized=f"{word.lower()} driver")


def _as_class(parsed: p.Parsed | None, kind: str) -> p.Parsed | None:
    """``parsed`` with its vehicle class set to ``kind`` ("my motorbike is a Triumph")."""
    if parsed is None:
        return None
    return parsed._replace(values=tuple(v._replace(qualifier=v.qualifier.replace("car", kind)) for v in parsed.values))


def _parse_vehicle_attribute(raw: str) -> p.Parsed | None:
    """"is silver" / "is a 2019 model" / "runs on diesel" after "my Civic"."""
    color = _IS_COLOR.match(raw)
    if color:
        return p.single(color.group("c"), color.end(), qualifier="color car")
    year = _IS_MODEL_YEAR.match(raw)
    if year:
        return p.single(year.group("y"), year.end(), qualifier="year car")
    power = _RUNS_ON.match(raw)
    if power:
        fuel = {"gasoline": "gas", "petrol": "gas", "electricity": "electric"}.get(power.group("f").lower(),
                                                                                  power.group("f").lower())
        return p.single(fuel, power.end(), qualifier="power car")
    return None


# Experience: "10 years of experience in software", "a nurse for eight years".
_GENERIC_DOMAIN = frozenset("""
work working worked experience professional professionally industry total years year of in with as a an the this
been done spent practic practicing practiced practised served
no for now ago over since about around roughly almost nearly been still already just only some at
doing job jobs field career it that so far full-time overall combined relevant hands-on real-world
""".split())
_YEARS = rx(r"(?P<q>(?:(?:over|more\s+than|at\s+least|upwards\s+of|under|less\s+than|almost|nearly|about|around|roughly"
            r"|approximately|close\s+to|just\s+over|just\s+under)\s+)?(?:\d[\d.]*|" + lx.NUMBER_WORDS
            + r"(?:[-\s]" + lx.NUMBER_WORDS + r")?|a\s+couple\s+of|a\s+few)(?:\s+and\s+a\s+half)?)\s+(?P<unit>years?|decades?)\b"
            r"|(?P<decade>a\s+decade|two\s+decades|three\s+decades)\b")


_SUFFIXES = ("ments", "ment", "ings", "ing", "ers", "er", "ists", "ist", "ians", "ian", "ors", "or", "ry", "ed", "es",
             "s", "e")


def _stem(word: str) -> str:
    """Crude suffix stripping, enough to match "carpenter"/"carpentry", "nurse"/"nursing";
    applied twice so that "engineering" and "engineer" meet ("engine")."""
    if word == "taught":
        return "teach"
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[:-len(suffix)]
                if suffix in {"ment", "ments"} and word.endswith("e"):
                    word = word[:-1]
                break
        else:
            break
    return word


# Stems of the same occupation ("a chef" has been "cooking"; "coding" is "programming").
_DOMAIN_SYNONYMS = {"chef": "cook", "programm": "cod", "code": "cod", "coder": "cod", "coding": "cod", "lawyer": "law",
                    "attorney": "law", "legal": "law", "taught": "teach", "drove": "driv", "ran": "run",
                    "develop": "cod", "software": "cod", "fly": "pilot", "flying": "pilot", "aviation": "pilot",
                    "airline": "pilot", "nursing": "nurs", "medicine": "doctor", "medical": "doctor",
                    "physician": "doctor", "welding": "weld", "sale": "sal", "salesman": "sal",
                    "salesperson": "sal", "marketer": "market", "accountancy": "account", "accounting": "account",
                    "plumbing": "plumb", "carpentry": "carpent", "joinery": "carpent", "joiner": "carpent",
                    "sell": "sal", "selling": "sal", "sold": "sal", "engine": "engin", "engineer": "engin",
                    "engineering": "engin", "hair": "hairdress", "barber": "hairdress", "hairdresser": "hairdress",
                    "hairdressing": "hairdress", "cut": "hairdress", "truck": "driv", "trucker": "driv",
                    "trucking": "driv", "driving": "driv", "driver": "driv"}


def domain_key(text: str) -> str:
    """Crude stem set of an experience domain: "as a backend developer" -> "backend develop"."""
    stems = []
    for word in _DOMAIN_WORD.findall(basic_normalize(text)):
        if word in _GENERIC_DOMAIN or word in lx.UNITS or word in lx.TENS:
            continue
        stem = _DOMAIN_SYNONYMS.get(word) or _stem(word)
        stems.append(_DOMAIN_SYNONYMS.get(stem, stem))
    return " ".join(sorted(set(stems)))


def _years_value(text: str) -> str | None:
    match = _YEARS.search(text)
    if not match:
        return None
    if match.group("decade"):
        return {"a": "10", "two": "20", "three": "30"}[match.group("decade").split()[0].lower()]
    found = p.quantity(match.group("q"))
    if not found:
        return None
    key = found[0]
    if match.group("unit").lower().startswith("decade"):
        key = f"{float(key) * 10:g}" if "-" not in key else key
    return key


def _experience_parser(domain_group: bool = True) -> ParseFn:
    def parse(raw: str) -> p.Parsed | None:
        """Years (normalized) and the domain (qualifier) of an experience phrase."""
        window = raw[:120]
        stop = _EXPERIENCE_STOP.search(window)
        window = window[:stop.start()] if stop else window
        key = _years_value(window)
        if key is None:
            return None
        years = _YEARS.search(window)
        after = window[years.end():] if years else ""
        # The domain: words before the years, and after them only "of/in/as/with ..." ("10 years
        # of experience in software"), not "before switching careers".
        domain_text = window[:years.start()] + (after if _DOMAIN_AFTER.match(after) else "") if years else window
        domain = domain_key(domain_text) if domain_group else ""
        return p.single(window.strip(), len(window), qualifier=domain, normalized=key)
    return parse


def _parse_zero_experience(raw: str) -> p.Parsed | None:
    window = _PUNCT_SPLIT.split(raw)[0]
    return p.single(window, len(window), qualifier=domain_key(window), normalized="0")


def _quantity_parser(qualifier: str, unit: str = "", scale: float = 1.0) -> ParseFn:
    """A number (with bound/hedge words) for a fixed "other" qualifier ("salary")."""
    def parse(raw: str) -> p.Parsed | None:
        """The first quantity of ``raw``."""
        match = _HEDGE_WORD.match(raw)
        found = p.quantity(raw[match.end():])
        if not found:
            return None
        number_match = _FEW_WORDS.match(raw[match.end():])
        end = match.end() + (number_match.end() if number_match else 0)
        key = found[0] if scale == 1.0 or "-" in found[0] else f"{float(found[0]) * scale:g}"
        return p.single(raw[:end].strip(), end, qualifier=qualifier, normalized=key)
    return parse


def _parse_height(raw: str) -> p.Parsed | None:
    """"six feet", "five foot four", "5'10", "180 cm" -> inches (cm / 2.54)."""
    match = _HEIGHT.match(raw)
    if not match:
        return None
    if match.group("cm"):
        inches = float(match.group("cm")) / 2.54
    else:
        feet = p.parse_number(match.group("ft"))
        extra = p.parse_number(match.group("in")) if match.group("in") else 0
        if feet is None or extra is None:
            return None
        inches = float(feet) * 12 + float(extra)
    return p.single(match.group(0).strip(), match.end(), qualifier="height", normalized=f"{inches:.0f}")


def _parse_counted(raw: str) -> p.Parsed | None:
    """"about 200 books" -> qualifier "number of book"."""
    match = _COUNTED.match(raw)
    if not match:
        return None
    noun = match.group("noun").lower()
    if noun in {"years", "months", "weeks", "days", "hours", "minutes", "kids", "children", "sons", "daughters",
                "pets", "cats", "dogs", "languages", "times", "friends",
                "grandchildren", "miles", "pounds", "dollars", "people"}:
        return None
    found = p.quantity(match.group("q"))
    if not found:
        return None
    return p.single(match.group(0), match.end(), qualifier="number of " + noun[:-1], normalized=found[0])


# "I'm a dog person" / "night owl" -> other facts with a category qualifier.
_PERSON_TYPES = {
    "morning person": ("chronotype", "morning"), "early bird": ("chronotype", "morning"),
    "early riser": ("chronotype", "morning"), "night owl": ("chronotype", "night"),
    "night person": ("chronotype", "night"), "dog person": ("pet person", "dog"), "cat person": ("pet person", "cat"),
    "introvert": ("personality", "introvert"), "extrovert": ("personality", "extrovert"),
    "extravert": ("personality", "extrovert"), "ambivert": ("personality", "ambivert"),
    "left-handed": ("handedness", "left"), "lefty": ("handedness", "left"), "right-handed": ("handedness", "right"),
    "beach person": ("vacation person", "beach"), "mountain person": ("vacation person", "mountain"),
    "coffee person": ("drink person", "coffee"), "tea person": ("drink person", "tea"),
    "homebody": ("social style", "homebody"), "city person": ("setting person", "city"),
    "country person": ("setting person", "country"),
}
_PERSON_ALTERNATION = "|".join(sorted((re.escape(k) for k in _PERSON_TYPES), key=len, reverse=True))
_PERSON_TYPE = rx(r"(?:(?:a|an|total|huge|big|definitely|more\s+of\s+a|very\s+much\s+a|such\s+a)\s+)*(?P<t>"
                  + _PERSON_ALTERNATION + r")\b")
# Objects whose comparison tells a person type ("I love cats more than dogs").
_COMPARISON_TYPES = {"cats": ("pet person", "cat"), "cat": ("pet person", "cat"), "dogs": ("pet person", "dog"),
                     "dog": ("pet person", "dog"), "mornings": ("chronotype", "morning"),
                     "nights": ("chronotype", "night"), "coffee": ("drink person", "coffee"),
                     "tea": ("drink person", "tea"), "the beach": ("vacation person", "beach"),
                     "the mountains": ("vacation person", "mountain")}


def parse_person_type(raw: str) -> p.Parsed | None:
    """"a night owl" -> other fact (qualifier ``chronotype``, value ``night``)."""
    match = _PERSON_TYPE.match(raw)
    if not match:
        return None
    qualifier, key = _PERSON_TYPES[match.group("t").lower()]
    return p.single(match.group("t"), match.end(), qualifier=qualifier, normalized=key)


def parse_comparison(raw: str) -> p.Parsed | None:
    """"cats more than dogs" / "tea over coffee" / "tea to coffee" -> liked object (+ type)."""
    match = _COMPARISON.match(raw)
    if not match:
        return None
    x = basic_normalize(match.group("x"))
    values = [p.Value(match.group("x"), "", False, None)]
    if x in _COMPARISON_TYPES:
        qualifier, key = _COMPARISON_TYPES[x]
        values.append(p.Value(match.group("x"), qualifier, False, key))
    return p.Parsed(tuple(values), match.end())


_DEMONYMS = frozenset("""
american canadian mexican brazilian argentinian chilean colombian peruvian british english scottish welsh
irish french german italian spanish portuguese dutch belgian swiss austrian swedish norwegian danish finnish
polish czech hungarian romanian greek turkish russian ukrainian israeli egyptian nigerian kenyan
ghanaian ethiopian indian pakistani bangladeshi chinese japanese korean vietnamese thai
filipino indonesian malaysian australian
""".split())


def parse_nationality(raw: str) -> p.Parsed | None:
    """"Canadian" -> other fact (qualifier ``nationality``)."""
    match = _DEMONYM.match(raw)
    if not match or match.group(1).lower() not in _DEMONYMS:
        return None
    return p.single(match.group(1), match.end(), qualifier="nationality", normalized=match.group(1).lower())


# Activities: instruments, sports, running.
_INSTRUMENTS = frozenset("""
guitar piano violin cello drums bass ukulele saxophone sax flute trumpet clarinet harp banjo
keyboard organ trombone viola harmonica accordion mandolin oboe tuba
""".split())


def parse_activity(raw: str) -> p.Parsed | None:
    """"the guitar" / "an instrument" / "any instruments" / "marathons" / "tennis"."""
    lead = _DETERMINER.match(raw)
    offset = lead.end() if lead else 0
    parsed = p.phrase(raw[offset:], max_words=3)
    if not parsed:
        return None
    parsed = parsed._replace(end=parsed.end + offset)
    word = basic_normalize(parsed.values[0].text)
    singular = _PLURAL_S.sub("", word)
    if singular in {"instrument", "musical instrument"}:
        return p.single(parsed.values[0].text, parsed.end, qualifier="instrument", normalized=p.EXISTS)
    if singular in _INSTRUMENTS:
        return p.single(parsed.values[0].text, parsed.end, qualifier="instrument", normalized=singular)
    if word.split()[0] in {"it", "them", "that", "this", "games", "video", "around", "with", "along", "music", "well", "safe"}:
        return None
    return p.single(parsed.values[0].text, parsed.end, normalized=singular)


# ----------------------------------------------------------------------------------------------
# Secondary values
# ----------------------------------------------------------------------------------------------

# "... at Google as a data scientist" -> job_title; "a nurse at Mercy Hospital" -> employer;
# "moved to Denver from Seattle" -> former location; "an engineer in Pittsburgh" -> location.
AS_JOB = Secondary(rx(r"^(?:,?\s+(?:this|last)\s+(?:week|month|year)|\s+(?:now|today|recently|yesterday|full-time))?"
                      r",?\s+as\s+(?:an?\s+)?(?P<v>.+)"), "job_title", p.parse_job, None)
AT_EMPLOYER = Secondary(rx(r"^\s+(?:at|for|with)\s+(?P<v>.+)"), "employer", p.parse_employer_cap, None)
# "I left Ford for GM": the new employer.
FOR_EMPLOYER = Secondary(rx(r"^\s+(?:to\s+join|for)\s+(?P<v>.+)"), "employer", p.parse_employer_cap, False)
FROM_LOCATION = Secondary(rx(r"^\s+from\s+(?P<v>.+)"), "location", p.parse_location, True)
IN_LOCATION = Secondary(rx(r"^\s+(?:in|based\s+in)\s+(?P<v>.+)"), "location", _parse_job_in_place, None)
# "... at Meta in Menlo Park": the place after an employer is the office, not the home.
IN_OFFICE = Secondary(rx(r"^\s+(?:in|based\s+in)\s+(?P<v>.+)"), "location", _parse_job_in_place, None, "office")


# ----------------------------------------------------------------------------------------------
# First-person rules, per slot
# ----------------------------------------------------------------------------------------------

EMPLOYER_RULES = (
    # I work at/for X; I don't work at X anymore; I used to work for X; I've worked at X
    _rule("employer", _I + _HAVE + _ADV + _USED + _NEG + _ADV + r"\s+(?:work(?:s|ing)?|worked)" + _ADV
          + r"(?:\s+(?:over|down|up|out|full-time|part-time))?\s+(?:at|for)" + _V, p.parse_employer, secondary=(AS_JOB,)),
    # I worked at X (simple past, no "have"): a former employer
    _rule("employer", _I + _ADV + r"\s+worked\s+(?:at|for)" + _V, p.parse_employer_cap, negated=True),
    # I've been (working) at X (for two years)
    _rule("employer", _I + r"(?:'ve|\s+have)" + _ADV + r"\s+been" + _ADV + r"(?:\s+working)?\s+(?:at|with|for)" + _V,
          p.parse_employer_cap, secondary=(AS_JOB,)),
    # I'm (now) working at X; I'm employed by X; I'm (still) at X
    _rule("employer", _I + _BE + _BE_NEG + _ADV + r"\s+(?:working|employed|hired|contracting|interning)\s+(?:at|for|by|with)"
          + _V, p.parse_employer, secondary=(AS_JOB,)),
    # I'm (still) at Deloitte -- only with a cue that it is about work, not a visit ("I'm at Costco")
    _rule("employer", _I + _BE + _BE_NEG + _ADV + r"\s+(?:back\s+)?at" + _V, p.parse_org_not_place, secondary=(AS_JOB,),
          guard=rx(r"\b(?:still|back|currently|these\s+days|nowadays|actually|first\s+time|no\s+longer|anymore|now\s+at"
                   r"|always\s+have\s+been|since\s+(?:19|20)\d\d)\b"
                   r"|\bat\s+[A-Z][\w&'.-]*(?:\s+(?:&\s+)?[A-Z][\w&'.-]*){0,3}\s+now\b"
                   r"|\bat\s+\S+(?:\s+\S+)?\s+(?:as\s+an?|designing|working|doing|building|leading|managing|running"
                   r"|on\s+the|in\s+(?:the\s+)?\w+\s+(?:team|department|practice|division))\b")),
    _rule("employer", _I + _BE + _BE_NEG + _ADV + r"\s+(?:back\s+)?(?:at|with)" + _V, _known_employer, secondary=(AS_JOB,)),
    _rule("employer", _I + _HAVE + _ADV + r"\s+(?:went\s+back\s+to|returned\s+to|rejoined|re-joined)" + _V,
          lambda raw: _org_or_known(raw)),
    _rule("employer", _I + _BE + _ADV + r"\s+on\s+(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?team\s+(?:at|with|for)" + _V,
          p.parse_employer_cap),
    _rule("employer", _I + _BE + _ADV + r"\s+on\s+the" + r"(?P<v>\s+[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*)*)\s+team\b",
          lambda raw: p.parse_org(raw.strip())),
    # I joined X; I just started at X; I got a job at X; I was hired by X (capitalised X only)
    _rule("employer", _I + _HAVE + _ADV + r"\s+(?:joined|started\s+(?:working\s+|(?:a|my)\s+(?:new\s+)?(?:job|role|position)\s+)?(?:at|for|with)"
          r"|got\s+(?:a\s+(?:new\s+)?job|hired|an?\s+(?:position|role))\s+(?:at|with|by)"
          r"|took\s+a\s+(?:new\s+)?(?:job|position|role)\s+(?:at|with)|(?:was|got|been)\s+hired\s+(?:by|at)"
          r"|accepted\s+an?\s+(?:offer|job|position)\s+(?:at|from|with)|switched\s+to|moved\s+over\s+to|signed\s+with"
          r"|went\s+to\s+work\s+(?:at|for))" + _V, p.parse_employer_cap, secondary=(AS_JOB,)),
    # I left for Meta; my manager at Chevron
    _rule("employer", _I + _HAVE + _ADV + r"\s+left(?:\s+\w+)?\s+(?:for|to\s+join)" + _V, p.parse_org_not_place),
    _rule("employer", r"\bmy\s+(?:manager|boss|supervisor|co-?workers?|colleagues?|team|teammates|office|desk|department)"
          r"\s+(?:at|with|over\s+at)" + _V, p.parse_org_not_place),
    # I manage a team at Salesforce; I teach at Lincoln High
    _rule("employer", _I + _ADV + _NEG + r"\s+(?:manage|lead|run|head|teach|code|program|design|consult|nurse|practice)\b"
          r"[^,.;]{0,30}?\s+(?:at|for)" + _V, p.parse_org_not_place),
    # I'm with KPMG; I'm a Google employee; I'm on staff at X; Nike hired me; I moved on to SAP
    # "I'm with KPMG now" (a single capitalised word at the end may be a person: "I'm with Emily")
    _rule("employer", _I + _BE + _BE_NEG + _ADV + r"\s+with" + _V, p.parse_org_not_person, secondary=(AS_JOB,),
          guard=rx(r"\bwith\s+(?:(?-i:[A-Z]{2,})\b|(?-i:[A-Z])\w+\s+(?-i:[A-Z])\w+|\S+\s+(?:now|these\s+days|full-time|as\s+an?"
                   r"|since|for\s+\w+\s+years|anymore))|^(?:these\s+days|nowadays|now|currently),?\s+I")),
    _rule("employer", _I + _BE + _BE_NEG + _ADV + r"\s+an?\s+(?P<v>[A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*){0,2})\s+"
          r"(?:employee|staffer|staff\s+member|contractor|worker)\b", lambda raw: p.parse_org(_EMPLOYEE_NOUN.split(raw, 1)[0])),
    _rule("employer", r"(?:^|[,;]\s*)(?P<v>[A-Z][\w&'.-]*(?:\s+(?:&\s+)?[A-Z][\w&'.-]*){0,3})\s+(?:just\s+|recently\s+|finally\s+)?"
          r"(?:(?:hired|employed|recruited|poached)\s+me|took\s+me\s+on|offered\s+me\s+a\s+(?:permanent\s+)?(?:job|role|contract)\s+and\s+I\s+took\s+it)"
          r"\b", lambda raw: _org_not_single_name(_HIRED_VERB.split(raw, 1)[0])),
    _rule("employer", r"(?:^|[,;]\s*)(?P<v>[A-Z][\w&'.-]*(?:\s+(?:&\s+)?[A-Z][\w&'.-]*){0,3})\s+(?:let\s+me\s+go|laid\s+me\s+off"
          r"|fired\s+me|made\s+me\s+redundant|sacked\s+me)\b", lambda raw: _org_not_single_name(_FIRED_VERB.split(raw, 1)[0]),
          negated=True),
    _rule("employer", r"\bmy\s+(?:current\s+|new\s+|day\s+|main\s+)?(?:gig|job)\s+(?:is|'s)\s+(?:at|with|for)" + _V, p.parse_org_not_place),
    _rule("employer", _I + _ADV + r"\s+do\s+(?:[\w-]+\s+){0,3}?(?:work|consulting|contracting|freelancing|shifts)\s+(?:for|at)" + _V,
          p.parse_employer_cap),
    _rule("employer", _I + _BE + _BE_NEG + _ADV + r"\s+(?:an?\s+)(?P<v>[A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*)?)\s+"
          r"(?:employee|staffer|contractor|intern|lifer|veteran|alum(?:nus|na)?\s+employee)\b", p.parse_org),
    _rule("employer", _I + _BE + _BE_NEG + _ADV + r"\s+on\s+(?:the\s+)?(?:staff|payroll|faculty|team)\s+(?:at|of|with)" + _V,
          p.parse_employer_cap),
    _rule("employer", r"(?:^|,\s*)(?P<v>[A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*){0,3})\s+(?:just\s+|recently\s+|finally\s+)?"
          r"(?:hired|employs|recruited|brought\s+on|poached)\s+me\b", p.parse_org_not_person),
    _rule("employer", _I + _HAVE + _ADV + r"(?:\s+since)?\s+(?:moved\s+on\s+to|landed\s+(?:a\s+)?(?:new\s+)?(?:job|position|role|gig)"
          r"\s+(?:at|with)|signed\s+on\s+(?:with|at))" + _V, p.parse_org_not_place, secondary=(AS_JOB,)),
    _rule("employer", r"\bmy\s+(?:employer|company|workplace)\s*,\s*(?=[A-Z])" + r"(?=(?P<v>.+))", p.parse_org),
    _rule("employer", r"^(?:working|being\s+employed)\s+(?:at|for)" + _V, p.parse_org_not_place, guard=rx(r"\b(?:has|is|was|'s)\b")),
    _rule("employer", _I + r"(?:'ve|\s+have)?\s+(?P<neg>never|not)\s+(?:been\s+)?work(?:ed|ing)\s+(?P<v>there)\b",
          _fixed("there", p.WILDCARD), never=True),
    _rule("employer", _I + _ADV + r"\s+(?P<neg>don't|do\s+not|no\s+longer)\s+work\s+(?P<v>there)\b", _fixed("there", p.WILDCARD)),
    # my employer is X; my company is X; my job is at X
    _rule("employer", r"\bmy\s+(?:current\s+|new\s+|main\s+)?(?:employer|company|workplace)\s+(?:is|'s)" + _BE_NEG
          + r"(?:\s+(?:at|with))?" + _V, p.parse_employer_cap),
    _rule("employer", r"\bmy\s+(?:current\s+|new\s+)?(?:job|position|role)\s+(?:is|'s)\s+(?:at|with)" + _V,
          p.parse_employer_cap),
    # Adobe is where I work
    _rule("employer", r"(?:^|,\s*)(?P<v>[A-Z].{0,40}?)\s+is\s+where\s+I\s+(?:work|'m\s+employed)\b", p.parse_employer_cap),
    _rule("employer", r"(?:^|[,;]\s*)(?P<v>[A-Z][\w&'.-]*(?:\s+(?:&\s+)?[A-Z][\w&'.-]*){0,3})\s+(?:is|'s)\s+(?:now\s+|still\s+)?my\s+"
          r"(?:current\s+|new\s+|main\s+)?(?:employer|company|workplace)\b", lambda raw: p.parse_org(_IS_MY.split(raw, 1)[0])),
    _rule("employer", r"(?:^|[,;]\s*)(?P<v>[A-Z][\w&'.-]*(?:\s+(?:&\s+)?[A-Z][\w&'.-]*){0,3})\s+(?:now\s+)?pays\s+my\s+"
          r"(?:salary|wages|bills)\b", lambda raw: _org_not_single_name(_PAYS_MY.split(raw, 1)[0])),
    # I quit X; I left (my job at) X; I was laid off from X -> former employer
    _rule("employer", _I + _HAVE + _ADV + r"\s+(?:quit|left|resigned\s+from|retired\s+from|(?:got|was|been)\s+(?:fired|laid\s+off|let\s+go)"
          r"\s+(?:from|by))\s+(?:my\s+(?:job|position|role)\s+(?:at|with)\s+)?(?P<v>.+)", p.parse_employer_cap,
          negated=True, secondary=(FOR_EMPLOYER,)),
    _rule("employer", r"\bmy\s+last\s+day\s+(?:at|with)\s+(?P<v>.+)", p.parse_employer_cap, negated=True),
    _rule("employer", r"\bmy\s+(?:time|job|stint|career|days)\s+(?:at|with)\s+(?P<v>[A-Z].+?)\s+(?:ended|is\s+over|was\s+over|came\s+to\s+an\s+end"
          r"|finished|wrapped\s+up)\b", lambda raw: p.parse_org(raw), negated=True),
    # I'm unemployed / between jobs; I quit my job; I lost my job -> no employer now
    _rule("employer", _I + _BE + _ADV + r"\s+(?P<v>unemployed|out\s+of\s+work|jobless|between\s+jobs|retired"
          r"|not\s+working(?!\s+(?:today|tonight|tomorrow|this|on|at\s+the\s+moment|right\s+now|from|late|weekends|much|much))"
          r"|a\s+stay-at-home|looking\s+for\s+(?:a\s+job|work))\b",
          _fixed("unemployed", p.WILDCARD, negated=True)),
    _rule("employer", _I + _HAVE + _ADV + r"\s+(?P<v>quit|lost|left)\s+my\s+(?:job|position)\b",
          _fixed("my job", p.WILDCARD, negated=True)),
    _rule("employer", _I + _HAVE + _ADV + r"\s+(?:was\s+|got\s+|been\s+)?(?P<v>laid\s+off|fired|let\s+go)\b",
          _fixed("my job", p.WILDCARD, negated=True)),
    # I'm self-employed / freelancing / I run my own bakery / I work for myself
    _rule("employer", _I + _BE + _BE_NEG + _ADV + r"\s+(?P<v>self-employed|self\s+employed|freelancing|a\s+freelancer"
          r"|freelance|an?\s+independent\s+contractor)\b", _fixed("self-employed", "self-employed")),
    _rule("employer", _I + _ADV + r"\s+(?P<v>run|own)\s+my\s+own\s+(?:business|company|shop|bakery|store|practice"
          r"|restaurant|firm|consultancy|studio|agency)\b", _fixed("self-employed", "self-employed")),
    _rule("employer", _I + _ADV + r"\s+work\s+for\s+(?P<v>myself)\b", _fixed("self-employed", "self-employed")),
)

JOB_RULES = (
    # I work as a nurse (at X)
    _rule("job_title", _I + _HAVE + _ADV + _USED + _NEG + _ADV + r"\s+(?:work(?:s|ing|ed)?|serve)(?:\s+(?:full-time|part-time"
          r"|full\s+time|part\s+time|mainly|mostly))?\s+as" + _V, p.parse_job,
          secondary=(AT_EMPLOYER, IN_OFFICE)),
    _rule("job_title", _I + _BE + _BE_NEG + _ADV + r"\s+(?:working|employed)\s+as" + _V, p.parse_job,
          secondary=(AT_EMPLOYER, IN_OFFICE)),
    # I'm a software engineer (at X) (in Pittsburgh) -- head noun must be a known job word
    _rule("job_title", _I + _BE + _BE_NEG + _ADV + r"(?=\s+(?:an?|the)\s)" + _V, p.parse_job_lexicon,
          secondary=(AT_EMPLOYER, IN_OFFICE)),
    _rule("job_title", _I + r"\s+used\s+to\s+be(?=\s+an?\s)" + _V, p.parse_job_lexicon, negated=True),
    _rule("job_title", r"^(?:as|being)(?=\s+an?\s)" + _V, p.parse_job_lexicon, guard=rx(r",\s*I\b")),
    _rule("job_title", _I + _BE + r"\s+(?:dr\x00?\s+)?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?,\s+(?:(?:\d{1,3}|" + lx.NUMBER_WORDS
          + r"),\s+)?(?=(?P<v>an?\s.+))", p.parse_job_lexicon, secondary=(AT_EMPLOYER, IN_OFFICE)),
    _rule("job_title", _I + r"(?:'ve|\s+have)" + _ADV + r"\s+been(?=\s+(?:an?|the)\s)" + _V, p.parse_job_lexicon,
          secondary=(AT_EMPLOYER,)),
    _rule("job_title", _I + _BE + _ADV + r"\s+(?:an?\s+)?(?P<v>[\w-]+(?:\s+[\w-]+)?)\s+by\s+(?:trade|profession|training)\b",
          p.parse_job_lexicon),
    _rule("job_title", r"\bby\s+(?:trade|profession),?\s+I(?:'m|\s+am)(?=\s+an?\s)" + _V, p.parse_job_lexicon),
    # my job title is X / my role is X
    _rule("job_title", r"\bmy\s+(?:current\s+|new\s+|official\s+)?(?:job\s+title|title|occupation|profession)"
          r"\s+(?:is|'s)" + _BE_NEG + _V, p.parse_job),
    _rule("job_title", r"\bmy\s+(?:current\s+|new\s+)?(?:job|role|position)\s+(?:is|'s)" + _BE_NEG + _V, p.parse_job_lexicon),
    # I was / got promoted to X; I was made X; I became a X; they hired me as X
    _rule("job_title", _I + _HAVE + r"(?:\s+(?:just|recently|finally|been|was|got|officially|now|also))+"
          r"\s+(?:promoted|bumped\s+up|moved\s+up|demoted|moved\s+down|reassigned|transferred)\s+to" + _V, p.parse_job),
    _rule("job_title", r"\b(?:they|we|the\s+(?:company|firm|school|board|hospital)|my\s+(?:boss|manager|company)|[A-Z][\w&-]*)"
          r"\s+(?:just\s+|finally\s+|recently\s+|officially\s+)?(?:promoted|bumped|moved)\s+me(?:\s+up)?\s+to" + _V, p.parse_job),
    _rule("job_title", _I + _HAVE + _ADV + r"\s+got\s+(?:a|my)\s+promotion\s+to" + _V, p.parse_job),
    _rule("job_title", r"\bmy\s+(?:recent\s+|new\s+)?promotion\s+to" + _V, p.parse_job),
    _rule("job_title", r"\b(?:in|with)\s+my\s+(?:job|role|work|position|career|day\s+job)\s+as(?=\s+an?\s)" + _V,
          lambda raw: p.parse_job_lexicon(_NEXT_CLAUSE.split(raw, 1)[0])),
    _rule("job_title", r"^(?:as)(?=\s+an?\s)" + _V, lambda raw: _as_job_with_comma(raw)),
    _rule("job_title", _I + _ADV + r"\s+drive\s+an?\s+(?P<v>(?:taxi|cab|bus|lorry|truck|van|forklift|ambulance|tractor|train|tram))"
          r"\s+(?:for\s+(?:a\s+living|work)|professionally)\b", lambda raw: _driver_job(raw)),
    _rule("job_title", _I + r"\s+(?:was|got|have\s+been|'ve\s+been)\s+(?:just\s+)?made(?:\s+a|\s+an|\s+the)?" + _V,
          p.parse_job_lexicon),
    _rule("job_title", _I + _HAVE + _ADV + r"\s+became" + _V, p.parse_job_lexicon),
    _rule("job_title", _I + _HAVE + _ADV + r"\s+(?:just\s+)?made\s+(?P<v>partner|tenure|director|principal|captain|sergeant"
          r"|lieutenant|detective|head\s+chef|chief|vp|vice\s+president|senior\s+\w+)\b", p.parse_job),
    _rule("job_title", r"\b(?:they|we)\s+(?:hired|made|brought)\s+me(?:\s+on)?(?:\s+full-time|\s+permanently)?"
          r"(?:\s+as)?" + _V, p.parse_job_lexicon),
    _rule("job_title", _I + _BE + _ADV + r"\s+(?P<v>retired|semi-retired)\b", _fixed("retired", "retired")),
    _rule("employer", _I + _BE + _ADV + r"\s+an?\s+(?P<v>retired)\s+\w+", _fixed("retired", p.WILDCARD, negated=True)),
    _rule("employer", _I + _HAVE + _ADV + r"\s+(?:finally\s+|officially\s+)?(?P<v>retired)\b(?!\s+from)(?!\s+(?:my|the|our|a)\b)",
          _fixed("retired", p.WILDCARD, negated=True)),
    # I graduated -> no longer a student
    _rule("job_title", _I + _HAVE + _ADV + r"\s+(?P<v>graduated)\b", _fixed("student", "student", negated=True)),
    _rule("job_title", _I + _HAVE + _ADV + r"\s+(?P<v>finished|completed|left)\s+(?:uni|university|college|school|my\s+(?:degree|studies|course))\b",
          _fixed("student", "student", negated=True)),
)

AGE_RULES = (
    _rule("age", _I + _BE + _BE_NEG + r"(?:\s+(?:now|currently|only|just|actually|already|almost|nearly|about"
          r"|around|roughly|close\s+to|closer\s+to|over|under|well\s+over|still))*" + _V, p.parse_age),
    _rule("age", r"\bmy\s+age\s+(?:is|'s)" + _BE_NEG + _V, p.parse_age),
    _rule("age", r"^at\s+(?=(?P<v>\d{2}),\s+I(?:'m|\s+am|\s+feel|\s+have|'ve|\s+still|\s+can|\s+really|\s+think|\s+know)\b)", p.parse_age_number),
    _rule("age", r"\b(?:had|celebrated|celebrating|turned|it's|it\s+is|today\s+is)\s+my\s+(?P<v>\d{1,3})(?:st|nd|rd|th)\s+birthday\b",
          lambda raw: p.parse_age(raw.split()[0].rstrip("stndrh") if raw.split()[0][:-2].isdigit() else raw)),
    _rule("age", _I + _BE + r"\s+[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?,\s+(?=(?P<v>\d{1,3}\b))", p.parse_age),
    _rule("age", _I + _HAVE + _ADV + r"\s+(?:turned|hit|reached)" + _V, p.parse_age),
    _rule("age", _I + _BE + _ADV + r"\s+pushing" + _V, lambda raw: _pushing_age(raw)),
    _rule("age", _I + r"\s+turn" + _V, lambda raw: _turning_this_year(raw), guard=rx(r"\bthis\s+year\b")),
    _rule("age", _I + _HAVE + _ADV + r"\s+(?:celebrated|had)\s+my" + r"(?P<v>\s+\d{1,3})(?:st|nd|rd|th)\s+birthday",
          lambda raw: p.single(raw.strip(), len(raw))),
    # I'm a 34-year-old nurse
    _rule("age", _I + _BE + _ADV + r"\s+an?\s+(?P<v>(?:\d{1,3}|" + lx.NUMBER_WORDS + r"))"
          r"(?=[-\s]years?[-\s]old\b)", p.parse_age_number),
)

LOCATION_RULES = (
    _rule("location", _WE + _ADV + _USED + _NEG + _ADV + r"\s+(?:live|reside)s?\s+in" + _V, p.parse_location),
    _rule("location", _WE + _ADV + r"\s+lived\s+in" + _V, p.parse_location, negated=True),
    _rule("location", _WE + r"\s+(?P<neg>haven't|have\s+not|hadn't)\s+(?:been\s+living|lived)\s+in" + _V, p.parse_location),
    _rule("location", _WE + _WE_BE + _BE_NEG + _ADV + r"\s+(?:living|residing|based|located|settled|staying)"
          r"\s+(?:in|out\s+of)" + _V, p.parse_location),
    _rule("location", _WE + r"(?:'ve|\s+have)" + _NEG + _ADV + r"\s+(?:been\s+living|lived)\s+in" + _V, p.parse_location),
    # I moved (here/back) (from X) to Y [from X]
    _rule("location", _WE + _HAVE + _ADV + r"\s+(?:moved|relocated|transferred)(?:\s+(?:back|over|out|here|there|away))?"
          r"(?:\s+from\s+[^,;]+?)?\s+to" + _V, p.parse_location_cap, secondary=(FROM_LOCATION,)),
    _rule("location", _WE + _HAVE + _ADV + r"\s+(?:moved|relocated)(?:\s+(?:away|out|here))?\s+from" + _V,
          p.parse_location, negated=True),
    # home is Denver; Phoenix is home; Seattle is where I live; I'm a Denver resident
    _rule("location", r"(?:^|\bmy\s+)home\s+(?:is|'s)" + _BE_NEG + _ADV + r"(?:\s+in)?" + _V, p.parse_location_cap),
    _rule("location", r"(?:^|,\s*)(?P<v>[A-Z][\w .'-]{1,30}?)\s+(?:has\s+been|'s\s+been|became)\s+(?:my\s+|our\s+)?home\b(?!\s+(?:to|for)\b)",
          lambda raw: p.parse_location_cap(_HAS_BEEN_HOME.split(raw, 1)[0])),
    _rule("location", r"^(?:so\s+|well\s+|anyway\s+)?(?:here|out\s+here|over\s+here|back\s+here|up\s+here|down\s+here)\s+in" + _V,
          lambda raw: _capitalised_place(raw)),
    _rule("location", _WE + _HAVE + _ADV + r"\s+(?:packed\s+up\s+and\s+)?(?:left|moved\s+(?:away\s+)?from)" + _V, lambda raw: _left_for_place(raw)),
    _rule("location", r"(?:^|,\s*)(?P<v>[A-Z][\w .'-]{1,30}?)\s+is\s+(?:now\s+)?(?:home|where\s+(?:I|we)\s+live)\b",
          p.parse_location_cap),
    _rule("location", _I + _BE + _ADV + r"\s+an?\s+(?P<v>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)\s+(?:resident|local)\b",
          lambda raw: p.parse_location_cap(_RESIDENT_NOUN.split(raw, 1)[0])),
    _rule("location", _I + r"(?:\s+now)?\s+call\s+(?P<v>.+?)\s+home\b", p.parse_location),
    # I've been in Dallas (for ten years); I'm a resident of Ohio; our house is in Reno
    _rule("location", _WE + r"(?:'ve|\s+have)" + _ADV + r"\s+been\s+(?:living\s+)?in" + _V, p.parse_location_cap),
    _rule("location", _WE + _WE_BE + _ADV + r"\s+(?:a\s+)?residents?\s+of" + _V, p.parse_location_cap),
    _rule("location", r"\b(?:my|our)\s+(?:house|home|apartment|flat|condo|place|townhouse)\s+is\s+(?:in|located\s+in)" + _V,
          p.parse_location_cap),
    _rule("location", r"\b(?:live|lived|living|based)\s+in\s+(?:this|the|our)\s+(?:city|town|area)\s*,\s*" + r"(?=(?P<v>.+))",
          p.parse_location_cap, guard=rx(r"\b(?:I|we)\b")),
    _rule("location", r"\b(?:our|my)\s+(?:family|household)\s+(?:has\s+|just\s+)?(?:moved|relocated)\s+to" + _V, p.parse_location_cap),
    _rule("location", r"\b(?:our|my)\s+(?:family|household)\s+(?:lives|is\s+based|lived)\s+in" + _V, p.parse_location_cap),
    _rule("location", r"^(?:living)\s+in" + _V, p.parse_location_cap, guard=rx(r"\b(?:has|is|was|'s)\b")),
    # "I'm Leila, 29, a designer, living in Toronto" / "a retired teacher living in Phoenix"
    _rule("location", r"(?:,|\b(?:\w+))\s+(?:living|based|residing)\s+in" + _V, p.parse_location_cap,
          guard=rx(r"^(?:[^,]*[,:!]\s*)?I(?:'m|\s+am)\b")),
    # I'm in Atlanta (now) -- not "I'm in Paris for a conference"
    _rule("location", _WE + _WE_BE + _BE_NEG + _ADV + r"\s+in" + _V, p.parse_place_at_clause_end),
    # We bought a house in Salt Lake City
    _rule("location", _WE + _HAVE + _ADV + r"\s+(?:bought|purchased|rent|rented|own|have)\s+(?:a|an|our|my)\s+(?:new\s+)?"
          r"(?:house|home|place|condo|apartment|flat|townhouse)\s+in" + _V, p.parse_location_cap),
    # I don't live there anymore
    _rule("location", _WE + _ADV + r"\s+(?P<neg>don't|do\s+not|no\s+longer)\s+live\s+(?P<v>there|here)\b",
          _fixed("there", p.WILDCARD)),
    # Office: I work in/out of (the) Seattle (office); my office is in Bellevue; I commute to X
    _rule("location", _I + _ADV + r"\s+(?:work|am\s+working|'m\s+working)\s+(?:in|out\s+of|from)" + _V, _parse_office),
    _rule("location", r"\bmy\s+(?:office|workplace|desk)\s+is\s+(?:in|at)" + _V, _parse_office),
    _rule("location", _I + _BE + _ADV + r"\s+based\s+(?:in|at|out\s+of)\s+(?P<v>the\s+.+?\s+(?:office|campus|hq)\b.*)",
          _parse_office),
    _rule("location", _I + _HAVE + _ADV + r"\s+(?:commute|transferred|moved)\s+to\s+(?P<v>(?:the\s+)?[A-Z].*?(?:\s+office)?\b.*)",
          _parse_office),
)
# "I'm based in the X office" must not also give a home location: the office rule runs first and
# LOCATION_OFFICE_HINT tells the driver to drop the plain fact.
OFFICE_HINT = rx(r"\boffice\b|\bcampus\b|\bhq\b|\bheadquarters\b")

HOMETOWN_RULES = (
    _rule("hometown", _I + _BE + _ADV + r"\s+(?:originally\s+)?from" + _V, p.parse_location_cap),
    _rule("hometown", _I + _ADV + r"\s+(?:grew\s+up|was\s+(?:born|raised)(?:\s+and\s+raised)?)\s+in" + _V,
          p.parse_location_cap),
    _rule("hometown", r"\bmy\s+home\s*town\s+(?:is|was)" + _V, p.parse_location_cap),
    _rule("hometown", r"^being\s+(?:originally\s+)?from" + _V, p.parse_location_cap, guard=rx(r",\s*I\b")),
    _rule("hometown", _I + _BE + r"\s+[A-Z][\w'-]*,\s+(?:\d{1,3},\s+)?an?\s+[\w\s-]{1,30}?\s+from" + _V, p.parse_location_cap),
    _rule("hometown", r"(?:^|,\s*)(?P<v>[A-Z][\w .'-]{1,30}?)\s+is\s+where\s+I\s+(?:grew\s+up|was\s+(?:born|raised))\b",
          p.parse_location_cap),
)

_SPOUSE_NOUNS = r"(?:wife|husband|spouse|partner|girlfriend|boyfriend|fianc[eé]e?)"
SPOUSE_RULES = (
    _rule("spouse", r"\bmy\s+" + _SPOUSE_NOUNS + r"(?:'s\s+name\s+is|\s+is\s+(?:named|called)|\s+is|'s)" + _BE_NEG + _V,
          p.parse_name_cap),
    _rule("spouse", r"\bmy\s+" + _SPOUSE_NOUNS + r"\s+is\s+an?\s+[\w\s-]{1,30}?\s+(?:named|called)" + _V, p.parse_name_cap),
    _rule("spouse", _I + _BE + _BE_NEG + _ADV + r"\s+(?P<v>engaged)\b(?!\s+to)", _fixed("engaged", p.EXISTS, qualifier="engaged")),
    _rule("spouse", r"\bmy\s+(?:wife|husband|spouse|partner|girlfriend|boyfriend)(?=,?\s+[A-Z])" + r"(?P<v>,?\s+.+)",
          p.parse_leading_name),
    _rule("spouse", r"(?:^|,\s*)(?P<v>[A-Z][^\W\d_]+)(?:'s|\s+is)\s+my\s+(?:wife|husband|spouse|partner)\b",
          p.parse_name_cap),
    _rule("spouse", r"(?:^|\s)(?P<v>[A-Z][^\W\d_]+),\s+my\s+(?:wife|husband|spouse)\b", p.parse_name_cap),
    _rule("spouse", _I + _BE + _BE_NEG + _ADV + r"\s+married\s+to" + _V, p.parse_name_cap),
    _rule("spouse", _I + r"(?:'ve|\s+have)\s+been\s+(?:happily\s+)?married\s+to" + _V, p.parse_name_cap),
    _rule("spouse", _I + _BE + _BE_NEG + _ADV + r"\s+(?:dating|seeing|with|in\s+a\s+relationship\s+with|together\s+with)"
          + _V, p.parse_name_cap, qualifier="partner", guard=rx(r"\b(?:dating|seeing|relationship|together)\b")),
    _rule("spouse", _I + _BE + _BE_NEG + _ADV + r"\s+engaged\s+to" + _V, p.parse_name_cap, qualifier="engaged"),
    _rule("spouse", _I + _HAVE + _ADV + r"\s+(?:got\s+)?married(?:\s+to)?" + _V, p.parse_name_cap),
    _rule("spouse", r"(?:^|\s)(?P<v>[A-Z][^\W\d_]+)\s+and\s+I\s+(?:got|are|were|have\s+been)\s+(?:finally\s+|happily\s+|just\s+)?married\b",
          p.parse_name_cap),
    _rule("spouse", r"(?:^|\s)(?P<v>[A-Z][^\W\d_]+)\s+and\s+I\s+(?:have\s+|just\s+|recently\s+)?(?:broke\s+up|split\s+up"
          r"|split|separated|divorced|got\s+divorced|are\s+(?:separated|divorced|over|done))\b", p.parse_name_cap,
          negated=True),
    _rule("spouse", _I + r"(?:'m|\s+am|'ve|\s+have|\s+got)?" + _ADV + r"\s+(?:got\s+)?(?:divorced|separated)"
          r"\s+from" + _V, p.parse_name_cap, negated=True),
    # I'm single / divorced / a widower / not married; I've never been married -> no spouse
    _rule("spouse", _I + _BE + _ADV + r"\s+(?P<v>single|divorced|separated|widowed|unmarried|a\s+widow(?:er)?"
          r"|not\s+married|no\s+longer\s+married|not\s+in\s+a\s+relationship|a\s+bachelor(?!'s|\s+of)|unattached"
          r"|not\s+seeing\s+anyone|not\s+dating\s+anyone)\b(?!\s+(?:to|with)\b)",
          _fixed("single", p.WILDCARD, negated=True)),
    _rule("spouse", _I + r"(?:'ve|\s+have)\s+never\s+(?P<v>been\s+married|married)\b",
          _fixed("never married", p.WILDCARD, negated=True), never=True),
    _rule("spouse", _I + _HAVE + _ADV + r"\s+(?:got\s+)?(?P<v>divorced|separated)\b", _fixed("divorced", p.WILDCARD, negated=True)),
    _rule("spouse", r"\bmy\s+(?:wife|husband|spouse|partner)(?:,?\s+[A-Z][a-z]+,?)?\s+(?:passed\s+away|died|left\s+me)\b(?P<v>)",
          _fixed("spouse", p.WILDCARD, negated=True)),
    _rule("spouse", r"\bmy\s+(?:ex-|ex\s+|former\s+)(?P<v>wife|husband|spouse)\b", _fixed("ex-spouse", p.EXISTS, qualifier="former")),
    # I'm married; I got married; "my wife ..." -> a spouse exists
    _rule("spouse", _I + _BE + _ADV + r"\s+(?P<v>(?:happily\s+)?married)\b(?!\s+to)", _fixed("married", p.EXISTS)),
    _rule("spouse", _I + _HAVE + _ADV + r"\s+(?:got|just\s+got)\s+(?P<v>married)\b(?!\s+to)", _fixed("married", p.EXISTS)),
    _rule("spouse", _WE + _HAVE + _ADV + r"\s+(?P<v>tied\s+the\s+knot|got\s+hitched|eloped|got\s+married|(?:were|are)\s+married"
          r"|said\s+(?:our\s+)?(?:vows|i\s+do))\b(?!\s+to)", _fixed("married", p.EXISTS),
          guard=rx(r"^(?!.*\b(?:my|our)\s+(?:friends?|sister|brother|parents|mum|mom|dad|neighbou?rs?|cousins?)\b)")),
    _rule("spouse", _I + _HAVE + r"(?:\s+got)?" + _ADV + _NEG + r"(?:\s+(?:have|had|got))?\s+an?\s+(?P<v>wife|husband|spouse)\b",
          _fixed("married", p.EXISTS)),
    _rule("spouse", _I + _BE + _BE_NEG + _ADV + r"\s+(?:in\s+a\s+(?:serious\s+|committed\s+|long-term\s+)?(?P<v>relationship)"
          r"|(?P<v2>seeing\s+someone|taken))\b(?!\s+with)", _fixed("partner", p.EXISTS)),
    _rule("spouse", r"\b(?:with|and)\s+my\s+(?P<v>fianc[eé]e?)\b|\bmy\s+(?P<v2>fianc[eé]e?)\s+(?:and\s+I|is|lives|works)\b",
          _fixed("engaged", p.EXISTS, qualifier="engaged")),
    _rule("spouse", r"\b(?:since|after)\s+(?:the|my|our)\s+(?P<v>divorce|separation)\b|\bmy\s+(?P<v2>divorce|separation)\s+(?:was|is|went|came)\b",
          _fixed("divorced", p.WILDCARD, negated=True)),
    _rule("spouse", _I + _BE + _ADV + r"\s+an?\s+(?P<v>single\s+(?:mum|mom|dad|mother|father|parent))\b",
          _fixed("single", p.WILDCARD, negated=True)),
    _rule("spouse", r"(?:^|,\s*)(?:and\s+)?(?P<neg>never)\s+(?P<v>married)\b", _fixed("married", p.WILDCARD), never=True),
    _rule("spouse", r"(?:^|,\s*)(?P<v>[A-Z][^\W\d_]+)\s+(?:is|'s)\s+(?:now\s+)?my\s+(?:ex-|ex\s+|former\s+)(?:wife|husband|spouse|partner"
          r"|girlfriend|boyfriend|fianc[eé]e?)\b", p.parse_name_cap, negated=True),
    _rule("spouse", r"(?:^|\s)(?P<v>[A-Z][^\W\d_]+)\s+and\s+I\s+(?:have\s+|just\s+|recently\s+|finally\s+)?(?:called\s+off|broke\s+off"
          r"|ended)\s+(?:the|our)\s+(?:engagement|relationship|marriage)\b", p.parse_name_cap, negated=True),
    _rule("spouse", r"\b(?:we|[A-Z][^\W\d_]+\s+and\s+I)(?:'re|\s+are)?\s*(?P<neg>aren't|are\s+not|'re\s+not|were\s+never|have\s+never\s+been)"
          r"\s+(?:actually\s+|really\s+|officially\s+)?(?P<v>married)\b",
          _fixed("married", p.EXISTS)),
    _rule("spouse", r"\bwe(?:'re|\s+are)" + _ADV + r"\s+(?P<v>engaged)\b", _fixed("engaged", p.EXISTS, qualifier="engaged")),
    _rule("spouse", r"\bwe(?:'re|\s+are)" + _ADV + r"\s+(?P<v>(?:happily\s+)?married)\b(?!\s+to)", _fixed("married", p.EXISTS)),
    _rule("spouse", _I + _BE + _BE_NEG + _ADV + r"\s+an?\s+(?:happily\s+)?(?P<v>married)\s+(?:man|woman|person|guy|lady|bloke"
          r"|mother|father|mum|mom|dad)\b", _fixed("married", p.EXISTS)),
    _rule("spouse", _I + r"(?:'ve|\s+have)(?:\s+got)?" + _ADV + r"\s+an?\s+(?:boyfriend|girlfriend|partner|husband|wife"
          r"|fianc[eé]e?)\s+(?:named|called)" + _V, p.parse_name_cap),
    _rule("spouse", r"\b(?<!ex-)(?<!late\s)(?<!future\s)(?<!former\s)my\s+(?P<v>wife|husband|spouse)\b(?!'s\s+(?:ex|late))",
          _fixed("spouse", p.EXISTS)),
    _rule("spouse", r"\bour\s+(?P<v>(?:wedding\s+)?anniversary)\b", _fixed("married", p.EXISTS)),
)

NAME_RULES = (
    _rule("name", r"\bmy\s+(?:full\s+|first\s+|real\s+|legal\s+|given\s+|actual\s+)?name(?:'s|\s+is)" + _BE_NEG
          + r"(?:\s+actually)?" + _V, p.parse_name),
    _rule("name", r"\bmy\s+(?:full\s+|first\s+|real\s+|legal\s+)?name\s+(?P<neg>isn't|is\s+not|wasn't|was\s+never|is\s+never)"
          r"(?:\s+actually)?" + _V, p.parse_name),
    _rule("name", r"\bmy\s+(?:last\s+name|surname|family\s+name)(?:'s|\s+is)" + _BE_NEG + r"(?:\s+actually)?" + _V,
          p.parse_name_cap, qualifier="surname"),
    _rule("name", r"(?:^|\b(?:please|just|you\s+can|you\s+may|everyone|everybody|people|friends|my\s+friends"
          r"|most\s+people)\s+)call(?:s)?\s+me" + _V, p.parse_name_cap),
    _rule("name", r"\b(?P<neg>nobody|no\s+one|no-one)\s+(?:ever\s+)?calls\s+me" + _V, p.parse_name_cap),
    _rule("name", _I + _BE + _BE_NEG + _V, p.parse_name_cap),  # "I'm Sarah" (capitalised, not "I'm Tired")
    _rule("name", _I + r"(?:'m|\s+am)\s+(?:called|named|known\s+as)" + _V, p.parse_name_cap),
    _rule("name", r"\bthe\s+name(?:'s|\s+is)" + _V, p.parse_name_cap),
    _rule("name", _I + _HAVE + _ADV + r"\s+(?:legally\s+)?changed\s+my\s+(?:full\s+|legal\s+)?name\s+to" + _V, p.parse_name_cap),
    _rule("name", r"\bmy\s+new\s+(?:full\s+|legal\s+)?name\s+(?:is|'s)" + _V, p.parse_name_cap),
    _rule("name", _I + _ADV + r"\s+go\s+by(?:\s+my\s+(?:married|maiden|middle|full|first)\s+name)?(?:\s+now)?,?" + _V,
          p.parse_name_cap),
    _rule("name", r"(?:^|,\s*)(?P<v>[A-Z][^\W\d_]+(?:\s+[A-Z][^\W\d_]+)?)\s+is\s+my\s+(?:full\s+|first\s+|real\s+)?name\b",
          p.parse_name_cap),
    _rule("name", r"^(?:hi|hey|hello)?[,!]?\s*(?:this\s+is|it's)\s+(?P<v>[A-Z].+)", p.parse_name_cap),
    _rule("name", r"^(?:(?:hi|hey|hello)[,!]?\s+)?(?P<v>[A-Z][^\W\d_]+)\s+here\b", p.parse_leading_name),
    _rule("name", r"^I,\s+(?P<v>[A-Z][^\W\d_]+(?:\s+[A-Z][^\W\d_]+)?),", p.parse_name_cap),
)

_PET_NOUNS = "(?:" + p.PET_ALTERNATION + ")"
PET_RULES = (
    _rule("pet", _WE + _HAVE + _ADV + _USED + _NEG + _ADV + r"(?:\s+have\s+got|'ve\s+got|\s+have|\s+has|\s+own(?:ed)?|\s+got"
          r"|'ve|\s+adopted|\s+rescued|\s+keep|\s+had)" + _V, p.parse_pet),
    # my dog Rex ...; my dog's name is Rex; my cat is called Tom
    _rule("pet", r"\b(?:my|our)\s+(?P<v>" + _PET_NOUNS + r")(?=(?:'s\s+name\s+is|\s+is\s+(?:named|called))\b|,?\s+(?-i:[A-Z])[a-z]+\b)",
          p.parse_pet_noun),
    # Biscuit is my dog
    _rule("pet", r"(?:^|,\s*)(?P<v>[A-Z][\w'-]*(?:\s+and\s+[A-Z][\w'-]*)?)\s+(?:is|are)\s+my\s+" + _PET_NOUNS + r"\b",
          lambda raw: _named_pets(raw)),
    # my dog passed away; Luna ran away -> the pet is gone
    _rule("pet", r"\b(?:my|our)\s+(?P<v>" + _PET_NOUNS + r")(?:,\s+[A-Z]\w+,)?\s+(?:just\s+|recently\s+|sadly\s+)?(?:passed\s+away|passed\s+on|passed|died"
          r"|ran\s+away|was\s+put\s+down|went\s+missing|had\s+to\s+be\s+put\s+down)", p.parse_pet_noun, negated=True),
    _rule("pet", r"(?:^|,\s*|\bso\s+)(?P<v>[A-Z][a-z]+)\s+(?:just\s+|recently\s+|sadly\s+)?(?:passed\s+away|passed\s+on|died|ran\s+away"
          r"|was\s+put\s+down|went\s+missing)\b", lambda raw: _pet_name_gone(raw), negated=True),
    _rule("pet", r"\bthere(?:'s|\s+is)\s+(?P<v>no\s+" + _PET_NOUNS + r")\b", p.parse_pet),
    _rule("pet", _I + r"(?:'ve|\s+have)\s+never\s+(?:been\s+an?\s+(?P<v>pet)\s+(?:owner|person|parent)|had\s+(?:a\s+|any\s+)?(?P<v2>pets?))\b",
          _fixed("pets", p.WILDCARD, negated=True), never=True),
    _rule("pet", _WE + _HAVE + _ADV + r"\s+(?:sold|rehomed|gave\s+away|gave\s+up|re-homed|had\s+to\s+rehome)\s+(?:the|our|my)\s+(?P<v>"
          + _PET_NOUNS + r")\b", p.parse_pet_noun, negated=True),
    _rule("other", _WE + _HAVE + _ADV + r"(?:\s+have\s+got|'ve\s+got|\s+have|\s+own|\s+got)\s+(?P<v>(?:only\s+|just\s+)?(?:one|two|three"
          r"|four|five|six|seven|eight|\d+)\s+(?:pet\s+)?" + _PET_NOUNS + r")\b(?!\s+and\b)", lambda raw: _pet_count(raw)),
    _rule("pet", r"\b(?:the|my|our)\s+only\s+(?:pets?|animals?)\s+(?:(?:I|we)\s+(?:have|own|'ve\s+got|still\s+have|keep)"
          r"(?:\s+left)?\s+)?(?:is|are)\s+(?=(?P<v>(?:an?|one|two|\d+)\s+.+))", p.parse_pet),
    _rule("pet", _WE + _BE + _ADV + r"\s+an?\s+(?P<v>" + _PET_NOUNS + r")\s+(?:owner|parent|mom|dad|person)\b", p.parse_pet_noun),
    _rule("pet", _WE + _HAVE + _ADV + r"\s+(?:had\s+to\s+)?(?:put|gave|give|rehomed|rehome|lost)\s+(?:my|our)\s+(?P<v>"
          + _PET_NOUNS + r")(?:\s+(?:down|away|up))?\b", p.parse_pet_noun, negated=True),
)


_NAMED_PETS = rx(r"([A-Z][\w'-]*)(?:\s+and\s+([A-Z][\w'-]*))?\s+(?:is|are)\s+my\s+(" + p.PET_ALTERNATION + r")\b")


def _named_pets(raw: str) -> p.Parsed | None:
    match = _NAMED_PETS.match(raw)
    if not match:
        return None
    names = [n for n in match.groups()[:2] if n]
    return p.Parsed(tuple(p.Value(match.group(3), n.lower()) for n in names), match.end())


def _pet_name_gone(raw: str) -> p.Parsed | None:
    match = _CAPITALISED.match(raw)
    if not match or match.group(0).lower() in p.NOT_NAMES:
        return None
    return p.single(match.group(0), match.end(), qualifier=match.group(0).lower(), normalized=p.WILDCARD)


LANGUAGE_RULES = (
    _rule("language", _I + _ADV + _NEG + _ADV + r"\s+(?:speak|can\s+speak|know|understand|read\s+and\s+write|sign)" + _V,
          p.parse_languages),
    _rule("language", _I + _BE + _BE_NEG + _ADV + r"\s+(?:fluent|conversational|bilingual|trilingual|multilingual|proficient)"
          r"(?:\s+in|\s*[-:,(]\s*|\s+-)?" + _V, p.parse_languages),
    _rule("language", r"(?:^|,\s*)(?P<v>[A-Z][a-z]+)\s+is\s+(?:my|the)\s+only\s+language(?:\s+I\s+(?:\w+\s+)?(?:speak|know))?\s*(?:[.,;!]|$)",
          p.parse_languages),
    _rule("language", r"\bmy\s+(?:native|first|mother)\s+(?:language|tongue)\s+is" + _V, p.parse_languages,
          qualifier="native"),
    _rule("language", _I + _BE + _ADV + r"\s+an?\s+native" + _V, p.parse_languages, qualifier="native"),
    _rule("language", _I + _ADV + r"\s+grew\s+up\s+speaking" + _V, p.parse_languages),
    _rule("language", r"(?:^|,\s*)(?P<v>[A-Z][a-z]+)\s+is\s+my\s+(?:native|first|mother)\s+(?:language|tongue)\b",
          p.parse_languages, qualifier="native"),
    _rule("language", r"(?:^|,\s*)(?P<v>[A-Z][a-z]+)\s+is\s+the\s+only\s+language\s+I\s+(?:speak|know)\b",
          p.parse_languages, qualifier="only"),
    _rule("language", r"\bthe\s+only\s+language\s+I\s+(?:speak|know|can\s+speak)\s+is" + _V, p.parse_languages,
          qualifier="only"),
    _rule("language", _I + r"(?:'ve|\s+have)?\s+never\s+(?:learned|learnt|studied|spoken)" + _V, p.parse_language_any,
          negated=True, never=True),
)

# Verbs of liking / disliking; the polarity is resolved in the driver.
DISLIKE_VERBS = rx(r"^(?:hate|hated|dislike|disliked|detest|despise|loathe|avoid|can't\s+stand|cannot\s+stand|can\s+not\s+stand"
                   r"|can't\s+handle|can't\s+bear|can't\s+do)$")
PREFERENCE_RULES = (
    _rule("preference", _I + _HAVE + _ADV + _NEG + _ADV + r"(?:\s+(?:come|grown|started|begun|learned|learnt)\s+to)?"
          r"\s+(?P<verb>love|loved|like|liked|enjoy|enjoyed|adore|prefer"
          r"|hate|hated|dislike|disliked|detest|despise|loathe|avoid|can't\s+stand|cannot\s+stand|can\s+not\s+stand"
          r"|can't\s+handle|can't\s+bear)(?!\s+(?:to\s+)?(?:it|that|this|them|him|her|you|me)\b)" + _V,
          p.parse_preference),
    _rule("preference", _I + _BE + _BE_NEG + _ADV + r"\s+(?:a\s+)?(?:big\s+|huge\s+|great\s+|massive\s+)?fan\s+of" + _V,
          p.parse_preference),
    _rule("preference", _I + _BE + _BE_NEG + _ADV + r"\s+(?:really\s+)?(?:into|obsessed\s+with|crazy\s+about|big\s+on"
          r"|passionate\s+about|keen\s+on|fond\s+of)" + _V, p.parse_preference),
    _rule("preference", _I + _ADV + r"\s+(?:can't\s+get\s+enough\s+of|could\s+eat|live\s+for)" + _V, p.parse_preference),
    _rule("preference", r"(?:^|,\s*)(?P<v>[A-Za-z][\w' -]{1,30}?)\s+(?:makes|make)\s+me\s+(?:feel\s+)?(?:sick|ill|nauseous|miserable)\b",
          lambda raw: p.parse_preference(_MAKES_ME.split(raw, 1)[0]), negated=True,
          guard=rx(r"^(?!(?:it|that|this|he|she|they|there|which|what|everything|work|my\s+\w+)\b)")),
    _rule("preference", r"(?:^|,\s*)(?P<v>[A-Za-z][\w' -]{1,30}?)\s+(?:is|are)\s+(?:honestly\s+|just\s+|so\s+|really\s+)?"
          r"(?:the\s+worst|awful|terrible|horrible|overrated|gross|disgusting|the\s+pits|unbearable|rubbish)\b",
          lambda raw: p.parse_preference(_IS_ARE.split(raw, 1)[0]), negated=True,
          guard=rx(r"^(?!(?:it|that|this|he|she|they|there|which|what|traffic|the\s+weather|everything)\b)")),
    _rule("preference", r"(?:^|,\s*)(?P<v>[A-Za-z][\w' -]{1,30}?)\s+(?:doesn't|does\s+not|don't|do\s+not)\s+(?:really\s+)?agree\s+with\s+me\b",
          lambda raw: p.parse_preference(_DISAGREES.split(raw, 1)[0]), negated=True,
          guard=rx(r"^(?!(?:it|that|this|he|she|they|there|which|what|my\s+\w+)\b)")),
    _rule("preference", _I + _ADV + r"\s+(?P<neg>don't|do\s+not)\s+care\s+(?:for|about|much\s+for)" + _V, p.parse_preference),
    _rule("preference", _I + _ADV + r"(?P<neg>\s+(?:don't|do\s+not|never))" + _ADV
          + r"\s+(?:watch|listen\s+to|read|play|go\s+to)" + _V, p.parse_preference),
    _rule("preference", _I + _ADV + r"\s+(?:prefer|love|like)" + _V, parse_comparison),
    _rule("preference", r"(?:^|,\s*)(?P<v>[A-Z][\w' -]{0,30}?)\s+(?:bores|bore|disgusts|disgust|annoys|annoy)\s+me\b",
          lambda raw: p.parse_preference(_BORES_ME.split(raw, 1)[0]), negated=True),
    _rule("preference", r"(?:^|,\s*)(?P<v>[A-Za-z][\w' -]{0,30}?)\s+(?:isn't|is\s+not|aren't|are\s+not|'s\s+not|'re\s+not)"
          r"\s+(?:really\s+|at\s+all\s+|exactly\s+)?(?:my\s+thing|for\s+me|my\s+cup\s+of\s+tea|my\s+scene|my\s+jam)\b",
          lambda raw: p.parse_preference(_NOT_MY_THING.split(raw, 1)[0]), negated=True,
          guard=rx(r"^(?!(?:it|that|this|he|she|they|there|which|what)\b)")),
)

DIET_RULES = (
    _rule("diet", _I + _BE + _BE_NEG + _ADV + r"(?:\s+(?:a|an|on\s+a|on\s+the|still))?" + r"(?=\s)" + _V, parse_diet),
    _rule("diet", _I + _HAVE + _ADV + _NEG + _ADV + r"\s+(?:been|went|gone|turned|became|keep|eat|follow|stick\s+to|do|doing)"
          r"(?:\s+(?:a|an|strictly|fully|mostly|completely))?" + _V, parse_diet),
    _rule("diet", _I + _ADV + r"\s+keep" + r"(?P<v>\s*kosher)\b", lambda raw: parse_diet(raw.strip())),
    _rule("diet", _I + _HAVE + _ADV + _NEG + _ADV + r"\s+(?:eat|eats|ate|had|have|drink|drank|order|cook|started\s+eating"
          r"|went\s+back\s+to\s+eating|resumed\s+eating|eat\s+a\s+lot\s+of|snack\s+on|grill|barbecue|made|make|cooked"
          r"|grilled|fried|baked"
          r"|eat\s+and\s+drink|consume|touch|put)(?:\s+(?:a\s+lot\s+of|lots\s+of|plenty\s+of|any|some|regular))?" + _V,
          parse_food, qualifier="eats"),
    _rule("diet", _I + _HAVE + _ADV + r"\s+(?:love|like|enjoy|adore|crave|can't\s+resist)" + _V, parse_food, qualifier="eats"),
    _rule("diet", _WE + _HAVE + _ADV + r"\s+(?:had|ate|grabbed|ordered|devoured|scoffed|enjoyed|tried|cooked|made|polished\s+off"
          r"|downed|sank|split|shared)" + _V, parse_food_in_phrase, qualifier="eats"),
    _rule("diet", r"^(?:honestly\s+|for\s+me\s+)?nothing\s+beats" + _V, parse_food_in_phrase, qualifier="eats"),
    _rule("diet", r"(?:^|,\s*)(?P<v>[\w' -]{2,40}?)\s+(?:is|are|was|were)\s+(?:basically\s+|always\s+)?my\s+(?:little\s+|daily\s+|nightly\s+"
          r"|weekly\s+)?(?:ritual|guilty\s+pleasure|weakness|vice|treat)\b", lambda raw: parse_food_in_phrase(raw.lower()), qualifier="eats"),
    _rule("diet", r"(?:^|,\s*)(?P<v>[\w' -]{2,40}?)\s+(?:is|are|was|were)\s+(?:basically\s+|always\s+)?my\s+(?:go-to|usual|regular"
          r"|favou?rite|staple|daily)\s+(?:lunch|dinner|breakfast|meal|snack|food|order|drink|dish|treat)",
          lambda raw: parse_food_in_phrase(raw.lower()), qualifier="eats"),
    _rule("diet", r"(?:^|,\s*)(?P<v>[A-Z][a-z]+(?:\s+[a-z]+)?)\s+is\s+my\s+favou?rite\s+(?:thing\s+to\s+eat|food|meal|dish|fish|meat)",
          lambda raw: parse_food(raw.lower()), qualifier="eats"),
    _rule("diet", _I + _ADV + r"(?P<neg>\s+(?:don't|do\s+not|never|no\s+longer))\s+(?P<v>drink)\b(?!\s+(?:coffee|tea|soda|milk|water|juice))",
          _fixed("alcohol", "alcohol", qualifier="eats")),
    _rule("diet", _I + _HAVE + _ADV + r"\s+(?:quit|stopped|gave\s+up)\s+(?P<v>drinking|alcohol|booze)\b",
          _fixed("alcohol", "alcohol", negated=True, qualifier="eats")),
    _rule("diet", _I + r"(?:'m|\s+am|'ve\s+been|\s+have\s+been)" + _ADV + r"\s+(?P<v>sober|teetotal|a\s+teetotaler|alcohol-free)\b",
          _fixed("alcohol", "alcohol", negated=True, qualifier="eats")),
    _rule("diet", _I + _ADV + r"\s+(?P<neg>don't|do\s+not|no\s+longer)\s+(?:follow|have|keep|stick\s+to)\s+(?P<v>any)\s+"
          r"(?:dietary|diet|food)\s+(?:rules|restrictions)",
          lambda raw: p.Parsed((p.Value("any diet", "style", False, p.WILDCARD),
                                p.Value("any diet", "restriction", False, p.WILDCARD)), 3)),
    _rule("diet", _I + _ADV + r"\s+eat\s+(?P<v>everything|anything)\b", _fixed("omnivore", "omnivore", qualifier="style")),
    _rule("diet", _I + _HAVE + _ADV + r"\s+(?:avoid|cut\s+out|gave\s+up|stopped\s+eating|quit\s+eating|don't\s+touch|stay\s+away\s+from)"
          + _V, parse_food, negated=True, qualifier="eats"),
    _rule("diet", _I + _BE + _ADV + r"\s+an?\s+(?:big\s+|huge\s+|real\s+|massive\s+|serious\s+)?(?P<v>meat)[-\s](?:eater|lover)\b",
          parse_food, qualifier="eats"),
)

HEALTH_RULES = (
    _rule("health", _I + _HAVE + _ADV + _NEG + _ADV + r"\s+(?:have|has|had|'ve\s+got|got|suffer\s+from|suffered\s+from"
          r"|was\s+diagnosed\s+with|been\s+diagnosed\s+with|live\s+with|deal\s+with|struggle\s+with)" + _V, parse_condition),
    _rule("health", _I + _BE + _BE_NEG + _ADV + r"(?=\s)" + _V, parse_condition),
    _rule("health", _I + _BE + _BE_NEG + _ADV + r"\s+(?P<v>pregnant|expecting|legally\s+blind|blind|deaf|nearsighted"
          r"|short-sighted|farsighted|colou?rblind|colou?r\s+blind|in\s+a\s+wheelchair|on\s+crutches)\b",
          lambda raw: _body_state(raw)),
    _rule("health", _I + _BE + _BE_NEG + _ADV + r"\s+(?:severely\s+|deathly\s+|mildly\s+|very\s+)?allergic\s+to" + _V,
          parse_allergens),
    _rule("health", _I + _HAVE + _ADV + _NEG + r"\s+(?:have|had|'ve\s+got|got)" + _V, _parse_allergy_noun),
    _rule("health", r"(?:^|,\s*)(?P<v>[A-Z][a-z]+)\s+(?:don't|doesn't|do\s+not|never)\s+(?:trigger|cause|give\s+me)"
          r"\s+(?:any\s+|an\s+)?(?:allergies|allergy|allergic\s+reactions?|a\s+reaction)", lambda raw: _allergen_word(raw),
          negated=True),
    # smoking
    _rule("health", _I + _HAVE + _ADV + _USED + _NEG + _ADV + r"\s+(?P<v>smoke[sd]?|smoking)\b(?!\s+(?:weed|pot|salmon|meat))",
          _fixed("smoker", "smoker", qualifier="smoking")),
    _rule("health", _I + _BE + _BE_NEG + _ADV + r"\s+(?P<v>a\s+(?:heavy\s+|social\s+|chain\s+)?smoker)\b",
          _fixed("smoker", "smoker", qualifier="smoking")),
    _rule("health", _I + _BE + _ADV + r"\s+(?P<v>a\s+non-?smoker)\b", _fixed("smoker", "smoker", negated=True, qualifier="smoking")),
    _rule("health", _I + _HAVE + _ADV + r"(?:\s+been)?\s+(?P<v>smoke-free|smoke\s+free|nicotine-free|tobacco-free)\b",
          _fixed("smoker", "smoker", negated=True, qualifier="smoking")),
    _rule("health", _I + _HAVE + _ADV + r"\s+(?:quit|stopped|gave\s+up)\s+(?P<v>smoking|cigarettes|vaping)\b",
          _fixed("smoker", "smoker", negated=True, qualifier="smoking")),
    _rule("health", _I + r"\s+(?P<neg>haven't|have\s+not)\s+(?:had\s+a\s+cigarette|(?P<v>smoked))\b",
          _fixed("smoker", "smoker", qualifier="smoking")),
    _rule("health", _I + _HAVE + _ADV + r"\s+(?:smoke|have|had)\s+(?P<v>(?:a\s+few\s+|some\s+|\w+\s+)?cigarettes|a\s+pack)\b",
          _fixed("smoker", "smoker", qualifier="smoking")),
    _rule("health", _I + _BE + _BE_NEG + _ADV + r"\s+(?P<v>in\s+(?:perfect|great|excellent|good|full)\s+health"
          r"|(?:perfectly\s+|very\s+|completely\s+|totally\s+)?healthy(?!\s+(?:food|eater|diet|lifestyle))"
          r"|healthy\s+as\s+a\s+horse)\b", _fixed("healthy", p.WILDCARD, negated=True, qualifier="condition")),
    _rule("health", _I + _HAVE + _ADV + r"\s+(?:have|got)\s+(?P<v>no)\s+(?:health\s+(?:issues|problems|conditions)|medical\s+conditions"
          r"|chronic\s+(?:illnesses|conditions))\b", _fixed("healthy", p.WILDCARD, negated=True, qualifier="condition")),
    _rule("health", _I + _BE + _BE_NEG + _ADV + r"\s+(?P<v>expecting\s+(?:a\s+baby|twins)|with\s+child)\b",
          _fixed("pregnant", "pregnant", qualifier="condition")),
    _rule("health", _I + _HAVE + _ADV + _USED + _NEG + _ADV + r"\s+(?P<v>vape[sd]?|vaping)\b",
          _fixed("vaping", "vaping", qualifier="smoking")),
    _rule("health", _I + _BE + _BE_NEG + _ADV + r"\s+on\s+(?P<v>(?:[\w-]+\s+){0,3}?(?:medications?|meds|pills|insulin|antidepressants"
          r"|statins|blood\s+thinners))\b", _fixed("medication", p.EXISTS, qualifier="medication")),
    # medication
    _rule("health", _I + _ADV + _NEG + _ADV + r"\s+(?:take|am\s+on|'m\s+on|use)\s+(?P<v>any\s+(?:medications?|meds|pills|drugs)"
          r"|medications?)\b", _fixed("medication", p.WILDCARD, qualifier="medication")),
    _rule("health", _I + _ADV + r"\s+(?:take|am\s+on|'m\s+on|use)\s+(?P<v>no)\s+(?:medications?|meds|pills|drugs)\b",
          _fixed("medication", p.WILDCARD, negated=True, qualifier="medication")),
    _rule("health", _I + _ADV + r"\s+(?:take|am\s+on|'m\s+on|use)\s+(?:daily\s+|regular\s+|my\s+|some\s+)?(?P<v>(?:[\w-]+\s+){0,3}?"
          r"(?:medications?|meds|pills|tablets|medicine))\b(?!\s+(?:for\s+(?:my\s+)?(?:dog|cat|pet)))",
          _fixed("medication", p.EXISTS, qualifier="medication"), guard=rx(r"^(?!.*\b(?:any|no)\s+(?:medications?|meds|pills))")),
    _rule("health", _I + _ADV + _NEG + _ADV + r"\s+take\s+(?P<v>[a-z]+(?:in|ol|ide|ine|ate|am|an|ex|il|one|pril|sartan|statin|zole))\b",
          lambda raw: p.single(raw.split()[0], len(raw.split()[0]), qualifier="medication",
                               normalized=basic_normalize(raw.split()[0]))),
    # bones, eyesight, blood pressure
    _rule("health", _I + _HAVE + _ADV + r"\s+(?:broke|broken|fractured)\s+(?P<v>(?:my|a)\s+\w+)",
          _fixed("broken bone", "broken bone", qualifier="injury")),
    _rule("health", _I + r"(?:'ve|\s+have)\s+(?P<neg>never)\s+(?:broken|fractured)\s+(?P<v>a\s+bone|any\s+bones)\b",
          _fixed("broken bone", "broken bone", qualifier="injury"), never=True),
    _rule("health", _I + _HAVE + _ADV + r"\s+(?:have|had|'ve\s+got)\s+(?P<v>perfect|great|good|20/20|excellent|bad|poor|terrible)"
          r"\s+(?:eyesight|vision)\b", lambda raw: _eyesight(raw)),
    _rule("health", _I + _ADV + r"\s+(?P<v>wear)\s+(?:glasses|contacts|contact\s+lenses)\b",
          _fixed("poor", "poor", qualifier="eyesight")),
    _rule("health", r"\bmy\s+(?P<q>blood\s+pressure|cholesterol|blood\s+sugar)\s+(?:is|has\s+(?:always\s+)?been|was|runs)"
          r"\s+(?:always\s+|usually\s+|really\s+|quite\s+|pretty\s+|totally\s+|perfectly\s+)?(?P<v>high|low|normal|fine|perfect)\b",
          lambda raw: _measure(raw), qualifier="measure"),
)


def _measure(raw: str) -> p.Parsed:
    """"normal." -> "normal"; "fine" / "perfect" count as normal."""
    word = basic_normalize(raw.split()[0])
    return p.single(word, len(raw.split()[0]), normalized={"fine": "normal", "perfect": "normal"}.get(word, word))


def _pushing_age(raw: str) -> p.Parsed | None:
    """"pushing 60" -> 57-60 (a hedged upper end)."""
    parsed = p.parse_age(raw)
    if not parsed or "-" in parsed.values[0].text:
        return None
    age = p.parse_number(parsed.values[0].text)
    return p.single(parsed.values[0].text, parsed.end, normalized=f"{age - 3:g}-{age:g}") if age else None


def _body_state(raw: str) -> p.Parsed | None:
    state = _BODY_STATE.match(raw)
    word = basic_normalize(state.group(0) if state else raw)
    if word in {"legally blind", "blind", "nearsighted", "short-sighted", "farsighted"}:
        return p.single(word, len(word), qualifier="eyesight", normalized="poor")
    if word in {"colorblind", "colourblind", "color blind", "colour blind"}:
        return p.single(word, len(word), qualifier="condition", normalized="color blindness")
    if word in {"pregnant", "expecting"}:
        return p.single(word, len(word), qualifier="condition", normalized="pregnant")
    if word in {"in a wheelchair", "on crutches"}:
        return p.single(word, len(word), qualifier="injury", normalized="broken bone" if "crutch" in word else "wheelchair")
    return p.single(word, len(word), qualifier="condition", normalized=word)


def _eyesight(raw: str) -> p.Parsed:
    word = raw.split()[0].lower()
    key = "good" if word in {"perfect", "great", "good", "20/20", "excellent"} else "poor"
    return p.single(word, len(word), qualifier="eyesight", normalized=key)


def _allergen_word(raw: str) -> p.Parsed | None:
    word = _WORD.match(raw)
    if not word:
        return None
    key = lx.ALLERGENS.get(word.group(0).lower())
    return p.single(word.group(0), word.end(), qualifier="allergy", normalized=key) if key else None


VEHICLE_RULES = (
    _rule("vehicle", _WE + _HAVE + _ADV + _USED + _NEG + _ADV + r"\s+(?:drive|drives|own|owned|have|has|lease|ride|rides"
          r"|bought|got|purchased|leased|park|parked|have\s+got|'ve\s+got)" + _V, parse_vehicle),
    _rule("vehicle", r"\bmy\s+(?:current\s+|new\s+|only\s+|one\s+and\s+only\s+)?(?:car|ride|vehicle|truck)(?:'s|\s+is)" + _BE_NEG
          + _V, parse_vehicle),
    _rule("vehicle", r"\bthe\s+(?P<v>(?:(?:19|20)\d\d\s+)?(?:" + _BRAND_ALTERNATION + r"|" + _MODEL_ALTERNATION + r")\b[\w\s-]{0,20}?)\s+(?:that\s+)?I"
          r"\s+(?:drive|own|have|lease)\b", parse_vehicle),
    _rule("vehicle", r"\bmy\s+(?:current\s+|new\s+|only\s+)?(?:motorbike|motorcycle|bike|scooter)(?:'s|\s+is)" + _BE_NEG + _V,
          lambda raw: _as_class(parse_vehicle(raw), "motorcycle")),
    _rule("vehicle", r"\bmy\s+(?P<v>(?:(?:19|20)\d\d\s+)?(?:" + _BRAND_ALTERNATION + r"|" + _MODEL_ALTERNATION + r")\b.*)",
          parse_vehicle),
    _rule("vehicle", r"\bmy\s+(?:(?:" + _BRAND_ALTERNATION + r")\s+)?(?:" + _MODEL_ALTERNATION + r"|car)\s+(?P<v>(?:is|'s|runs)\b.*)",
          _parse_vehicle_attribute),
    _rule("vehicle", _I + _HAVE + _ADV + r"\s+(?:sold|got\s+rid\s+of|totaled|totalled|wrecked|gave\s+away|traded\s+in)"
          r"\s+(?:my|the|our)" + _V, parse_vehicle, negated=True),
    _rule("vehicle", _I + _ADV + r"\s+(?P<neg>can't|cannot|don't|do\s+not|never)\s+(?P<v>drive)\b(?!\s+(?:a|an|the|my|our|his|her|to|on|much|often|very|a\s+lot|at\s+night|in\s+the|on\s+weekends|far|fast)\b)",
          _fixed("car", p.WILDCARD, qualifier="car")),
    _rule("vehicle", _I + _ADV + r"\s+(?P<v>bike|cycle|ride\s+my\s+bike)\s+(?:to|everywhere|into|home)\b",
          _fixed("bike", "+", qualifier="bicycle")),
    _rule("vehicle", _I + _ADV + r"\s+(?P<v>drove)\s+(?:to|home|into|up|down|over|back|across|through)\b",
          _fixed("car", "+", qualifier="car")),
    _rule("vehicle", _I + _ADV + r"\s+(?P<v>drive)\s+(?:to\s+work|everywhere|to\s+the\s+office|daily|every\s+day)\b",
          _fixed("car", p.EXISTS, qualifier="car")),
)

CHILD_RULES = (
    _rule("child", _WE + _HAVE + _ADV + _NEG + _ADV + r"(?:\s+have\s+got|'ve\s+got|\s+have|\s+got|'ve|\s+had|\s+adopted)"
          + _V, p.parse_children),
    _rule("child", _I + _BE + _ADV + r"\s+(?:a\s+)?(?:proud\s+)?(?:mom|mother|dad|father|parent|mum)\s+(?:of|to)" + _V,
          p.parse_child_count),
    _rule("child", r"\bwith\s+(?:our|my)" + _V, p.parse_children, guard=rx(r"\b(?:I|we)\b")),
    _rule("child", _I + _BE + _ADV + r"\s+(?:a\s+)?(?P<v>(?:proud\s+|single\s+|stay-at-home\s+|new\s+)?(?:mom|mother|dad|father"
          r"|parent|mum))\b(?!\s+of)", _fixed("child", p.EXISTS)),
    _rule("child", _I + _HAVE + _ADV + r"\s+became\s+(?:a\s+)?(?P<v>(?:first-time\s+)?(?:mom|mother|dad|father|parent|mum))\b",
          _fixed("child", p.EXISTS)),
    _rule("child", _I + _BE + _ADV + r"\s+(?P<v>childless|child-free|childfree)\b",
          lambda raw: p.Parsed((p.Value("childless", "", True, p.WILDCARD), p.Value("0", "count:", False, "0")), 0)),
    _rule("child", r"\bmy\s+(?P<v>(?:two|three|four|five|six|\d)\s+(?:kids|children|sons|daughters|boys|girls))\b",
          p.parse_children),
    _rule("child", r"\b(?:my|our)\s+(?:oldest|eldest|youngest|middle|little|baby|only)?\s*(?P<v>(?:twins|son|daughter|kids?|children"
          r"|child|boy|girl|baby)(?:'s\s+name\s+is|\s+is\s+(?:named|called)|,?\s+(?-i:[A-Z])[a-z]+)?\b.*)",
          lambda raw: _my_child(raw)),
    _rule("child", r"(?:^|,\s*)(?P<v>[A-Z][a-z]+)\s+is\s+my\s+(?:son|daughter|kid|child)\b", lambda raw: _child_named(raw)),
    _rule("child", _WE + r"\s+(?:just\s+)?had\s+our\s+(?P<v>(?:second|third|fourth|fifth|first)\s+(?:baby|child|kid).*)",
          lambda raw: _ordinal_child(raw)),
    _rule("child", r"\bmy\s+only\s+child\s+is\s+(?P<v>.+)", lambda raw: _only_child(raw)),
    _rule("child_count", _WE + _HAVE + r"(?:\s+got)?" + _ADV + r"\s+(?:an?|one)\s+(?P<v>only\s+child)\b", _fixed("one child", "1")),
    _rule("child_count", r"\bboth\s+(?:of\s+)?(?:my|our)\s+(?P<v>sons|daughters|boys|girls)\b",
          lambda raw: p.single(raw.split()[0], len(raw.split()[0]), normalized="2",
                               qualifier="sons" if raw.lower().startswith(("sons", "boys")) else "daughters")),
    _rule("child_count", r"\bboth\s+(?:of\s+)?(?:my|our)\s+(?P<v>kids|children)\b", _fixed("two children", "2")),
    _rule("child", _WE + _HAVE + r"(?:\s+(?:just|recently|finally))?\s+(?:had|welcomed|adopted)\s+(?:a|our|my)\s+(?:new\s+|first\s+|second\s+"
          r"|third\s+|fourth\s+|fifth\s+)?(?P<v>baby(?:\s+(?:boy|girl))?|son|daughter|child|kid|little\s+(?:boy|girl))\b",
          _fixed("new child", p.EXISTS, qualifier="born")),
    _rule("child", _I + _HAVE + r"(?:\s+(?:just|recently))?\s+(?P<v>gave\s+birth)\b", _fixed("new child", p.EXISTS, qualifier="born")),
    _rule("child", r"\b(?:our|my)\s+(?:new\s+|first\s+|second\s+|third\s+|fourth\s+|youngest\s+)?(?P<v>baby|child|son|daughter|boy|girl)"
          r"(?:\s+(?:boy|girl))?\s+(?:was|has\s+been)\s+born\b", _fixed("new child", p.EXISTS, qualifier="born")),
    _rule("child", _WE + _HAVE + r"(?:\s+(?:just|recently|finally))?\s+welcomed\s+(?:our|a|my)\s+(?P<v>second|third|fourth|new\s+baby"
          r"|baby|son|daughter|little)\b", _fixed("new child", p.EXISTS, qualifier="born")),
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}


def _my_child(raw: str) -> p.Parsed | None:
    if raw.lower().startswith("twins"):
        return p.Parsed((p.Value("twins", "", False, p.EXISTS), p.Value("twins", "count:", False, "2-99")), 5)
    match = _MY_CHILD.match(raw)
    if not match:
        return None
    noun = match.group("noun").lower()
    qualifier = {"son": "sons", "boy": "sons", "daughter": "daughters", "girl": "daughters"}.get(noun, "")
    name = match.group("name")
    if name and name.lower() not in p.NOT_NAMES and name[0].isupper():
        return p.single(name, match.end(), qualifier=qualifier)
    return p.single(noun, len(match.group("noun")), qualifier=qualifier, normalized=p.EXISTS)


def _child_named(raw: str) -> p.Parsed | None:
    match = _CHILD_NAMED.match(raw)
    if not match or match.group(1).lower() in p.NOT_NAMES:
        return None
    qualifier = {"son": "sons", "daughter": "daughters"}.get(match.group(2), "")
    return p.single(match.group(1), match.end(), qualifier=qualifier)


def _ordinal_child(raw: str) -> p.Parsed | None:
    match = _ORDINAL_CHILD.match(raw)
    if not match:
        return None
    values = [p.Value(str(_ORDINALS[match.group(1).lower()]), "count:", False, str(_ORDINALS[match.group(1).lower()]))]
    if match.group(2):
        values.append(p.Value(match.group(2), ""))
    return p.Parsed(tuple(values), match.end())


def _only_child(raw: str) -> p.Parsed | None:
    named = _ONLY_CHILD_NAME.match(raw)
    if named and named.group(1).lower() not in p.NOT_NAMES:
        return p.Parsed((p.Value("1", "count:", False, "1"), p.Value(named.group(1), "")), named.end())
    raw = _MY.sub("a ", raw)
    match = _ONLY_CHILD.match(raw)
    if not match:
        return None
    qualifier = "sons" if match.group(1).lower() in {"son", "boy"} else "daughters"
    values = [p.Value("1", "count:", False, "1"), p.Value(match.group(1), qualifier, False, p.EXISTS)]
    if match.group(2):
        values.append(p.Value(match.group(2), qualifier))
    return p.Parsed(tuple(values), match.end())


EDUCATION_RULES = (
    _rule("education", _I + _HAVE + _ADV + _NEG + _ADV + r"\s+(?:have|has|had|hold|held|got|earned|received|completed|finished"
          r"|'ve\s+got|have\s+got|did|do|am\s+doing|obtained)" + _V, parse_degree),
    _rule("education", _I + _HAVE + _ADV + r"\s+(?:never\s+finished|dropped\s+out\s+of|didn't\s+finish|quit|left|never\s+completed"
          r"|never\s+got)" + _V, _parse_level_word, negated=True),
    _rule("education", _I + r"(?:'ve|\s+have)?\s+(?:never|didn't|did\s+not)\s+(?:went|go|been|gone|attended|attend)\s+to"
          + _V, _parse_level_word, negated=True, never=True),
    _rule("education", r"\bmy\s+(?:highest|only|last)\s+degree\s+is" + _V, parse_degree, qualifier="highest"),
    _rule("education", _I + _BE + _ADV + r"\s+(?:working\s+on|doing|pursuing|finishing|writing\s+up)" + _V, _parse_level_word,
          negated=True, guard=rx(r"\b(?:still|currently|working\s+on|pursuing|finishing)\b")),
    _rule("education", _I + r"(?:'ve|\s+have)?\s+never\s+graduated(?:\s+from)?" + _V, _parse_level_word, negated=True, never=True),
    _rule("education", _I + _BE + _ADV + r"\s+an?\s+(?P<v>college|high\s+school|university)\s+drop-?out\b", _parse_level_word,
          negated=True),
    _rule("education", r"\bmy\s+(?:degree|major|phd|ph\x00d\x00|master's|masters|bachelor's|bachelors|undergrad|doctorate)"
          r"\s+(?:is|was)\s+in" + _V, _parse_field),
    _rule("education", _I + _ADV + r"\s+(?:majored|specialized|specialised|concentrated)\s+in" + _V, _parse_field),
    _rule("education", r"\bmy\s+(?:college\s+|undergrad\s+|university\s+)?major\s+(?:is|was)(?!\s+in\b)" + _V, _parse_field),
    _rule("education", _I + _HAVE + _ADV + r"\s+graduated(?:\s+from\s+(?:college|university|high\s+school|school))?\s+in"
          r"(?P<v>\s+(?:19|20)\d\d)\b", lambda raw: p.single(raw.strip(), len(raw), qualifier="year")),
    _rule("education", _I + _ADV + _NEG + r"\s+(?:studied|study|read)" + _V, _parse_studied),
    _rule("education", _I + _HAVE + _ADV + r"\s+graduated\s+from" + _V, _parse_school()),
    _rule("education", _I + _HAVE + _ADV + r"\s+graduated\s+with" + _V, parse_degree),
    _rule("education", _I + _BE + _ADV + r"\s+an?\s+graduate\s+of" + _V, _parse_school()),
    _rule("education", _I + _HAVE + _ADV + _NEG + r"\s+attend(?:ed)?" + _V, _parse_school()),
    _rule("education", _I + _ADV + r"\s+only\s+(?:have|hold|got)" + _V, parse_degree, qualifier="highest"),
    _rule("education", _I + _HAVE + _ADV + r"\s+(?:went|go)\s+to" + _V, lambda raw: _school_for(raw)),
    _rule("education", _I + _ADV + r"\s+(?P<neg>never|didn't|did\s+not)\s+(?:go|went|attend|attended)\s+to" + _V,
          lambda raw: _school_for(raw)),
    _rule("education", _I + _ADV + r"\s+did\s+my\s+(?P<v>(?:undergrad|undergraduate|bachelor's|master's|masters|phd|ph\x00d\x00"
          r"|doctorate|mba|grad\s+school|degree)\s+(?:at|in)\s+.+)", lambda raw: _degree_at(raw)),
    _rule("education", _I + _ADV + r"\s+got\s+my\s+(?P<v>(?:undergrad|bachelor's|master's|masters|phd|ph\x00d\x00|doctorate|mba"
          r"|degree)\s+(?:from|at)\s+.+)", lambda raw: _degree_at(raw)),
    _rule("education", r"\bmy\s+(?P<v>(?:undergrad|bachelor's|master's|masters|phd|ph\x00d\x00|doctorate|mba|degree)\s+(?:(?:is|was)"
          r"\s+)?(?:from|at)\s+.+)", lambda raw: _degree_at(raw)),
    _rule("education", _I + _BE + _ADV + r"\s+an?\s+(?P<v>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*)*)\s+(?:alum|alumnus|alumna|grad"
          r"|graduate)\b", _parse_school()),
)


def _school_for(raw: str) -> p.Parsed | None:
    parsed = _parse_school()(raw)
    if not parsed:
        return None
    level = _FOR_LEVEL.match(raw[parsed.end:])
    if level:
        key = _degree_key(_MY.sub("", level.group(1)))
        key = "masters" if key == "grad school" else key
        values = tuple(v._replace(qualifier=f"school {key}") if v.qualifier == "school" else v for v in parsed.values)
        return p.Parsed(values, parsed.end + level.end())
    return parsed


def _degree_at(raw: str) -> p.Parsed | None:
    match = _DEGREE_AT.match(raw)
    if not match:
        return None
    key = _degree_key(match.group("d"))
    key = "masters" if key == "grad school" else key
    key = "" if key == "degree" else key
    return _shift(_parse_school(key)(raw[match.end():]), match.end())


EXPERIENCE_RULES = (
    _rule("experience", _I + _HAVE + _ADV + r"\s+(?:have|has|'ve\s+got|bring|got)\s+(?P<v>(?:over|more\s+than|about|around|nearly"
          r"|almost|roughly|at\s+least|close\s+to|just\s+over|\d|a\s+decade|" + lx.NUMBER_WORDS + r").{0,80}?\bexperience\b.*)",
          _experience_parser()),
    _rule("experience", _I + r"(?:'ve|\s+have)" + _ADV + r"\s+(?P<v>(?:been|[a-z]+ed|taught|done|spent|run|written|led|built|driven"
          r"|flown|sung|played|sold|grown|drawn|fought|ridden|swum|taught)"
          r"(?:\s+\w+){0,5}?\s+(?:for|over)\s+(?:over\s+|about\s+|around\s+|almost\s+|nearly\s+|roughly\s+|more\s+than\s+)?"
          r"(?:\d|a\s+decade|two\s+decades|" + lx.NUMBER_WORDS + r").*)", _experience_parser()),
    _rule("experience", _I + _ADV + r"\s+(?P<v>(?:worked|taught|practiced|practised|served|coded|nursed|drove|ran|managed)"
          r"(?:\s+\w+){0,5}?\s+for\s+(?:only\s+|just\s+|about\s+|around\s+|almost\s+|nearly\s+|over\s+)?"
          r"(?:\d|a\s+decade|two\s+decades|" + lx.NUMBER_WORDS + r").*)", _experience_parser()),
    _rule("experience", r"\b(?:in|during|over)\s+(?:all\s+)?my\s+(?P<v>(?:\d+|" + lx.NUMBER_WORDS + r")\s+years?\s+(?:as|of|in|doing)\s+.+)",
          _experience_parser()),
    _rule("experience", _I + r"(?:'ve|\s+have)" + _ADV + r"\s+spent\s+(?P<v>(?:over\s+|about\s+|around\s+|almost\s+|nearly\s+)?"
          r"(?:\d+|a\s+decade|two\s+decades|" + lx.NUMBER_WORDS + r")(?:\s+years?)?\s+(?:in|as|at|doing|working|teaching).*)",
          _experience_parser()),
    _rule("experience", _I + _ADV + r"\s+started\s+(?P<v>\w+ing(?:\s+\w+){0,3}?\s+(?:\d+|" + lx.NUMBER_WORDS + r")\s+years?\s+ago.*)",
          _experience_parser()),
    _rule("experience", r"^(?P<v>(?:two|three|\d+)\s+decades|(?:\d+|" + lx.NUMBER_WORDS + r")\s+years)\s+as\s+an?\s+.+",
          _experience_parser()),
    _rule("experience", _I + _BE + _ADV + r"\s+(?P<v>(?:about\s+|around\s+|nearly\s+|almost\s+)?(?:\d+|" + lx.NUMBER_WORDS
          + r")\s+years\s+into\s+my\s+career.*)", _experience_parser()),
    _rule("experience", _I + r"(?:'m|\s+am)\s+a\s+new\s+grad\s+with\s+(?P<v>no\s+(?:work\s+|professional\s+|industry\s+)?experience)",
          _parse_zero_experience),
    _rule("experience", _I + r"(?:'ve|\s+have)\s+never\s+(?P<v>managed)\s+(?:anyone|anybody|people|a\s+team)",
          _fixed("management", "0", qualifier=_stem("management"))),
)

# A rate: "about 3 cups of coffee a day", "40 hours a week", "$200 a month on groceries".
_RATE = rx(r"(?P<q>(?:(?:about|around|roughly|approximately|nearly|almost|like|maybe|some|over|under|at\s+least|more\s+than"
           r"|less\s+than)\s+)?\$?\d[\d,.]*k?|(?:(?:about|around|roughly|nearly|almost|like|maybe|some|over|under)\s+)?"
           + lx.NUMBER_WORDS + r"(?:\s+and\s+a\s+half)?)\s+(?P<unit>[a-z]+)(?:\s+of\s+(?P<what>[a-z]+))?"
           r"(?:\s+(?:a|per|every|each)\s+(?P<per>day|night|week|month|year|morning|evening|weekend))?")


def _parse_rate(raw: str) -> p.Parsed | None:
    """"3 cups of coffee a day" -> ``other`` value 3, qualifier "cups coffee per day"."""
    match = _RATE.match(raw)
    if not match or not match.group("per") and not match.group("what"):
        return None
    found = p.quantity(match.group("q"))
    if not found:
        return None
    unit = _PLURAL_S.sub("", match.group("unit").lower())
    label = " ".join(x for x in (unit, match.group("what"), "per " + match.group("per") if match.group("per") else "") if x)
    return p.single(match.group(0), match.end(), qualifier=label, normalized=found[0])


def _parse_amount(raw: str) -> p.Parsed | None:
    """"about $1,500 a month" / "45 minutes" after "my rent is" -> the number."""
    match = _RATE.match(raw)
    if match:
        found = p.quantity(match.group("q"))
        if found:
            return p.single(match.group(0), match.end(), normalized=found[0])
    found = p.quantity(raw)
    if not found:
        return None
    end = _FEW_WORDS.match(raw)
    return p.single(raw[:end.end()] if end else raw, end.end() if end else len(raw), normalized=found[0])


OTHER_RULES = (
    # my favourite colour is blue; Jazz is my favourite music
    _rule("other", r"\bmy\s+(?:all-time\s+)?favou?rite\s+(?P<q>[a-z]+(?:\s+[a-z]+)?)\s+(?:is|are|has\s+always\s+been)"
          + _BE_NEG + _ADV + _V, p.parse_short, qualifier="favorite"),
    _rule("other", r"(?:^|,\s*)(?P<v>[A-Z][\w' -]{0,30}?)\s+(?:is|are)\s+my\s+(?:all-time\s+)?favou?rite(?:\s+(?P<q>[a-z]+(?:\s+[a-z]+)?))?\b",
          p.parse_short, qualifier="favorite"),
    _rule("other", r"(?:^|,\s*)(?P<v>[A-Z][\w' -]{0,30}?)\s+(?:is|are)\s+my\s+least\s+favou?rite(?:\s+(?P<q>[a-z]+(?:\s+[a-z]+)?))?\b",
          p.parse_short, qualifier="least favorite"),
    _rule("other", r"\bmy\s+least\s+favou?rite\s+(?P<q>[a-z]+(?:\s+[a-z]+)?)\s+(?:is|are)" + _V, p.parse_short,
          qualifier="least favorite"),
    _rule("other", _I + _ADV + r"\s+(?:speak|know)\s+(?P<v>(?:\d|two|three|four|five|six|seven|one)\s+languages?)\b",
          lambda raw: p.single(raw, len(raw), qualifier="languages spoken", normalized=f"{p.first_number(raw):g}")),
    _rule("other", _I + _BE + _ADV + r"\s+(?P<v>monolingual)\b", _fixed("one language", "1", qualifier="languages spoken")),
    # religion, politics, zodiac sign, eyes, hair, handedness, birth year, birthday, dwelling, siblings
    _rule("other", _I + _BE + _BE_NEG + _ADV + r"(?:\s+an?)?(?=\s)" + _V, lambda raw: _attribute(raw)),
    _rule("other", _I + _HAVE + _ADV + r"\s+(?:have|'ve\s+got|got)\s+(?P<v>(?:blue|brown|green|hazel|gray|grey|black|dark)\s+eyes"
          r"|(?:blonde?|brown|black|red|gray|grey|white|auburn|dark|curly|straight)\s+hair)\b", lambda raw: _looks(raw)),
    _rule("other", r"\bmy\s+(?P<q>eyes|hair)\s+(?:is|are|has\s+always\s+been)" + _BE_NEG + _ADV
          + r"\s+(?=(?P<v>(?:blue|brown|green|hazel|gray|grey|black|dark|blonde?|red|white|auburn)\b))",
          lambda raw: p.single(_FIRST_WORD.match(raw).group(0), len(_FIRST_WORD.match(raw).group(0))), qualifier="looks"),
    _rule("other", _I + _ADV + r"\s+write\s+with\s+my\s+(?P<v>left|right)\s+hand\b",
          lambda raw: p.single(raw.split()[0], len(raw.split()[0]), qualifier="handedness", normalized=raw.split()[0].lower())),
    _rule("other", _I + r"\s+was\s+born\s+in" + r"(?=(?P<v>\s*(?:19|20)\d\d\b))",
          lambda raw: p.single(raw.strip()[:4], len(raw.strip()[:4]) + 1, qualifier="birth year")),
    _rule("other", r"\bmy\s+birthday\s+is" + r"(?:\s+(?:in|on))?" + _V, lambda raw: _birthday(raw)),
    _rule("other", _WE + _ADV + _NEG + r"\s+live\s+in\s+(?P<v>(?:a|an)\s+(?:house|apartment|flat|condo|townhouse|duplex|trailer"
          r"|mobile\s+home|studio|cabin|houseboat))\b",
          lambda raw: p.single(raw, len(raw), qualifier="dwelling", normalized=basic_normalize(raw))),
    _rule("other", _I + _HAVE + _ADV + _NEG + r"\s+(?:have|'ve\s+got|got)\s+(?P<v>(?:(?:a|an|one|two|three|four|five|six|seven|eight|nine"
          r"|ten|any|no|\d+)\s+)?(?:grandkids?|grandchild(?:ren)?|grandsons?|granddaughters?))\b", lambda raw: _grandkids(raw)),
    _rule("other", _I + _BE + _ADV + r"\s+(?P<v>an\s+only\s+child)\b", _fixed("no siblings", p.WILDCARD, negated=True, qualifier="siblings")),
    _rule("other", r"\bmy\s+(?:older\s+|younger\s+|big\s+|little\s+|twin\s+|baby\s+|half-|step)?(?P<v>brother|sister|sibling)s?\b"
          r"(?!-in-law|'s\s+(?:wife|husband))", _fixed("a sibling", p.EXISTS, qualifier="siblings")),
    _rule("other", r"\bmy\s+(?:star|zodiac|astrological|sun)\s+sign\s+(?:is|'s)\s+(?:an?\s+)?(?P<v>[A-Z][a-z]+)\b", lambda raw: _attribute(raw)),
    # stable attributes stated as "my X is Y" (generic fallback, single-valued per attribute)
    _rule("other", r"\bmy\s+(?P<q>blood\s+type|blood\s+group|phone|laptop|house|flat|apartment|shoe\s+size|dress\s+size|ring\s+size"
          r"|accent|middle\s+name|nickname|personality\s+type|mbti|football\s+team|home\s+team|handwriting"
          r"|first\s+car|bank|mobile\s+network|phone\s+network|internet\s+provider|broadband|gym|church|local|dentist|gp)"
          r"\s+(?:is|'s)" + _BE_NEG + _V, lambda raw: _generic_value(raw), qualifier="my"),
    _rule("other", _I + _HAVE + _ADV + _NEG + r"\s+(?:have|'ve\s+got|got)\s+(?P<v>(?:a|an|two|three|four|any|no|\d+)\s+"
          r"(?:(?:older|younger|big|little|twin|half|step)[-\s]?)?(?:sisters?|brothers?|siblings?))\b", lambda raw: _siblings(raw)),
    # person types, nationality
    _rule("other", _I + _BE + _BE_NEG + _ADV + r"(?=\s)" + _V, parse_person_type),
    _rule("other", _I + _BE + _BE_NEG + _ADV + r"(?:\s+an?)?(?=\s)" + _V, parse_nationality),
    _rule("other", _I + _ADV + r"\s+(?:prefer|love|like)" + _V, parse_comparison),
    # field of work: I work in ML / my job is in HR
    _rule("other", _I + _HAVE + _ADV + _NEG + _ADV + r"\s+(?:work|worked|working)\s+in" + _V, _parse_work_field),
    _rule("other", r"\bmy\s+(?:job|work|career|background)\s+is\s+in" + _V, _parse_work_field),
    # I teach third grade
    _rule("other", _I + _ADV + _NEG + r"\s+teach" + _V, p.parse_short, qualifier="teaches"),
    # living arrangement, home ownership
    _rule("other", _I + _ADV + _USED + _NEG + r"\s+live\s+(?P<v>with\s+my\s+\w+|alone|by\s+myself|on\s+my\s+own)\b",
          lambda raw: _living(raw)),
    _rule("other", _I + _BE + _ADV + r"\s+(?P<v>living\s+(?:alone|on\s+my\s+own|by\s+myself|with\s+my\s+\w+))\b",
          lambda raw: _living(raw[7:])),
    _rule("other", _I + _ADV + r"\s+(?:manage|lead|run|supervise|oversee|head)\s+(?:a\s+team\s+of\s+)?(?P<v>(?:about\s+|around\s+|roughly\s+|over\s+)?"
          r"(?:\d+|" + lx.NUMBER_WORDS + r")\s+(?:people|engineers|developers|staff|employees|nurses|reports|direct\s+reports|analysts"
          r"|designers|teachers|agents|workers|folks))\b", _quantity_parser("team size")),
    _rule("other", _I + _ADV + r"\s+(?:manage|lead|run|supervise|oversee|head)\s+a\s+team\s+of\s+(?P<v>(?:about\s+|around\s+|roughly\s+|over\s+)?"
          r"(?:\d+|" + lx.NUMBER_WORDS + r"))\b", _quantity_parser("team size")),
    _rule("other", r"\bmy\s+team\s+(?:is|has)\s+(?:now\s+)?(?P<v>(?:about\s+|around\s+|roughly\s+|over\s+)?(?:\d+|" + lx.NUMBER_WORDS
          + r")\s+(?:people|engineers|developers|staff|members|strong))\b", _quantity_parser("team size")),
    _rule("other", _I + _HAVE + _ADV + r"\s+moved\s+into\s+(?P<v>my\s+own\s+(?:apartment|place|house|flat))",
          _fixed("own place", "alone", qualifier="lives with")),
    _rule("other", _I + _ADV + _NEG + r"\s+(?P<v>own|rent)\s+(?:a|my|an|our|any)\s+(?:house|home|apartment|condo|flat|place|property)\b",
          lambda raw: p.single(raw.split()[0], len(raw.split()[0]), qualifier="housing", normalized=raw.split()[0].lower())),
    _rule("other", _I + _ADV + r"\s+(?P<v>rent)\b(?!\s+(?:a\s+car|movies|bikes))", _fixed("rent", "rent", qualifier="housing")),
    _rule("other", _WE + _HAVE + _ADV + r"\s+(?:finally\s+)?(?:bought|purchased)\s+(?P<v>(?:a|an|our|my)\s+(?:first\s+|own\s+|new\s+)?"
          r"(?:house|home|flat|apartment|condo|place|property|cottage|bungalow))\b", _fixed("own", "own", qualifier="housing")),
    # activities: I play the guitar; I run marathons; I've never run a marathon
    _rule("activity", _I + _HAVE + _ADV + _NEG + _ADV + r"\s+(?:play|played|plays)" + _V, parse_activity),
    _rule("activity", _I + _ADV + _NEG + _ADV + r"\s+(?P<v>run|jog|swim|cycle|work\s+out|exercise|go\s+to\s+the\s+gym|go\s+running"
          r"|go\s+swimming|go\s+cycling|do\s+yoga|meditate|hike|go\s+hiking|climb|go\s+climbing)\b"
          r"(?!\s+(?:to|into|out\s+of|late|a\s+\w+\s+(?:company|business|team|shop)))",
          lambda raw: _habit(raw),
          guard=rx(r"\b(?:never|don't|do\s+not|every|daily|each|most|regularly|twice|three\s+times|weekly|religiously"
                   r"|at\s+least|several\s+times)\b")),
    _rule("activity", _I + _HAVE + _ADV + _NEG + _ADV + r"\s+(?:run|ran|do|practice|practise)\s+(?P<v>(?:a\s+|any\s+)?(?:marathons?"
          r"|half\s+marathons?|ultras?|triathlons?|yoga|pilates|crossfit|karate|judo|ballet|martial\s+arts))\b",
          parse_activity),
    # quantities
    _rule("other", _I + _ADV + r"\s+(?:earn|make|bring\s+in|take\s+home|get\s+paid|am\s+paid|'m\s+paid)" + _V,
          _quantity_parser("salary")),
    _rule("other", r"\bmy\s+(?:annual\s+|base\s+|current\s+)?(?:salary|income|pay)\s+is" + _V, _quantity_parser("salary")),
    _rule("other", _I + _ADV + r"\s+live\s+(?P<v>.{0,20}?\bmiles?)\s+from\s+(?:work|the\s+office)", _quantity_parser("commute miles")),
    _rule("other", r"\bmy\s+commute\s+is" + r"(?P<v>\s+.{0,20}?\bmiles?)\b", lambda raw: _quantity_parser("commute miles")(raw.strip())),
    _rule("other", _I + _ADV + r"\s+weigh" + _V, _quantity_parser("weight")),
    _rule("other", _I + _BE + _ADV + r"\s+(?P<v>(?:about\s+|around\s+)?\d{2,3}\s+(?:pounds|lbs|kg|kilos))\b", _quantity_parser("weight")),
    _rule("other", _I + _BE + _ADV + _V, _parse_height),
    _rule("other", _I + _ADV + r"\s+(?:run|ran|jog|jogged)" + r"(?P<v>\s+.{0,25}?\bmiles?)\s+(?:a|per|this|each|every)\s+week",
          lambda raw: _quantity_parser("weekly running miles")(raw.strip())),
    _rule("other", _I + _ADV + r"\s+(?:sleep|get)" + r"(?P<v>\s+.{0,30}?\bhours?)(?:\s+of\s+sleep|\s+a\s+night|\s+per\s+night)",
          lambda raw: _quantity_parser("sleep hours")(raw.strip())),
    _rule("other", r"\b(?:I|we)(?:'ve|\s+have)\s+been\s+married\s+(?:for\s+)?" + r"(?P<v>.+?\byears?)",
          _quantity_parser("years married")),
    _rule("other", _I + r"(?:'ve|\s+have)\s+lived\s+here\s+(?:for\s+)?" + r"(?P<v>.+?\byears?)", _quantity_parser("years lived here")),
    _rule("other", _I + _ADV + r"\s+moved\s+here\s+" + r"(?P<v>.+?\byears?)\s+ago", _quantity_parser("years lived here")),
    _rule("experience", _I + r"(?:'ve|\s+have)\s+worked\s+here\s+(?:for\s+)?" + r"(?P<v>.+?\byears?)",
          _quantity_parser("tenure")),
    _rule("experience", _I + _ADV + r"\s+started\s+here\s+" + r"(?P<v>.+?\byears?)\s+ago", _quantity_parser("tenure")),
    _rule("other", _I + _ADV + r"\s+(?:have|own|counted|collected)" + _V, _parse_counted),
    _rule("other", _I + _ADV + r"\s+(?P<verb>drink|eat|read|work|spend|pay|walk|bike|cycle|swim|drive|commute|save|watch|travel"
          r"|visit|visited|smoke|write|teach|see|lift|practice|train|study)" + _V, _parse_rate, qualifier="rate"),
    _rule("other", r"\bmy\s+(?P<q>rent|mortgage|commute|salary|income|house|apartment|budget|bonus|savings|debt|credit\s+score"
          r"|resting\s+heart\s+rate|shoe\s+size|bmi|gpa|handicap)\s+(?:is|was|runs|comes\s+to)" + _V, _parse_amount,
          qualifier="my"),

)


_RELIGIONS = frozenset("christian catholic protestant jewish muslim hindu buddhist sikh atheist agnostic mormon "
                       "evangelical orthodox quaker".split())
_POLITICS = frozenset("democrat republican liberal conservative libertarian independent progressive socialist".split())
_ZODIAC = frozenset("aries taurus gemini cancer leo virgo libra scorpio sagittarius capricorn aquarius pisces".split())
_ATTRIBUTE_WORD = rx(r"([A-Za-z]+)\b")
_MONTHS = ("january february march april may june july august september october november december").split()


def _attribute(raw: str) -> p.Parsed | None:
    """Religion, politics or zodiac sign after "I'm (a)": "I'm a Scorpio", "I'm Catholic"."""
    word = _ATTRIBUTE_WORD.match(raw)
    if not word:
        return None
    key = word.group(1).lower()
    qualifier = ("religion" if key in _RELIGIONS else "politics" if key in _POLITICS
                 else "zodiac sign" if key in _ZODIAC and word.group(1)[0].isupper() else None)
    return p.single(word.group(1), word.end(), qualifier=qualifier, normalized=key) if qualifier else None


_LOOKS = rx(r"(?P<color>[a-z]+)\s+(?P<what>eyes|hair)\b")
_FIRST_WORD = rx(r"[a-z]+")


def _looks(raw: str) -> p.Parsed | None:
    """"blue eyes" -> eye colour blue; "black hair" -> hair colour black."""
    match = _LOOKS.match(raw)
    if not match:
        return None
    what = match.group("what").lower().rstrip("s")
    return p.single(match.group(0), match.end(), qualifier=f"{what} color", normalized=match.group("color").lower())


def _birthday(raw: str) -> p.Parsed | None:
    """"in May" / "May 3rd" / "on the 3rd of May" -> the month."""
    month = next((m for m in _MONTHS if m in raw.lower().split() or m in raw.lower()), None)
    return p.single(raw, len(raw), qualifier="birthday month", normalized=month) if month else None


def _grandkids(raw: str) -> p.Parsed:
    """"three grandkids" -> grandchildren 3; "any/no grandchildren" -> none."""
    word = raw.lower().split()[0]
    if word in {"no", "any"}:
        return p.single(raw, len(raw), qualifier="grandchildren", normalized="0")
    if word.startswith("grand"):  # "I don't have grandchildren"
        return p.single(raw, len(raw), qualifier="grandchildren", normalized=p.EXISTS)
    number = lx.COUNT_WORDS.get(word) if word in lx.COUNT_WORDS else p.parse_number(word)
    return p.single(raw, len(raw), qualifier="grandchildren", normalized=f"{number:g}" if number is not None else p.EXISTS)


def _turning_this_year(raw: str) -> p.Parsed | None:
    """"I turn 40 this year" -> 39-40."""
    parsed = p.parse_age(raw)
    age = p.parse_number(parsed.values[0].text) if parsed else None
    return p.single(parsed.values[0].text, parsed.end, normalized=f"{age - 1:g}-{age:g}") if age else None


def _siblings(raw: str) -> p.Parsed | None:
    """"a sister" -> siblings exist; "no siblings" / "any siblings" -> none."""
    words = raw.lower().split()
    if words[0] in {"no", "any"}:
        return p.single(raw, len(raw), qualifier="siblings", normalized=p.WILDCARD, negated=words[0] == "no")
    return p.single(raw, len(raw), qualifier="siblings", normalized=p.EXISTS)


def _living(raw: str) -> p.Parsed:
    text = basic_normalize(raw)
    key = "alone" if text in {"alone", "by myself", "on my own"} else _WITH_MY.sub("", text)
    return p.single(raw, len(raw), qualifier="lives with", normalized=key)


#: Every first-person rule, in the order they are tried.
USER_RULES = (EMPLOYER_RULES + JOB_RULES + AGE_RULES + LOCATION_RULES + HOMETOWN_RULES + SPOUSE_RULES + NAME_RULES
              + PET_RULES + LANGUAGE_RULES + PREFERENCE_RULES + DIET_RULES + HEALTH_RULES + VEHICLE_RULES
              + CHILD_RULES + EDUCATION_RULES + EXPERIENCE_RULES + OTHER_RULES)

# ----------------------------------------------------------------------------------------------
# Third-party rules: facts about somebody else, tracked per subject ("my sister", "Sarah")
# ----------------------------------------------------------------------------------------------

_RELATION_WORDS = (r"(?:best\s+friend|friend|boss|manager|coworker|co-worker|colleague|roommate|flatmate|neighbou?r|brother"
                   r"|sister|mom|mother|mum|dad|father|son|daughter|wife|husband|partner|girlfriend|boyfriend|cousin|aunt"
                   r"|uncle|nephew|niece|grandma|grandpa|grandmother|grandfather|teammate|landlord|ex|brother-in-law"
                   r"|sister-in-law|mother-in-law|father-in-law|parents|kids|children)")
_SUBJECT = (r"(?:^|(?<=[,;]\s)|(?<=\band\s)|(?<=\bbut\s)|(?<=\bso\s))(?P<subj>(?:my|our)\s+" + _RELATION_WORDS
            + r"(?:,?\s+(?-i:[A-Z])[a-z]+,?)?|(?-i:[A-Z])[a-z]+(?=\s+(?:still\s+|now\s+|also\s+|just\s+|recently\s+|has\s+"
            r"|had\s+|never\s+|doesn't\s+|does\s+not\s+|is\s+|'s\s+|lives|works|turned|moved)))")
_TP_NEG = r"(?P<neg>\s+(?:doesn't|does\s+not|has\s+never|never|no\s+longer|isn't|is\s+not|hasn't|didn't))?"


def _tp(slot: str, verb: str, parse: ParseFn, **options) -> Rule:
    return Rule(slot, rx(_SUBJECT + _ADV + _TP_NEG + _ADV + verb + _V), parse, subject="group", **options)


THIRD_PARTY_RULES = (
    _tp("employer", r"\s+(?:works?|worked|working|is\s+working)\s+(?:at|for)", p.parse_employer_cap),
    _tp("employer", r"\s+(?:quit|left)", p.parse_employer_cap, negated=True),
    _tp("location", r"\s+(?:lives?|lived|is\s+living|is\s+based)\s+in", p.parse_location_cap),
    _tp("location", r"\s+(?:just\s+|recently\s+)?moved\s+to", p.parse_location_cap),
    _tp("age", r"\s+(?:is|'s|are)(?:\s+(?:only|now|just|already|almost|nearly|about))*", p.parse_age),
    _tp("age", r"\s+(?:just\s+)?turned", p.parse_age),
    _tp("job_title", r"\s+(?:is|'s)(?=\s+(?:an?|the)\s)", p.parse_job_lexicon),
    _tp("job_title", r"\s+works?\s+as", p.parse_job),
)

#: Relations that may name a different person each time ("my friend"): tracked only with a name.
AMBIGUOUS_RELATIONS = frozenset({"friend", "best friend", "coworker", "co-worker", "colleague", "neighbor", "neighbour",
                                 "cousin", "teammate", "classmate", "client", "buddy", "ex"})

#: Names that look like a third-party subject but are sentence openers.
NOT_SUBJECTS = frozenset({"my", "our", "i", "it", "this", "that", "there", "today", "yesterday", "tomorrow", "she",
                          "he", "they", "we", "what", "where", "who", "home", "work", "everyone", "nobody", "someone",
                          "also", "still", "now", "then", "well", "actually", "sorry", "wait", "oh", "hmm", "so"})
