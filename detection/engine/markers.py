"""Sentence and clause splitting, question detection, and the marker vocabularies of the engine.

Pure standard library. Markers are compiled regexes grouped by what they signal:

* modality - hypotheticals, plans, wishes (:data:`HYPOTHETICAL`, :data:`MODAL`, :data:`CONDITIONAL`);
* subject - somebody else's reported speech (:data:`REPORTING`) or a third-party subject
  (:data:`THIRD_PARTY_SUBJECT`);
* polarity - negation cues and the operators that invert a whole clause ("it's not that ...",
  "I never said ...": :data:`POLARITY_OPERATOR`);
* corrections (:data:`CORRECTION`), change over time (:data:`TEMPORAL`), hedges (:data:`HEDGE`).

Word lists are baseline choices, tuned on the development split of ``detection/eval/``.
"""

from __future__ import annotations

import re

from .normalization import TYPOGRAPHY


def rx(pattern: str) -> re.Pattern:
    """Compile ``pattern`` case-insensitively (every engine pattern is), except that ``[A-Z]``
    keeps meaning a capital letter (names and places are recognised by their capital)."""
    return re.compile(pattern.replace("[A-Z]", "(?-i:[A-Z])"), re.I)


# ----------------------------------------------------------------------------------------------
# Sentences and clauses
# ----------------------------------------------------------------------------------------------

# Abbreviations whose period must not end a sentence ("Dr. Smith", "St. Louis", "Ph.D.").
_ABBREVIATION = re.compile(r"\b(Mr|Mrs|Ms|Dr|Prof|St|Mt|Jr|Sr|vs|e\.g|i\.e|Ph\.D|Ph|B\.S|M\.S|B\.A|M\.A"
                           r"|U\.S|D\.C|L\.A|Inc|Corp|Co|Ltd|approx|ca|etc)\.", re.I)
PERIOD_PLACEHOLDER = "\x00"
# Sentence end: terminal punctuation followed by whitespace, or a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\s*\n+\s*")
# Clause boundaries: semicolons, contrast/cause conjunctions, and "and" starting a new subject.
_CLAUSE_SPLIT = rx(
    r"\s*;\s*"
    r"|,?\s+\b(?:but|however|whereas|although|though|because|yet|plus)\b\s*"
    r"|(?<!'ve)(?<!have),?\s+\bsince\b\s*"
    r"|,?\s+and\s+(?=(?:I|I'm|I've|I'd|I'll|my|we|we're|we've|now|then|also|currently|recently|these)\b)"
    r"|,\s+and\s+|,\s+so\s+"
)
# "... and joined Meta": a second verb of the same first-person subject starts a new clause,
# to which "I" is prepended ("I left Google and joined Meta").
_ELIDED_SUBJECT = rx(
    r"\s+and\s+(?=(?:then\s+|now\s+|recently\s+|just\s+|already\s+|also\s+|still\s+)?(?:joined|moved|started|switched|relocated|became"
    r"|take|took|eat|drink|drive|live|play|teach|run|smoke"
    r"|got\s+(?:a|hired|married|divorced|promoted)|took\s+a|work|live|am|now\s+work|now\s+live|turned"
    r"|speak|have|own|drive|adopted|bought|married)\b)"
)
# Tag questions that do not make a statement a question ("I work at Google, right?").
_TAG_QUESTION = rx(
    r",\s*(?:right|remember|ok|okay|you\s+know|correct|yeah|no|isn't\s+it|don't\s+i|didn't\s+i|aren't\s+i)"
    r"\s*\?+\s*$")
