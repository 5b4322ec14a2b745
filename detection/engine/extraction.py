"""Rule-based extraction of facts (typed slots with subject and modality) from free English text.

Pure standard library. Entry points: :func:`extract_facts` (the user's own current facts, what
callers store), :func:`analyze` (every fact incl. other people's and hypothetical ones, plus
elliptical corrections such as "Sorry, 33."), :func:`is_question`, :func:`question_slots` and
:func:`statement_flags` (per-statement flags for the learned pair classifier's features).

How it works: the text is split into sentences (questions are skipped), "not X but Y" is
rewritten to "Y, not X", each sentence is split into clauses, and a clause that opens with a
polarity operator ("it's not that ...", "I never said ...") is read with its polarity inverted.
Each clause is matched against the pattern table (:mod:`detection.engine.patterns`); a match's
*modality* is ``hypothetical`` when a plan/wish/conditional marker precedes it in its segment,
its *subject* is ``user`` for first-person patterns, ``reported`` for somebody else's reported
speech, or the third party's name/relation for third-party patterns. Within one statement a
later value of a single-valued slot supersedes an earlier one ("I'm 32. Sorry, 33." -> 33).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import lexicon as lx
from . import markers as mk
from . import parsers as p
from . import patterns as pt
from .normalization import basic_normalize, normalize_value, numbers_in, parse_number
from .normalization import normalize_location as _normalize_location

EXTRACTOR_VERSION = "rules-3"

#: Slots holding one current value (per qualifier): a new different value contradicts the old one.
SINGLE_VALUED_SLOTS = frozenset({"name", "age", "employer", "job_title", "location", "hometown", "spouse",
                                 "child_count", "vehicle"})
#: Slots holding a set of values: a new value is an addition; a denial (or, for qualifiers that
#: are single-valued, such as diet ``style`` or ``other`` favourites, a different value) contradicts.
MULTI_VALUED_SLOTS = frozenset({"pet", "language", "preference", "child", "education", "diet", "health",
                                "experience", "activity", "other"})
ALL_SLOTS = SINGLE_VALUED_SLOTS | MULTI_VALUED_SLOTS
#: Stable output order of :func:`question_slots`.
SLOT_ORDER = ("name", "age", "employer", "job_title", "location", "hometown", "spouse", "child", "child_count",
              "pet", "language", "preference", "education", "diet", "health", "experience", "vehicle",
              "activity", "other")

USER = "user"
ASSERTED = "asserted"
HYPOTHETICAL = "hypothetical"


@dataclass(frozen=True)
class ExtractedFact:
    """One fact stated in a text.

    Fields:
        slot: one of :data:`SINGLE_VALUED_SLOTS` / :data:`MULTI_VALUED_SLOTS`.
        value: the value as written, e.g. ``"Microsoft"``, ``"Seattle"``, ``"thirty-four"``.
        normalized: comparison key (:func:`~detection.engine.normalization.normalize_value`):
            ``"microsoft"``, ``"34"``, ``"30-39"``; ``"*"`` for a denial of every value ("no
            pets", "I'm single"), ``"+"`` for "some value" ("I'm married", "my son").
        negated: the value is denied ("I don't work at Microsoft anymore"), a former value
            ("I used to live in Boston") or, for ``preference``, disliked ("I hate sushi").
        span: the matched text fragment (evidence), at most one clause.
        subject: ``"user"``; a third party's key (``"sister"``, ``"sarah"``); ``"reported"``
            for somebody else's reported speech.
        modality: ``"asserted"`` or ``"hypothetical"`` (plans, wishes, conditionals).
        hedged: the value is hedged ("about 10 years", "around 40").
        qualifier: sub-key inside the slot: location ``office``; education ``degree`` /
            ``field`` / ``school <level>`` / ``year <level>``; ``other`` / ``health`` / ``diet``
            categories; a pet's name; an experience domain.
        never: a denial for all time ("I've never owned a cat"), which also contradicts a
            value held earlier and given up since.
        exclusive: "only" ("I only speak Spanish"): the other held values are contradicted.

    Raises ``ValueError`` for an unknown slot.
    """

    slot: str
    value: str
    normalized: str
    negated: bool = False
    span: str = ""
    subject: str = USER
    modality: str = ASSERTED
    hedged: bool = False
    qualifier: str = ""
    never: bool = False
    exclusive: bool = False

    def __post_init__(self) -> None:
        if self.slot not in ALL_SLOTS:
            raise ValueError(f"unknown slot {self.slot!r}; expected one of {sorted(ALL_SLOTS)}")

    @property
    def is_users_current_fact(self) -> bool:
        """True for an asserted fact about the speaker (what :func:`extract_facts` returns)."""
        return self.subject == USER and self.modality == ASSERTED


@dataclass(frozen=True)
class Elided:
    """An elliptical correction: "Sorry, 33." / "Wait, I meant Fort Collins, not Boulder."
    ``value`` is the new value, ``replaced`` the value it replaces (may be empty); the slot is
    resolved against the previous statement (:func:`resolve_elided`)."""

    value: str
    replaced: str
    span: str


@dataclass(frozen=True)
class Analysis:
    """Everything the engine reads from one text (cached per text by :func:`analyze`)."""

    facts: tuple[ExtractedFact, ...]      # every fact, any subject/modality, in text order
    elided: tuple[Elided, ...]            # elliptical corrections not resolved inside the text
    question: bool                        # the text asks rather than states (:func:`is_question`)
    has_question_sentence: bool

    @property
    def user_facts(self) -> tuple[ExtractedFact, ...]:
        """Asserted facts about the speaker."""
        return tuple(f for f in self.facts if f.is_users_current_fact)


# ----------------------------------------------------------------------------------------------
# Markers local to the driver
# ----------------------------------------------------------------------------------------------

# "... anymore" right after a value negates it ("I work at X anymore" only occurs negated).
_TRAILING_NEGATION = mk.rx(r"^\s*(?:anymore|any\s+more|no\s+more|no\s+longer)\b")
# "..., it's Y" after a denied value affirms Y ("My name isn't Jon, it's Jen").
_ITS_TAIL = mk.rx(r"^\s*[,;]\s*(?:it'?s|it\s+is|it\s+was|rather|but)\s+(?:actually\s+)?(?P<v>[^,;.!?]+)")
# "..., not X" after a value denies X in the same slot ("I live in Portland, not Seattle").
_NOT_TAIL = mk.rx(r"^\s*,?\s*(?:and\s+)?not\s+(?:in\s+|at\s+|for\s+|with\s+|an?\s+|the\s+)?(?P<v>[^,;.!?]+)")
# Discourse conditionals that do not make the main clause hypothetical.
_DISCOURSE_IF = mk.rx(r"\b(?:if\s+you(?:'re|\s+are)\s+wondering|if\s+you\s+must\s+know|if\s+you\s+ask\s+me|if\s+that"
                      r"\s+matters|if\s+i'?m\s+(?:being\s+)?honest|if\s+memory\s+serves|in\s+case\s+you\s+forgot"
                      r"|in\s+case\s+that\s+matters|as\s+if|even\s+if|if\s+that's\s+what\s+you(?:'re|\s+are)\s+asking)\b")
# "not un-X" -> "X" ("I'm not unmarried" = "I'm married").
_NOT_UN = mk.rx(r"\bnot\s+un(?=(?:married|employed|happy|healthy)\b)")
# Sentences with an elided subject ("Still at Unilever.").
_ELIDED_OPENING = mk.rx(r"^(?:(?:still|now|currently)\s+)(?=(?:at|in|with)\s+[A-Z])"
                        r"|^(?=(?:just|recently|finally|also)\s+\w+ed\b|(?:started|joined|moved|switched|got|landed|left"
                        r"|quit|made|had|ate|cooked|bought|sold|adopted|graduated|finished|turned|spent|took)\s"
                        r"|(?:live|living)\s+in\s|work\s+(?:at|for)\s"
                        r"|(?:love|hate|adore|loathe|detest|can't\s+stand|cant\s+stand|don't\s+like|dont\s+like)\s)")
# Casual sentences without a subject: "Been with P&G for years." -> "I've been with ...",
# "Living in Leeds now." -> "I'm living in ..." (the "Working at X" rule keeps its own guard).
_BEEN_OPENING = mk.rx(r"^been\s+(?:with|at|in|a|an|working|living|doing|teaching|coding|married|vegan|vegetarian"
                      r"|\d|" + lx.NUMBER_WORDS + r")\b")
_ING_OPENING = mk.rx(r"^(?:living|based|renting|driving|studying)\s+(?:in|at|a|an)\b")
# "my birthday's in July" -> "my birthday is in July" (a noun's "'s" before a value, not a possessive).
_NOUN_IS = mk.rx(r"\b((?:my|our)\s+(?:birthday|car|job|title|name|surname|office|home|salary|commute|diet"
                 r"|favou?rite\s+\w+|first\s+language|native\s+language|degree|major|employer|company|husband"
                 r"|wife|partner|boyfriend|girlfriend|fiance|fiancee|dog|cat))'s\s+(?=(?:in|at|on|a|an|the|from|called"
                 r"|named|now|still|actually|about|around|\d|[$£€]|[A-Z]))")
# Chat-register words (baseline choice: common UK/US texting forms).
_CASUAL_WORDS = {"kiddos": "kids", "kiddo": "kid", "kiddies": "kids", "bf": "boyfriend", "gf": "girlfriend",
                 "hubby": "husband", "wifey": "wife", "doggo": "dog", "pupper": "puppy", "yrs": "years",
                 "yr": "year", "ur": "your", "u": "you", "rn": "right now", "ive": "I've", "dont": "don't",
                 "didnt": "didn't", "cant": "can't", "doesnt": "doesn't", "isnt": "isn't", "wasnt": "wasn't"}
_CASUAL_WORD = re.compile(r"\b(?:" + "|".join(_CASUAL_WORDS) + r")\b", re.I)
_FILLER = re.compile(r"(?:^|\s+|,\s*)(?:lol|lmao|haha+|tbh|btw|omg|ngl|imo|xx+)\b[,!.]?", re.I)
# Lowercase register: a name right after a place/employer trigger.
_LOWER_NAME_AFTER = re.compile(r"(\b(?:at|in|to|for|from|left|joined|quit)\s+)([a-z][a-z'&-]+)")
_COMMON_AFTER_TRIGGER = frozenset("""
a an the my our your his her their this that these those work home school college uni university church bed
night least all last first once it them him me us you be see go do get make take have and or but now here
there lunch dinner breakfast weekend weekends morning mornings town hospital gym some any every each many much
more most few about around like love last next years year months weeks days ages a while time times long
sleep pay bit lot moment office job new old same other another back up out over one two three four five
healthcare finance tech banking retail sales marketing education law medicine insurance hospitality
construction consulting media government engineering pharma research science design politics fashion
london-ish charge touch love debt trouble shape bits pieces hand hands person people
""".split())
# Where a polarity operator's scope ends: a comma, then a new first-person clause.
_OPERATOR_SCOPE_END = re.compile(r",\s+(?=(?:I|I'm|I've|we|we're|we've)\s)")
# "... and nowhere else", "and no other language": the value is exclusive.
_EXCLUSIVE_TAIL = mk.rx(r"^[^.;!?]{0,40}\b(?:nowhere\s+else|and\s+no\s+others?|nothing\s+else|no\s+other|and\s+that's\s+it)\b"
                        r"|^\s+(?:is|are)\s+(?:my|our|the)\s+only\s+\w+(?:\s+(?:I|we)\s+(?:\w+\s+)?\w+)?\s*(?:[.,;!]|$)")
_EXCLUSIVE_BEFORE = mk.rx(r"\b(?:only|exclusively|solely)\b")
# Elliptical correction: correction markers, then a bare value, optionally ", not X".
_ELLIPSIS = mk.rx(
    r"^(?:(?:sorry|oops|whoops|wait|no|nope|actually|correction|hmm+|um+|er+|uh+|oh|well|rather|typo|scratch\s+that"
    r"|make\s+that|let\s+me\s+correct\s+(?:that|myself)|i\s+mean|i\s+meant(?:\s+to\s+say)?|my\s+bad|my\s+mistake"
    r"|i\s+misspoke|sorry\s+about\s+that|ugh|ah|ok|okay|to\s+clarify|let\s+me\s+rephrase)\b[\s,:;.!-]*)+"
    r"(?:(?:it'?s|it\s+is|it\s+was|that'?s|that\s+should\s+be|should\s+be|it\s+should\s+be)(?:\s+been)?\s+|i\s+meant\s+)?"
    r"(?P<v>[^,;.!?:]{1,40}?)(?:,?\s+not\s+(?P<x>[^,;.!?]{1,40}))?\s*[.!]*$")
_ELLIPSIS_MARKER = mk.rx(r"^(?:sorry|oops|whoops|wait|no|nope|actually|correction|hmm|rather|typo|scratch|make\s+that"
                         r"|oh|er|um|uh|ugh|ah|well|ok|okay|let\s+me\s+rephrase|to\s+clarify"
                         r"|let\s+me|i\s+mean|i\s+meant|my\s+bad|my\s+mistake|i\s+misspoke)")
# "I said Sony but I meant Samsung" / "When I said 32 I meant 33".
_SAID_MEANT = mk.rx(r"^(?:when\s+)?I\s+said\s+(?P<x>[^,;.!?]{1,30}?),?\s+(?:but\s+)?I\s+meant(?:\s+to\s+say)?\s+"
                    r"(?P<v>[^,;.!?]{1,30}?)\s*[.!]*$")
# "..., sorry." at the end of an elliptical correction.
_TRAILING_MARKERS = mk.rx(r"[,\s]+(?:sorry|my\s+bad|oops|my\s+mistake)[.!]*$")
_VERBISH = mk.rx(r"\b(?:I|you|he|she|we|they|am|is|are|was|were|have|has|had|do|does|did|work|live|will|would|can"
                 r"|that|this|it|right|ignore|forget|fine|okay|ok|yes|yeah|correct|true|wrong)\b")


# Small helpers of the driver.
# A future time right after a value: "I'm 53 next month", "I start at Google tomorrow".
_FUTURE_AFTER = re.compile(r"^\s*(?:years?\s+old\s+)?(?:next\s+(?:week|month|year|spring|summer|fall|autumn|winter)|tomorrow"
                           r"|in\s+(?:a|two|three|\d+)\s+(?:few\s+)?(?:days|weeks|months)|soon)\b", re.I)
_WOULD = re.compile(r"'d\b|\bwould\b", re.I)                  # a conditional main clause
_WORDS = re.compile(r"[A-Za-z']+")                             # words before a reporting verb
_NAME_WORDS = re.compile(r"[^\W\d_][\w'-]*")                  # words of a third-party subject
_NEVER = re.compile(r"\bnever\b", re.I)                        # a denial for all time
_TO_VERB = re.compile(r"to\s+", re.I)                          # "I never claimed *to* speak ..."
_HAS_SUBJECT = re.compile(r"(?:I|I'm|I've|I'd|my|we|we're)\b", re.I)
_BARE_VERB = re.compile(r"(?:have|had|am|was|work|worked|live|lived|speak|spoke|own|eat|drink|smoke)\b", re.I)
_NOT_OPENING = re.compile(r"not\s+", re.I)                     # "Not Boston but Cambridge."
_OFFICE_TAIL = re.compile(r"\s+(?:office|campus|hq|headquarters)\b.*$", re.I)
_LEADING_THE = re.compile(r"^the\s+", re.I)
_CAPITAL = re.compile(r"[A-Z]")
_ELIDED_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.I)         # "Sorry, I meant a Corolla."


# ----------------------------------------------------------------------------------------------
# One match -> facts
# ----------------------------------------------------------------------------------------------

def _modality(clause: str, match: re.Match) -> str:
    """``hypothetical`` when a plan/wish/conditional marker governs the match, else asserted."""
    before = clause[:match.start()]
    segment = clause[before.rfind(",") + 1:match.start("v")]
    if mk.HYPOTHETICAL.search(segment) or mk.MODAL.search(segment):
        return HYPOTHETICAL
    cleaned = _DISCOURSE_IF.sub(" ", before)
    if mk.CONDITIONAL.search(cleaned[cleaned.rfind(",") + 1:]) or (
            mk.CONDITIONAL.search(cleaned) and (mk.MODAL.search(clause) or _WOULD.search(clause))):
        return HYPOTHETICAL
    if mk.PROGRESSIVE_PLAN.search(clause[match.start():match.start("v")]):
        return HYPOTHETICAL
    return ASSERTED


def _reported_by_other(text: str) -> bool:
    for match in mk.REPORTING.finditer(text):
        before = _WORDS.findall(text[:match.start()])[-2:]
        if not any(word.lower() in mk.FIRST_PERSON for word in before):
            return True
    return False


def _subject(rule: pt.Rule, clause: str, match: re.Match) -> str | None:
    """The fact's subject, or None when the match is not a usable fact."""
    if rule.subject == USER:
        return "reported" if _reported_by_other(clause[:match.start()]) else USER
    words = [w for w in _NAME_WORDS.findall(match.group("subj")) if w.lower() not in {"my", "our"}]
    if not words:
        return None
    named = words[-1][0].isupper()
    key = words[-1].lower() if named else " ".join(w.lower() for w in words)
    if key in pt.NOT_SUBJECTS or (named and key in p.NOT_NAMES):
        return None
    if not named and key in pt.AMBIGUOUS_RELATIONS:
        return None  # "my friend" may be a different friend next time: not tracked without a name
    return key


# A verb negation limited by what follows is partial, not a denial ("I don't speak Spanish at
# work", "I don't work at Google on Fridays").
_PARTIAL_LIMITER = mk.rx(r"^\s*(?:at\s+work|at\s+home|in\s+the\s+office|with\s+(?:my|the|our)\s+\w+|on\s+(?:fridays|mondays|tuesdays"
                         r"|wednesdays|thursdays|saturdays|sundays|weekends|weekdays)|much|very\s+(?:well|often|much)|that\s+often"
                         r"|often|every\s+day|daily|as\s+much|full-time|part-time|fluently|well\s+enough)\b")


def _polarity(rule: pt.Rule, match: re.Match, value: p.Value, tail: str, flip: bool) -> bool | None:
    """Negation of one value; ``None`` when ambiguous ("I don't hate sushi" is not "I like it",
    "I don't speak Spanish at work" does not deny speaking Spanish)."""
    groups = match.groupdict()
    if groups.get("neg") and not rule.negated and _PARTIAL_LIMITER.match(tail):
        return None
    negated = bool(rule.negated or groups.get("neg") or groups.get("used") or _TRAILING_NEGATION.match(tail))
    verb = groups.get("verb")
    if verb and pt.DISLIKE_VERBS.match(verb):
        if negated and not flip:
            return None
        negated = not negated
    negated = negated != value.negated
    return negated != flip


def _make_fact(slot: str, value: p.Value, negated: bool, span: str, **extra) -> ExtractedFact:
    if slot == "child" and value.qualifier.startswith("count:"):
        slot, value = "child_count", value._replace(qualifier=value.qualifier[6:])
    text = p.unescape(value.text).strip()
    normalized = value.normalized if value.normalized is not None else normalize_value(slot, text, value.qualifier)
    return ExtractedFact(slot=slot, value=text, normalized=normalized, negated=negated,
                         span=p.unescape(span).strip(), qualifier=value.qualifier, **extra)


def _qualifier(rule: pt.Rule, match: re.Match, value: p.Value) -> p.Value:
    """Rule-level qualifiers ("favorite" + the noun, "engaged", "native") merged into the value."""
    if rule.qualifier == "highest" and value.qualifier == "degree":
        return value._replace(qualifier="highest")
    if rule.qualifier == "rate":
        return value._replace(qualifier=f"{match.group('verb').lower()} {value.qualifier}".strip())
    if rule.qualifier == "my":
        return value._replace(qualifier=f"my {match.group('q').lower()}")
    if rule.qualifier == "measure":
        return value._replace(qualifier=basic_normalize(match.group("q")))
    if rule.qualifier == "looks":
        return value._replace(qualifier=f"{match.group('q').lower().rstrip('s')} color", normalized=basic_normalize(value.text))
    if not rule.qualifier or value.qualifier:
        return value
    if rule.qualifier in {"favorite", "least favorite"}:
        noun = (match.groupdict().get("q") or "thing").lower()
        return value._replace(qualifier=f"{rule.qualifier} {noun}")
    if rule.qualifier == "rate":
        return value._replace(qualifier=f"{match.group('verb').lower()} {value.qualifier}".strip())
    if rule.qualifier == "my":
        return value._replace(qualifier=f"my {match.group('q').lower()}")
    return value._replace(qualifier=rule.qualifier)


def _apply_rule(rule: pt.Rule, clause: str, match: re.Match, flip: bool) -> list[ExtractedFact]:
    subject = _subject(rule, clause, match)
    if subject is None or (rule.guard is not None and not rule.guard.search(clause)):
        return []
    raw = clause[match.start("v"):]
    parsed = rule.parse(raw)
    if parsed is None:
        return []
    tail = raw[parsed.end:]
    span = clause[match.start():match.start("v") + parsed.end]
    future = _FUTURE_AFTER.match(tail)  # "I'm 53 next month" is a future fact
    extra = {"subject": subject, "modality": HYPOTHETICAL if future else _modality(clause, match),
             "hedged": bool(mk.HEDGE.search(clause[max(0, match.start("v") - 30):match.start("v") + parsed.end + 12])),
             "never": rule.never or bool(_NEVER.search(match.group(0))),
             "exclusive": bool(_EXCLUSIVE_BEFORE.search(clause[match.start():match.start("v")])
                               or _EXCLUSIVE_TAIL.match(tail) or rule.qualifier == "only")}
    facts = []
    values = parsed.values
    if rule.slot == "child" and (match.groupdict().get("neg") or flip):
        # "I don't have three kids" denies the count, not that there are children
        counts = [v for v in values if v.normalized and v.normalized[:1].isdigit() and v.normalized not in {"0", "1"}]
        if counts:
            values = tuple(v for v in values if v.normalized != p.EXISTS)
    for value in values:
        value = _qualifier(rule, match, value)
        if rule.slot == "education" and value.qualifier == "degree" and extra["exclusive"]:
            value = value._replace(qualifier="highest")  # "I only have a bachelor's"
        negated = _polarity(rule, match, value, tail, flip)
        if negated is not None:
            facts.append(_make_fact(rule.slot, value, negated, span, **extra))
    facts.extend(_secondary_facts(rule, tail, facts, span, extra))
    facts.extend(_not_tail_facts(rule, tail, facts, span, extra))
    facts.extend(_its_tail_facts(rule, tail, facts, span, extra))
    if flip and any(f.normalized == p.WILDCARD and not f.negated for f in facts):
        # "It's not that I'm not married": the denial of every value, inverted, is "some value"
        facts = [ExtractedFact(**{**f.__dict__, "normalized": p.EXISTS}) if f.normalized == p.WILDCARD else f
                 for f in facts if not (f.normalized == p.WILDCARD and f.negated)]
    return facts


def _its_tail_facts(rule: pt.Rule, tail: str, primary: list[ExtractedFact], span: str, extra: dict) -> list[ExtractedFact]:
    """"My name isn't Jon, it's Jen" -> Jen affirmed in the same slot."""
    match = _ITS_TAIL.match(tail)
    if not match or not primary or not primary[0].negated or _is_wildcard(primary[0]):
        return []
    parsed = rule.parse(match.group("v"))
    if parsed is None:
        return []
    base = primary[0]
    return [_make_fact(base.slot, value._replace(qualifier=value.qualifier or base.qualifier), False,
                       span + tail[:match.start("v") + parsed.end], **extra) for value in parsed.values]


def _is_wildcard(fact: ExtractedFact) -> bool:
    return fact.normalized in {p.WILDCARD, p.EXISTS}


def _secondary_facts(rule: pt.Rule, tail: str, primary: list[ExtractedFact], span: str, extra: dict) -> list[ExtractedFact]:
    if not primary:
        return []
    facts, offset = [], 0
    for secondary in rule.secondary:  # in order; each may follow the previous one
        # A place is the office only right after an employer ("at Meta in Menlo Park"); right
        # after a job title it is where the user lives ("a civil engineer in Pittsburgh").
        secondary = secondary if offset or secondary.qualifier != "office" else secondary._replace(qualifier="")
        match = secondary.regex.match(tail[offset:])
        parsed = secondary.parse(match.group("v")) if match else None
        if parsed is None:
            continue
        polarity = primary[0].negated if secondary.negated is None else secondary.negated
        consumed = offset + match.start("v") + parsed.end
        full_span = span + tail[:consumed]
        for value in parsed.values:
            value = value._replace(qualifier=value.qualifier or secondary.qualifier)
            facts.append(_make_fact(secondary.slot, value, polarity, full_span, **extra))
        offset = consumed
    return facts


def _not_tail_facts(rule: pt.Rule, tail: str, primary: list[ExtractedFact], span: str, extra: dict) -> list[ExtractedFact]:
    """"I live in Portland, not Seattle" -> Seattle denied in the same slot."""
    match = _NOT_TAIL.match(tail)
    if not match or not primary or primary[-1].negated:
        return []
    raw = match.group("v")
    parsed = rule.parse(raw) or (p.parse_short(raw) if rule.slot not in {"name", "spouse"} else p.parse_name(raw))
    if parsed is None:
        return []
    base = primary[-1]
    return [_make_fact(base.slot, value._replace(qualifier=value.qualifier or base.qualifier), True,
                       span + tail[:match.start("v") + parsed.end], **extra) for value in parsed.values]


# ----------------------------------------------------------------------------------------------
# Clauses and sentences
# ----------------------------------------------------------------------------------------------

def _clause_body(clause: str) -> tuple[str, bool]:
    """Strip a polarity operator ("it's not that", "I never said"); return (body, flipped)."""
    operator = mk.POLARITY_OPERATOR.match(clause)
    if not operator or operator.end() == 0:
        return clause, False
    body = clause[operator.end():].strip()
    for pattern, replacement in mk.BACKSHIFT:
        body = pattern.sub(replacement, body)
    if _TO_VERB.match(body):
        body = "I " + body[3:]
    elif not _HAS_SUBJECT.match(body) and _BARE_VERB.match(body):
        body = "I " + body
    return body, True


def _clause_facts(clause: str) -> list[ExtractedFact]:
    """Facts of one clause, ordered by where their pattern matched.

    A polarity operator's scope ends where a new first-person clause starts after a comma:
    "It's not that I don't live somewhere nice, I live in Hull now" flips only the first part.
    """
    body, flip = _clause_body(clause)
    if flip:
        scope_end = _OPERATOR_SCOPE_END.search(body)
        if scope_end:
            return _clause_facts_of(body[:scope_end.start()], True) + _clause_facts_of(body[scope_end.end():], False)
    return _clause_facts_of(body, flip)


def _clause_facts_of(body: str, flip: bool) -> list[ExtractedFact]:
    found = []
    for rule in pt.USER_RULES + pt.THIRD_PARTY_RULES:
        for match in rule.regex.finditer(body):
            found.extend((match.start("v"), fact) for fact in _apply_rule(rule, body, match, flip))
    found.sort(key=lambda item: item[0])  # stable: same position keeps rule order
    return [fact for _, fact in found]


def _casual(sentence: str) -> str:
    """Chat register to plain English: slang words ("kiddos", "bf") and fillers ("lol", "tbh")
    rewritten; in an all-lowercase sentence, the word after a place/employer trigger is
    capitalised ("im at costa now" -> "im at Costa now") unless it is a common word."""
    sentence = _CASUAL_WORD.sub(lambda m: _CASUAL_WORDS[m.group(0).lower()], sentence)
    sentence = _FILLER.sub("", sentence).strip()
    if sentence and not _CAPITAL.search(sentence):
        sentence = _LOWER_NAME_AFTER.sub(
            lambda m: m.group(1) + (m.group(2) if m.group(2).lower() in _COMMON_AFTER_TRIGGER or m.group(2).endswith("ing")
                                    else m.group(2).capitalize()), sentence)
    return sentence


def _prepare_sentence(sentence: str) -> str:
    sentence = _casual(sentence)
    sentence = mk.rewrite_not_but(sentence)
    sentence = _NOT_UN.sub("", sentence)
    sentence = _NOUN_IS.sub(r"\1 is ", sentence)
    if _BEEN_OPENING.match(sentence):
        return "I've " + sentence
    if _ING_OPENING.match(sentence):
        return "I'm " + sentence
    return _ELIDED_OPENING.sub(lambda m: "I'm " if m.group(0) else "I ", sentence, count=1)


def _sentence_facts(sentence: str) -> list[ExtractedFact]:
    if '"' in sentence and _reported_by_other(sentence):
        return []  # quoted speech of someone else: '"I work at Google," she said.'
    facts = []
    for clause in mk.split_clauses(_prepare_sentence(sentence)):
        facts.extend(_clause_facts(clause))
    return facts


def _elided(sentence: str) -> Elided | None:
    """An elliptical correction sentence ("Sorry, 33.", "Wait, I meant Fort Collins, not Boulder",
    "Not Boston but Cambridge")."""
    prepared = _prepare_sentence(sentence).strip()
    said = _SAID_MEANT.match(prepared)
    if said:  # "I said Sony but I meant Samsung"
        return Elided(value=p.unescape(said.group("v").strip()), replaced=p.unescape(said.group("x").strip()),
                      span=p.unescape(sentence))
    if _NOT_OPENING.match(sentence.strip()) and prepared != sentence.strip():
        prepared = "actually, " + _TRAILING_MARKERS.sub("", prepared)
    if not _ELLIPSIS_MARKER.match(prepared):
        return None
    match = _ELLIPSIS.match(prepared)
    if not match:
        return None
    value = _ELIDED_ARTICLE.sub("", match.group("v").strip(" '\""))
    if not value or len(value.split()) > 4 or _VERBISH.search(value):
        return None
    return Elided(value=p.unescape(value), replaced=p.unescape((match.group("x") or "").strip()), span=p.unescape(sentence))


# ----------------------------------------------------------------------------------------------
# Statement-level clean-up
# ----------------------------------------------------------------------------------------------

def single_valued(slot: str, qualifier: str) -> bool:
    """True when (slot, qualifier) holds one current value; see :data:`SINGLE_VALUED_SLOTS`.
    Inside multi-valued slots, these qualifiers are single-valued: diet ``style``; health
    ``smoking`` / ``eyesight`` / ``blood pressure`` / ``cholesterol`` / ``blood sugar``; language ``native``; education ``field``,
    ``highest``, ``school *``, ``year *``; every ``other`` qualifier; every experience domain."""
    if slot == "spouse" and qualifier == "former":
        return False  # several ex-spouses are possible
    if slot in SINGLE_VALUED_SLOTS:
        return True
    if slot == "diet":
        return qualifier == "style"
    if slot == "health":
        return qualifier in {"smoking", "eyesight", "blood pressure", "cholesterol", "blood sugar"}
    if slot == "language":
        return qualifier == "native"
    if slot == "education":
        return qualifier in {"field", "highest"} or qualifier.startswith(("school", "year"))
    return slot in {"other", "experience"}


def _key(fact: ExtractedFact) -> tuple[str, str, str]:
    return fact.subject, fact.slot, fact.qualifier


def _supersede(facts: list[ExtractedFact]) -> list[ExtractedFact]:
    """Within one statement the last affirmed value of a single-valued key wins ("I'm 32.
    Sorry, 33." keeps 33); generic "exists" facts give way to named ones ("my wife Anna")."""
    last: dict[tuple, int] = {}
    for index, fact in enumerate(facts):
        if (not fact.negated and fact.modality == ASSERTED and single_valued(fact.slot, fact.qualifier)
                and fact.normalized not in {p.EXISTS, p.WILDCARD}):
            last[_key(fact)] = index
    named = {(f.subject, f.slot) for f in facts if f.normalized not in {p.EXISTS, p.WILDCARD} and not f.negated}
    denied_all = {(f.subject, f.slot) for f in facts if f.normalized == p.WILDCARD and f.negated}
    kept = []
    for index, fact in enumerate(facts):
        key = _key(fact)
        if (not fact.negated and fact.modality == ASSERTED and single_valued(fact.slot, fact.qualifier)
                and last.get(key, index) != index and facts[last[key]].normalized != fact.normalized):
            continue
        if fact.normalized == p.EXISTS and fact.slot in {"spouse", "vehicle"} and (
                (fact.subject, fact.slot) in named or (fact.subject, fact.slot) in denied_all):
            continue
        kept.append(fact)
    return kept


def _office(fact: ExtractedFact) -> ExtractedFact:
    """A home-location fact whose value names an office becomes an office fact."""
    if fact.slot == "location" and not fact.qualifier and pt.OFFICE_HINT.search(fact.value):
        value = _LEADING_THE.sub("", _OFFICE_TAIL.sub("", fact.value))
        return ExtractedFact(**{**fact.__dict__, "value": value, "qualifier": "office",
                                "normalized": _normalize_location(value)})
    return fact


def _dedupe(facts: list[ExtractedFact]) -> list[ExtractedFact]:
    seen, unique = set(), []
    for fact in facts:
        key = (fact.subject, fact.slot, fact.qualifier, fact.normalized, fact.negated, fact.modality)
        if key not in seen:
            seen.add(key)
            unique.append(fact)
    return unique


# ----------------------------------------------------------------------------------------------
# Elliptical corrections
# ----------------------------------------------------------------------------------------------

_NAME_SLOTS = ("name", "spouse")
_NUMERIC_SLOTS = ("age", "experience", "child_count")


def _accepts(fact: ExtractedFact, value: str) -> bool:
    """Can ``value`` (an elided correction) be a new value of ``fact``'s slot? Numbers go to
    numeric slots, capitalised words to places/organisations/names, lowercase words only to
    slots whose vocabulary recognises them (a job word, a language, a diet, a favourite)."""
    numeric = bool(numbers_in(value)) and not _CAPITAL.search(value)
    if fact.slot in _NUMERIC_SLOTS or (fact.slot == "other" and parse_number(fact.normalized.split("-")[0]) is not None):
        return numeric
    if numeric:
        return fact.slot == "education" and fact.qualifier.startswith("year")
    if fact.slot in {"location", "hometown", "employer", "vehicle"} or fact.slot in _NAME_SLOTS:
        return value[:1].isupper()
    if fact.slot == "job_title":
        return p.parse_job_lexicon(value) is not None
    if fact.slot == "language":
        return value.lower() in lx.LANGUAGES
    if fact.slot == "diet":
        return basic_normalize(value) in lx.DIET_FORMS
    if fact.slot == "pet":
        noun = p.parse_pet_noun(value)
        return noun is not None and noun.end == len(value.strip())
    if fact.slot == "education":
        return fact.qualifier.startswith("school") and value[:1].isupper() or fact.qualifier == "field"
    return fact.slot == "other" and fact.qualifier.startswith(("favorite", "teaches"))


def resolve_elided(elided: Elided, previous: tuple[ExtractedFact, ...]) -> list[ExtractedFact]:
    """Facts an elliptical correction states, resolved against ``previous`` facts (most recent
    last): the most recent user fact whose slot accepts the value (a number -> age /
    experience / counts; a capitalised word -> place, employer, name...), preferring the fact
    whose value is the replaced one ("not Boulder"). Returns [] when nothing fits."""
    candidates = [f for f in reversed(previous) if f.subject == USER and f.modality == ASSERTED and not f.negated]
    if elided.replaced:
        wanted = [f for f in candidates
                  if normalize_value(f.slot, elided.replaced, f.qualifier) == f.normalized]
        candidates = wanted + candidates
    for fact in candidates:
        if not _accepts(fact, elided.value):
            continue
        new = _make_fact(fact.slot, p.Value(elided.value, fact.qualifier), False, elided.span)
        if fact.slot in _NUMERIC_SLOTS or fact.slot == "other":
            number = numbers_in(elided.value)
            new = ExtractedFact(**{**new.__dict__, "normalized": f"{number[0]:g}" if number else new.normalized})
        facts = [ExtractedFact(**{**new.__dict__, "subject": fact.subject})]
        if elided.replaced:
            facts.append(ExtractedFact(**{**facts[0].__dict__, "value": elided.replaced, "negated": True,
                                          "normalized": normalize_value(fact.slot, elided.replaced, fact.qualifier)}))
        return facts
    return []


# ----------------------------------------------------------------------------------------------
# Entry points
# ----------------------------------------------------------------------------------------------

@lru_cache(maxsize=16384)
def analyze(text: str) -> Analysis:
    """Every fact of ``text`` (any subject and modality) plus unresolved elliptical corrections.

    Cached per text (``functools.lru_cache``, 16,384 texts), so re-analysing a thread's earlier
    statements on every detection costs a dictionary lookup. Never raises.
    """
    facts: list[ExtractedFact] = []
    elided: list[Elided] = []
    has_question = False
    for sentence in mk.raw_sentences(text or ""):
        if mk.is_question_sentence(sentence):
            has_question = True
            continue
        found = _sentence_facts(sentence)
        ellipsis = None if any(f.subject == USER for f in found) else _elided(sentence)
        if ellipsis is not None:
            resolved = resolve_elided(ellipsis, tuple(facts))
            found = resolved or found
            if not resolved:
                elided.append(ellipsis)
        facts.extend(found)
    facts.extend(_pronoun_preferences(text or "", facts))
    facts = _dedupe(_supersede([_office(f) for f in facts]))
    question = has_question and not any(f.subject == USER for f in facts) and not elided
    return Analysis(facts=tuple(facts), elided=tuple(elided), question=question, has_question_sentence=has_question)


# "I used to love running but now I hate it": a liking verb with "it"/"them" after an earlier
# liked/disliked object in the same text refers to that object.
_PRONOUN_LIKING = mk.rx(r"\bI(?:'ve|\s+have)?(?:\s+(?:now|really|just|actually|honestly|totally|kind\s+of|come\s+to|grown\s+to"
                        r"|started\s+to|learned\s+to))*\s+(?P<neg>don't\s+|do\s+not\s+|no\s+longer\s+)?"
                        r"(?P<verb>love|like|enjoy|adore|hate|dislike|detest|loathe|despise|can't\s+stand|cannot\s+stand)"
                        r"\s+(?:it|them)\b")
_LIKED_OBJECT = mk.rx(r"\b(?:love|loved|like|liked|enjoy|enjoyed|adore|adored|hate|hated|dislike|disliked|into|fan\s+of)"
                      r"\s+(?P<obj>(?!it\b|them\b)[a-z][\w -]{1,30}?)(?=\s*(?:,|;|\.|!|\bbut\b|\band\b|$))")


def _pronoun_preferences(text: str, facts: list[ExtractedFact]) -> list[ExtractedFact]:
    """Preference facts for "... I hate it" whose "it" is an object liked/disliked earlier in ``text``."""
    found = []
    for match in _PRONOUN_LIKING.finditer(text):
        earlier = list(_LIKED_OBJECT.finditer(text[:match.start()]))
        if not earlier or mk.THIRD_PARTY_SUBJECT.search(text[earlier[-1].start() - 20 if earlier[-1].start() > 20 else 0:
                                                             earlier[-1].start()]):
            continue
        value = p.parse_preference(earlier[-1].group("obj"))
        if value is None:
            continue
        disliked = bool(pt.DISLIKE_VERBS.match(match.group("verb")))
        negated = disliked != bool(match.group("neg"))
        found.append(_make_fact("preference", value.values[0], negated, match.group(0)))
    return found


def extract_facts(text: str) -> list[ExtractedFact]:
    """Extract the speaker's own current facts from ``text``, in text order, without duplicates.

    Input: any string (``""`` -> ``[]``). Output: a list of :class:`ExtractedFact` with
    ``subject == "user"`` and ``modality == "asserted"``; one sentence may give several facts
    ("I work at Google as a data scientist" -> employer and job_title). Question sentences,
    hypotheticals/plans ("I might move to Seattle"), statements about other people ("my boss
    lives in Austin") and others' reported speech give nothing here (see :func:`analyze` for
    those). Cached per text. Never raises.
    """
    return list(analyze(text).user_facts)


def is_question(text: str) -> bool:
    """True when ``text`` asks something rather than states something.

    A sentence is a question when it ends with "?" (tag questions such as ", right?" excepted)
    or opens like one ("what's my name", "do I have a dog"). The text is a question when it has
    at least one question sentence and none of its other sentences states a fact of the user
    (so "Hi! What's my name?" is a question, "I moved to Denver. Where do I live?" is not).
    Never raises.
    """
    return analyze(text).question


_QUESTION_SLOT_PATTERNS = {
    "name": re.compile(r"\b(?:what(?:'s|s|\s+is)\s+my\s+(?:full\s+|first\s+|real\s+|last\s+)?name|who\s+am\s+i\b"
                       r"|\bmy\s+(?:sur)?name\b)"),
    "age": re.compile(r"\b(?:how\s+old\s+am\s+i|my\s+age\b|what\s+age\s+am\s+i)"),
    "employer": re.compile(r"\b(?:where\s+do\s+i\s+(?:currently\s+|still\s+|now\s+)?(?:live\s+and\s+)?work"
                           r"|who\s+do\s+i\s+work\s+for|where\s+am\s+i\s+(?:employed|working)"
                           r"|my\s+(?:employer|company)\b|what\s+company\s+do\s+i|which\s+company\s+do\s+i)"),
    "job_title": re.compile(r"\b(?:what\s+do\s+i\s+do\s+for\s+(?:a\s+)?(?:living|work)"
                            r"|my\s+(?:job|role|occupation|profession|job\s+title|title|position)\b"
                            r"|what\s+(?:kind\s+of\s+)?(?:job|work)\s+do\s+i\b|what\s+do\s+i\s+work\s+as)"),
    "location": re.compile(r"\b(?:where\s+do\s+i\s+(?:currently\s+|still\s+|now\s+)?live"
                           r"|where\s+am\s+i\s+(?:based|living|located)|where(?:'s|\s+is)\s+(?:my\s+)?home"
                           r"|what\s+city\s+do\s+i|where\s+did\s+i\s+move|which\s+city)"),
    "hometown": re.compile(r"\b(?:where\s+am\s+i\s+from|where\s+did\s+i\s+grow\s+up|my\s+home\s*town)\b"),
    "spouse": re.compile(r"\b(?:my\s+(?:wife|husband|spouse|partner)\b|who\s+am\s+i\s+married\s+to"
                         r"|am\s+i\s+married)"),
    "child": re.compile(r"\b(?:my\s+(?:kids?|children|sons?|daughters?)\b|do\s+i\s+have\s+(?:any\s+)?(?:kids|children))"),
    "child_count": re.compile(r"\bhow\s+many\s+(?:kids|children|sons|daughters)\b"),
    "pet": re.compile(r"\b(?:pets?|animals?|do\s+i\s+(?:have|own)\s+(?:an?\s+|any\s+)?(?:"
                      + p.PET_ALTERNATION + r")|how\s+many\s+(?:" + p.PET_ALTERNATION + r")|my\s+(?:dog|cat)'s\s+name)\b"),
    "language": re.compile(r"\b(?:languages?|do\s+i\s+speak|what\s+do\s+i\s+speak|can\s+i\s+speak)\b"),
    "preference": re.compile(r"\b(?:what\s+do\s+i\s+(?:like|love|enjoy|hate|dislike)"
                             r"|do\s+i\s+(?:like|love|enjoy|hate|dislike)|my\s+favou?rite)\b"),
    "education": re.compile(r"\b(?:my\s+(?:degree|education|major)|what\s+did\s+i\s+study|where\s+did\s+i\s+(?:study|go\s+to"
                            r"\s+(?:school|college))|do\s+i\s+have\s+a\s+(?:degree|phd|master'?s))\b"),
    "diet": re.compile(r"\b(?:my\s+diet|what\s+do\s+i\s+(?:usually\s+)?eat|am\s+i\s+(?:vegan|vegetarian)|do\s+i\s+(?:eat|drink))\b"),
    "health": re.compile(r"\b(?:allergic|allerg(?:y|ies)|my\s+health|do\s+i\s+smoke|medications?)\b"),
    "experience": re.compile(r"\b(?:how\s+(?:many\s+years|long)\s+(?:of\s+experience|have\s+i\s+been)|my\s+experience)\b"),
    "vehicle": re.compile(r"\b(?:my\s+car|what\s+(?:car|do\s+i\s+drive)|do\s+i\s+(?:have|own)\s+a\s+car)\b"),
    "activity": re.compile(r"\b(?:what\s+do\s+i\s+play|my\s+hobbies|do\s+i\s+play)\b"),
    "other": re.compile(r"\b(?:how\s+much\s+do\s+i\s+(?:earn|make)|my\s+salary)\b"),
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
    asked = " ".join(s.lower() for s in mk.raw_sentences(text) if mk.is_question_sentence(s))
    return [slot for slot in SLOT_ORDER if _QUESTION_SLOT_PATTERNS[slot].search(asked)]


def _negation_parity(text: str) -> bool:
    cues = mk.NEGATION_CUE.findall(text.replace("n't", " n't"))
    return len(cues) % 2 == 1


@lru_cache(maxsize=16384)
def _flags(text: str) -> tuple[bool, bool, bool, bool, tuple[float, ...]]:
    analysis = analyze(text)
    statements = [s for s in mk.split_sentences(text) if not mk.is_question_sentence(s)]
    body = " ".join(statements)
    negated = any(f.negated for f in analysis.user_facts if f.slot != "preference") or _negation_parity(body)
    hypothetical = any(f.modality != ASSERTED for f in analysis.facts) or bool(
        mk.HYPOTHETICAL.search(body) or mk.MODAL.search(body))
    third_party = any(f.subject not in {USER} for f in analysis.facts) or bool(mk.THIRD_PARTY_SUBJECT.search(body))
    hedged = bool(mk.HEDGE.search(body))
    return negated, hypothetical, third_party, hedged, tuple(numbers_in(body))


def statement_flags(text: str) -> dict:
    """Per-statement flags for the pair classifier's features (issue 3: "modality and subject
    flags"). Keys: ``negated`` (bool: a user fact is denied, or the statement has an odd number
    of negation cues - so a double negative is not negated), ``hypothetical`` (bool: a plan,
    wish or conditional marker, or a hypothetical fact), ``third_party`` (bool: a clause is
    about somebody else), ``hedged`` (bool: "about", "around", "closer to"...), ``numbers``
    (list[float]: every number, digits or words, in order). Questions are ignored. Cached per
    text. Never raises."""
    negated, hypothetical, third_party, hedged, numbers = _flags(text or "")
    return {"negated": negated, "hypothetical": hypothetical, "third_party": third_party,
            "hedged": hedged, "numbers": list(numbers)}


__all__ = [
    "EXTRACTOR_VERSION", "SINGLE_VALUED_SLOTS", "MULTI_VALUED_SLOTS", "ALL_SLOTS", "SLOT_ORDER",
    "ExtractedFact", "Elided", "Analysis", "analyze", "extract_facts", "is_question", "question_slots",
    "statement_flags", "resolve_elided", "single_valued", "normalize_value", "parse_number",
    "basic_normalize",
]
# Re-exported for callers and tests that imported them from here in the baseline.
split_sentences = mk.split_sentences
is_question_sentence = mk.is_question_sentence