# Sentence openings that make a question even without "?": wh-word + auxiliary, or
# auxiliary + subject inversion ("do I", "is my"), or "tell me my ...".
_QUESTION_OPENING = rx(
    r"^(?:(?:who|what|where|which|whose|how)(?:'s|s)?\s+(?:is|are|was|were|do|does|did|am|can|"
    r"could|should|would|will|have|has|had|old|many|much|long|my|language|languages|pets?|"
    r"company|city|kind|type)\b"
    r"|(?:who|what|where|how|when|why)'s\b"
    r"|(?:do|does|did|am|is|are|was|were|can|could|will|would|should|have|has|had)\s+"
    r"(?:i|my|you|we|he|she|they|it|there)\b"
    r"|(?:tell|remind)\s+me\s+(?:of\s+)?(?:my|what|where|who|how)\b)"
)
# Polite requests phrased as questions are statements ("Can you remember that I work at X").
_REQUEST_OPENING = rx(r"^(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:remember|note|save|store|keep|record)\b")
# "not X but Y" -> "Y, not X" so that the value parser sees the affirmed value first.
_NOT_BUT = rx(r"\bnot\s+(?!that\b|only\b|just\b|because\b)(?P<x>[^,;.!?]{1,40}?),?\s+but\s+(?:rather\s+)?"
              r"(?!I\b|I'm\b|we\b|my\b|he\b|she\b|it\b|they\b|the\b|also\b|still\b|now\b)(?P<y>[^,;.!?]{1,40})")


# Emoji and pictographs carry no fact and break value boundaries ("just turned 23 \U0001f389").
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+")


def prepare(text: str) -> str:
    """ASCII quotes/dashes, emoji removed; abbreviation periods masked with :data:`PERIOD_PLACEHOLDER`."""
    text = _EMOJI.sub(" ", (text or "").translate(TYPOGRAPHY)).strip()
    return _ABBREVIATION.sub(lambda m: m.group(1).replace(".", PERIOD_PLACEHOLDER) + PERIOD_PLACEHOLDER, text)


def raw_sentences(text: str) -> list[str]:
    """Sentences with abbreviation periods still masked (so values are not cut at "St.")."""
    return [s.strip() for s in _SENTENCE_END.split(prepare(text)) if s and s.strip()]


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into stripped, non-empty sentences (terminal punctuation kept).

    Typographic apostrophes/quotes are normalised to ASCII. Periods of common abbreviations
    ("Dr.", "St.", "Ph.D.") do not end a sentence. Never raises; ``""`` gives ``[]``.
    """
    return [s.replace(PERIOD_PLACEHOLDER, ".") for s in raw_sentences(text)]


# "Not 34, 35." / "Not Denver - Boulder." at the start of a sentence.
_NOT_COMMA = rx(r"^not\s+(?P<x>[^,;.!?-]{1,30}?)\s*(?:,|-|--)\s*(?:it'?s\s+|rather\s+)?(?P<y>[^,;.!?]{1,30}?)\s*[.!]?$")


def rewrite_not_but(sentence: str) -> str:
    """``"I live not in Seattle but in Portland"`` -> ``"I live in Portland, not in Seattle"``;
    ``"Not 34, 35."`` -> ``"35, not 34"``."""
    sentence = _NOT_COMMA.sub(lambda m: f"{m.group('y').strip()}, not {m.group('x').strip()}", sentence.strip())
    return _NOT_BUT.sub(lambda m: f"{m.group('y').strip()}, not {m.group('x').strip()}", sentence)


# A clause that is only a person's name: "Jesse" of "Jesse and I broke up" (re-joined).
_STARTS_WITH_I = re.compile(r"I\b")
_HAVE_OPENING = rx(r"^(?:I|we)\s*(?:'ve\s+got|have|'ve|own)")       # subject + verb a bare "no X" continues
_NO_OPENING = rx(r"^(?:no|an?|one|two|three|four|five|\d+)\s+\w")   # "I have a son, and a daughter"
_LONE_NAME = re.compile(r"^(?:[A-Z][^\W\d_][\w'-]*|my\s+(?:wife|husband|partner|spouse))$")


def split_clauses(sentence: str) -> list[str]:
    """Clauses of one sentence; an elided first-person subject is restored ("I left Google
    and joined Meta" -> ["I left Google", "I joined Meta"]); "Jesse and I ..." stays whole."""
    pieces = [c.strip() for c in _CLAUSE_SPLIT.split(sentence) if c and c.strip()]
    merged: list[str] = []
    for piece in pieces:
        if merged and _LONE_NAME.match(merged[-1]) and _STARTS_WITH_I.match(piece):
            merged[-1] = f"{merged[-1]} and {piece}"
        else:
            merged.append(piece)
    clauses = []
    for index, clause in enumerate(merged):
        subject = _HAVE_OPENING.match(merged[index - 1]) if index else None
        if subject and _NO_OPENING.match(clause):  # "I have a PhD but no MBA", "..., and a daughter"
            clause = subject.group(0) + " " + clause
        parts = _ELIDED_SUBJECT.split(clause)
        clauses.append(parts[0])
        clauses.extend("I " + part.strip() for part in parts[1:] if part.strip())
    return clauses


def is_question_sentence(sentence: str) -> bool:
    """True if one sentence (from :func:`split_sentences`) is a question: it ends with "?"
    (tag questions such as ", right?" excepted) or opens like one ("what's my name", "do I ...").
    Polite requests ("Can you remember that ...") are not questions. Never raises."""
    s = _TAG_QUESTION.sub(".", sentence.strip())
    if _REQUEST_OPENING.match(s):
        return False
    return s.endswith("?") or bool(_QUESTION_OPENING.match(s))


# ----------------------------------------------------------------------------------------------
# Modality: hypotheticals, plans and wishes are not current facts
# ----------------------------------------------------------------------------------------------

# Hypothetical / plan / wish markers; a match with one of these earlier in its comma-segment is
# not a fact ("I might move to Seattle", "I want to live in Paris", "I'd love to work at X").
HYPOTHETICAL = rx(
    r"\b(?:might|would|could|should|maybe|perhaps|possibly|probably|someday|hopefully|wanna|gonna"
    r"|considering|consider|thinking\s+(?:about|of)|think\s+about|plan(?:s|ning|ned)?\s+(?:to|on)"
    r"|want(?:s|ed)?\s+to|hope\s+to|hoping\s+to|wish|dream(?:s|ing|ed)?\s+(?:of|about)|going\s+to"
    r"|about\s+to|tomorrow|soon|next\s+(?:week|month|year|spring|summer|fall|winter)|in\s+the\s+future"
    r"|if|unless|suppose|supposing|imagine|pretend|whether|interview(?:ing|ed)?\s+(?:at|with|for)"
    r"|appl(?:y|ying|ied)\s+(?:to|for|at)|daydream(?:ing)?|fantasi[sz]e|tempted"
    r"|one\s+day|eventually|in\s+a\s+few\s+years|at\s+some\s+point|may\s+be|looking\s+(?:at|into)"
    r"|would\s+love|would\s+like|'d\s+(?:love|like|rather|prefer)|ideally|hypothetically)\b|'d\b|'ll\b")
# Future/possibility modals, case-sensitive so that "May" (month) and "Will" (name) pass.
MODAL = re.compile(r"\b(?:may|will|shall|won't)\b")
# Conditionals anywhere earlier in the clause ("If I lived in Paris, I ...").
CONDITIONAL = rx(r"\b(?:if|unless|suppose|supposing|imagine|wish|whether|hypothetically|pretend)\b")
# Progressive future: "I'm moving to Denver (next month)" is a plan, "I just moved" a fact.
PROGRESSIVE_PLAN = rx(r"\b(?:I'm|I\s+am|we're|we\s+are)\s+(?:\w+\s+)?(?:moving|relocating|switching|starting"
                      r"|joining|leaving|quitting)\b")

# ----------------------------------------------------------------------------------------------
# Subject: reported speech and third parties
# ----------------------------------------------------------------------------------------------

# Reporting verbs; the report is someone else's unless "I"/"we" is among the two words before.
REPORTING = rx(
    r"\b(?:said|says|told|tells|thinks|thought|claims|claimed|mentioned|mentions|believes|believed"
    r"|insists|insisted|heard|wrote|writes|texted|assumes|assumed|according\s+to|guessed|guesses)\b")
FIRST_PERSON = frozenset({"i", "i've", "i'd", "we", "we've", "i'm"})
# People other than the speaker.
_RELATIONS = (
    r"(?:friend|best\s+friend|boss|manager|coworker|co-worker|colleague|roommate|flatmate|neighbou?r"
    r"|brother|sister|sibling|mom|mother|mum|dad|father|parents?|son|daughter|kids?|children|child"
    r"|wife|husband|spouse|partner|girlfriend|boyfriend|fianc[eé]e?|cousin|aunt|uncle|nephew|niece"
    r"|grand(?:ma|pa|mother|father|son|daughter)|in-laws?|mother-in-law|father-in-law|teammate"
    r"|classmate|team|client|landlord|doctor|therapist|ex|buddy|mentor|teacher|student|employee"
    r"|cat|dog|family)")
# A third-party subject: "my friend (Sarah)", "our neighbour", "he/she/they", "Sarah" + verb.
THIRD_PARTY_SUBJECT = re.compile(
    r"(?:^|[,;]\s*|\band\s+|\bbut\s+)(?:(?i:my|our|his|her|their)\s+(?i:" + _RELATIONS[3:-1] + r")(?:'s)?"
    r"(?:\s+[A-Z][a-z]+)?\s+(?i:is|was|works?|lives?|has|had|speaks?|just|recently|moved|got|drives?"
    r"|loves?|hates?|likes?|owns?|turned|studied|went|started|joined|became|never|doesn't|does|isn't"
    r"|thinks|said|told|always|also|still|now|'s)"
    r"|(?i:he|she|they|he's|she's|they're)\s+(?i:is|was|are|works?|lives?|has|have|had|speaks?|moved|got"
    r"|just|recently|loves?|hates?|likes?|owns?|drives?|turned)"
    r"|[A-Z][a-z]+\s+(?:is|was|works|lives|has|speaks|moved|got|just|recently|loves|hates|likes|owns"
    r"|drives|turned|studied|started|joined|became))\b")

# ----------------------------------------------------------------------------------------------
# Polarity
# ----------------------------------------------------------------------------------------------

# Negation cues (after "n't" is split off): their parity gives the statement's polarity.
NEGATION_CUE = rx(r"\b(?:not|never|no|none|nobody|nothing|neither|nor|no\s+longer|without)\b|n't\b")
# Operators that invert the polarity of the clause that follows them:
# "it's not that I don't work at Google" (= I work at Google), "I never said I had a PhD".
POLARITY_OPERATOR = rx(
    r"^(?:(?:no|oh|well|look|listen|wait|um|uh|okay|ok|honestly|just\s+to\s+be\s+clear)[,.]?\s+)*"
    r"(?:it'?s\s+not\s+(?:that|like|true\s+that|the\s+case\s+that)|it\s+is\s+not\s+(?:that|true\s+that|the\s+case\s+that)"
    r"|it\s+isn't\s+(?:that|true\s+that|the\s+case\s+that)|that's\s+not\s+true\s*[,:-]?\s*(?=I\b)"
    r"|not\s+that|i'm\s+not\s+saying|i\s+am\s+not\s+saying|i\s+wouldn't\s+say|i\s+can't\s+say"
    r"|i\s+(?:never|didn't|did\s+not|don't\s+think\s+i\s+ever|have\s+never|'ve\s+never)\s+"
    r"(?:said|say|told\s+you|claimed|claim|mentioned|meant\s+to\s+say|stated)"
    r"|who\s+said|where\s+did\s+you\s+get\s+(?:the\s+idea\s+)?that"
    r"|there(?:'s|\s+is|\s+has\s+never\s+been)\s+(?:never\s+|not\s+|no\s+)?(?:a|one)\s+(?:single\s+)?(?:day|morning|night|week"
    r"|time|moment|meal|weekend)\s+(?:that\s+|when\s+)?)\s*(?:that\s+)?,?\s*", )
# Backshift of an embedded reported clause ("I never said I had a PhD" -> "I have a PhD").
BACKSHIFT = (
    (rx(r"\bI\s+had\b"), "I have"), (rx(r"\bI\s+was\b"), "I am"), (rx(r"\bI\s+worked\b"), "I work"),
    (rx(r"\bI\s+lived\b"), "I live"), (rx(r"\bI\s+spoke\b"), "I speak"), (rx(r"\bI\s+owned\b"), "I own"),
    (rx(r"\bI\s+drove\b"), "I drive"), (rx(r"\bI\s+didn't\b"), "I don't"), (rx(r"\bI\s+did\s+not\b"), "I do not"),
    (rx(r"\bI\s+wasn't\b"), "I'm not"), (rx(r"\bI\s+liked\b"), "I like"), (rx(r"\bI\s+loved\b"), "I love"),
    (rx(r"\bI\s+hated\b"), "I hate"), (rx(r"\bI\s+studied\b"), "I studied"), (rx(r"\bI\s+were\b"), "I am"),
    (rx(r"\bI'd\s+(?=been|had|lived|worked)"), "I've "),
)

# ----------------------------------------------------------------------------------------------
# Corrections, change over time, hedges
# ----------------------------------------------------------------------------------------------

# Self-correction markers -> REVISION.
CORRECTION = rx(
    r"\b(?:actually|i\s+meant|i\s+mean|correction|i\s+misspoke|my\s+mistake|my\s+bad|oops|whoops"
    r"|i\s+was\s+wrong|scratch\s+that|typo|let\s+me\s+correct|to\s+correct\s+myself|make\s+that|rather"
    r"|i\s+misremembered|i\s+got\s+that\s+wrong|i\s+said\s+that\s+wrong|to\s+be\s+precise|sorry|wait"
    r"|strike\s+that|i\s+should\s+have\s+said|let\s+me\s+rephrase|err?|um|no\s+no|not\s+\w+(?:\s+\w+)?,?\s+but)\b"
    r"|^\s*no\s*[,.!]|,\s*not\s+\w+")
# Change-over-time markers -> TEMPORAL.
TEMPORAL = rx(
    r"\b(?:now|anymore|any\s+more|moved|new\s+job|just\s+started|started|recently|since|promoted|demoted"
    r"|switched|joined|these\s+days|used\s+to|no\s+longer|relocated|nowadays|turned|changed|got\s+married"
    r"|divorced|remarried|as\s+of|ago|left|quit|became|become|transferred|graduated|retired|lately|currently"
    r"|at\s+this\s+point|this\s+(?:year|month|week)|last\s+(?:year|month|week|spring|summer|fall|winter)"
    r"|sold|adopted|bought|got\s+rid\s+of|passed\s+away|went\s+(?:vegan|vegetarian)|gave\s+up|took\s+up"
    r"|picked\s+up|learned|stopped|no\s+more|then|new|again|finally|moving\s+on|after)\b")
# Hedges: a hedged number tolerates a small difference ("about 10 years" vs "11 years").
HEDGE = rx(
    r"\b(?:about|around|roughly|approximately|approx|nearly|almost|close\s+to|closer\s+to|just\s+under"
    r"|just\s+over|over|under|more\s+or\s+less|give\s+or\s+take|or\s+so|circa|something\s+like"
    r"|somewhere\s+(?:around|near)|in\s+the\s+ballpark\s+of|at\s+least|at\s+most|upwards\s+of"
    r"|(?:like|some|maybe|probably|perhaps)(?=\s+(?:\d|a\s+dozen|a\s+decade|twenty|thirty|forty|fifty|sixty"
    r"|seventy|eighty|ninety|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen"
    r"|nineteen|two|three|four|five|six|seven|eight|nine)))\b|-?ish\b|\d\+")
# Exclusive markers on multi-valued slots ("I only speak English" contradicts "I speak French").
EXCLUSIVE = rx(r"\b(?:only|just|exclusively|solely)\b")
