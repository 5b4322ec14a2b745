"""Our own generator of labeled synthetic interactions (cold start, issue 7).

On a fresh install there is no feedback, so ``manage.py bootstrap_learning_data`` stores what
this module generates and every model can train; real feedback outweighs it as it accumulates
(:mod:`learning.datasets`). Deterministic: the same ``seed`` gives the same examples.

What each generator simulates (the *true* processes, which the baselines only approximate —
that is what the learned models can pick up; docs/LEARNING.md discusses the limits):

* **slot_classifier** — questions about the user's facts in many phrasings (the phrasings the
  rules know and paraphrases they do not), two-slot questions, off-topic questions, and trap
  questions that mention a slot word without asking about the user ("which languages are spoken
  in Switzerland?"). Label: the slots the question needs.
* **extraction_confidence** — first-person statements, sincere and otherwise (hedges, jokes,
  fiction, self-corrections, idioms such as "I live in denial", values with trailing words). The
  real rule-based extractor (``detection.engine.extract_facts``) runs on each; a candidate is
  correct when it matches the fact the template meant. So the labels follow the current extractor.
* **resolution_policy** — users with a resolution style (updaters, cautious users, keepers of
  both), each resolving a sequence of contradictions; the probability of each resolution depends
  on the style, the contradiction type, the slot and the time since the old statement. History
  features are the user's earlier resolutions in the sequence.
* **cross_thread_relevance** — threads on twelve topics with topic vocabulary, and facts of
  each slot; a fact is relevant to a topic with a topic×slot probability (:data:`RELEVANCE`).
* **staleness** — facts whose true lifetime is Weibull per slot (:data:`LIFETIME_SHAPES`: jobs
  rarely change in the first months and often after a few years), scaled by a per-user volatility
  that the user's observed update frequency reveals; ages expire at the next birthday.
"""

from __future__ import annotations

import math
import random
from typing import Callable

from detection.engine import extract_facts
from learning.ml.common import Example
from learning.ml.rules import (
    ACTION_TO_RESOLUTION,
    AUTO_UPDATE_THRESHOLD,
    action_for_resolution,
    decide,
    history_features,
)

GENERATOR_VERSION = "synthetic-1"

# --------------------------------------------------------------------------- vocabularies
COMPANIES = ["Microsoft", "Google", "Amazon", "Apple", "IBM", "Netflix", "Spotify", "Stripe", "Shopify", "Airbnb",
             "Siemens", "Deloitte", "Accenture", "Oracle", "Intel", "Adobe", "Salesforce", "Uber", "Boeing", "Pfizer",
             "Nike", "Tesla", "Samsung", "Sony", "Unilever", "Nestle", "Philips", "Bosch", "Atlassian", "Zalando"]
CITIES = ["Seattle", "Denver", "Boston", "Austin", "Chicago", "Portland", "Berlin", "Paris", "London", "Madrid",
          "Lisbon", "Toronto", "Vancouver", "Sydney", "Dublin", "Oslo", "Munich", "Tokyo", "Seoul", "Amsterdam",
          "Vienna", "Prague", "Zurich", "Montreal", "Atlanta", "Miami", "Phoenix", "Houston"]
FIRST_NAMES = ["Jordan", "Priya", "Alex", "Sam", "Maria", "Chen", "Fatima", "Lukas", "Emma", "Noah", "Olivia",
               "Liam", "Aisha", "Mateo", "Sofia", "Ethan", "Mia", "Omar", "Hannah", "Ravi", "Elena", "Tom", "Nina",
               "Jonas", "Grace", "Leo", "Zara", "Ivan", "Lucy", "Kenji"]
LAST_NAMES = ["Lee", "Smith", "Garcia", "Müller", "Patel", "Kim", "Nguyen", "Rossi", "Silva", "Kowalski", "Brown"]
JOBS = ["software engineer", "teacher", "nurse", "data scientist", "product manager", "designer", "accountant",
        "lawyer", "doctor", "chef", "architect", "electrician", "pharmacist", "journalist", "photographer",
        "consultant", "mechanic", "researcher", "dentist", "pilot"]
PETS = ["dog", "cat", "parrot", "hamster", "rabbit", "goldfish", "turtle", "guinea pig"]
LANGUAGES = ["French", "Spanish", "German", "Italian", "Portuguese", "Japanese", "Mandarin", "Hindi", "Arabic",
             "Russian", "Korean", "Dutch", "Polish", "Swedish", "Turkish"]
LIKES = ["sushi", "jazz", "hiking", "pizza", "chess", "coffee", "running", "tennis", "painting", "yoga", "cycling",
         "photography", "gardening", "baking", "poetry", "salsa", "reggae", "camping", "skiing", "tea"]
FICTIONAL_PLACES = ["Narnia", "Hogwarts", "Mordor", "Gotham", "Atlantis", "Wakanda", "Mars", "the Shire", "Westeros"]
CHARACTERS = ["Batman", "Darth Vader", "Gandalf", "Sherlock", "Spiderman", "Harry Potter", "Wonder Woman", "Yoda"]
IDIOM_PLACES = ["denial", "fear", "hope", "the past", "a bubble", "my head", "the clouds", "chaos"]
CHORES = ["Mondays", "traffic", "taxes", "paperwork", "meetings", "dentists"]
JUNK_SUFFIXES = ["part time", "on weekends", "for now I guess", "kind of", "sort of"]


def _pick(rng: random.Random, items):
    return items[rng.randrange(len(items))]


# --------------------------------------------------------------------------- slot classifier
SLOT_QUESTIONS = {
    "name": ["What's my name?", "What is my name?", "Who am I?", "Do you remember my name?",
             "What do people call me?", "What should you call me?", "Tell me my name.", "What name did I give you?",
             "Remind me what I'm called.", "What am I called?", "What's my first name?", "Can you recall my name?",
             "How do I introduce myself?", "Do you know who I am?"],
    "age": ["How old am I?", "What's my age?", "What age am I?", "How many years old am I?", "Remind me of my age.",
            "Do you know how old I am?", "What did I say my age was?", "Am I over thirty?",
            "How old did I tell you I was?", "What year of life am I in?", "Am I still in my twenties?"],
    "employer": ["Where do I work?", "Who do I work for?", "What company do I work at?", "Which firm employs me?",
                 "Who's my employer?", "Where am I employed?", "What's the name of my company?",
                 "Remind me where I work.", "Which organization am I with?", "Who pays my salary?",
                 "Where's my office?", "What company am I at these days?", "Who signs my paychecks?"],
    "job_title": ["What do I do for a living?", "What's my job?", "What is my role?", "What's my job title?",
                  "What's my profession?", "What kind of work do I do?", "What's my occupation?",
                  "What position do I hold?", "What am I by trade?", "Remind me what my job is.",
                  "What line of work am I in?", "What did I train as?"],
    "location": ["Where do I live?", "Where am I based?", "What city do I live in?", "Where's home for me?",
                 "Which city am I in?", "Remind me where I live.", "Where did I move to?",
                 "What town do I call home?", "Where am I living these days?", "Which country do I live in?",
                 "Where is my place?", "Where do I reside?", "What's my current address city?"],
    "spouse": ["Who is my wife?", "Who's my husband?", "Who am I married to?", "What's my partner's name?",
               "Am I married?", "Who's my spouse?", "What is my partner called?", "Remind me of my wife's name.",
               "Who is my significant other?", "What's my husband's name again?", "Who did I marry?"],
    "pet": ["What pets do I have?", "Do I have a dog?", "Do I own a cat?", "What animals do I have?",
            "What's my pet?", "Remind me about my pets.", "Do I have any pets?",
            "What kind of animal do I keep at home?", "Which furry friends live with me?",
            "What's my dog's breed?", "Do I have a fur baby?"],
    "language": ["What languages do I speak?", "Do I speak French?", "Which languages do I know?",
                 "Can I speak Spanish?", "What's my native language?", "How many languages do I speak?",
                 "Remind me which languages I know.", "Am I bilingual?", "What do I speak at home?",
                 "Which tongues am I fluent in?", "Am I fluent in German?"],
    "preference": ["What do I like?", "What's my favorite food?", "Do I like sushi?", "What music do I enjoy?",
                   "What are my hobbies?", "What do I love?", "What foods do I hate?", "Remind me what I enjoy.",
                   "What's my favourite band?", "What am I into?", "Do I enjoy hiking?",
                   "What do I do for fun?", "What's my go-to snack?"],
}
COMBO_QUESTIONS = [
    ("Where do I live and work?", ["employer", "location"]),
    ("What's my name and how old am I?", ["name", "age"]),
    ("Where do I work and what's my role there?", ["employer", "job_title"]),
    ("Who's my wife and where do we live?", ["spouse", "location"]),
    ("What languages do I speak and where do I live?", ["language", "location"]),
    ("Tell me my name and my job.", ["name", "job_title"]),
]
OFF_TOPIC_QUESTIONS = [
    "What's the weather like today?", "Can you help me write an email?", "What time is it in Tokyo?",
    "How do I cook rice?", "What is the capital of France?", "Who won the world cup in 2018?",
    "How do I reverse a list in Python?", "What's 17 times 23?", "Can you recommend a good book?",
    "Why is the sky blue?", "How far away is the moon?", "What should I make for dinner tonight?",
    "How do vaccines work?", "Can you summarize this article?", "What's a good stretching routine?",
    "How do I fix a flat tire?", "Explain quantum computing simply.", "What movies are out this week?",
]
TRAP_QUESTIONS = [
    "What's a good name for a dog?", "How old is the universe?", "Where does the president live?",
    "What company makes the iPhone?", "Which languages are spoken in Switzerland?", "What do cats like to eat?",
    "What pets are good for kids?", "How old do you have to be to vote?", "Where do penguins live?",
    "What job pays the most?", "Who is the wife of the king?", "What languages does Google Translate support?",
    "What's the best company to work for?", "Which city has the best pizza?", "What is your name?",
    "How old are you?", "Where do you live?", "What's my horoscope today?",
]
QUESTION_PREFIXES = ["", "", "", "Hey, ", "Quick question: ", "Ok so ", "Sorry, ", "Um, ", "Btw, ",
                     "Can you remind me, ", "Hi! ", "One more thing: "]
QUESTION_SUFFIXES = ["", "", "", " again", " please", " lol", " by the way", " if you remember"]


def _vary_question(rng: random.Random, question: str) -> str:
    prefix, suffix = _pick(rng, QUESTION_PREFIXES), _pick(rng, QUESTION_SUFFIXES)
    ending = question[-1] if question[-1] in "?." else ""
    core = question[:-1] if ending else question
    if prefix and prefix[-2:] in (": ", ", ") or prefix.endswith("so "):
        core = core[0].lower() + core[1:]
    text = f"{prefix}{core}{suffix}{ending}"
    roll = rng.random()
    if roll < 0.25:
        text = text.lower()
    elif roll < 0.35:
        text = text.rstrip("?.")
    return text


def generate_slot_questions(n: int, *, seed: int = 0) -> list[Example]:
    """``n`` labeled questions for the slot classifier (see the module docstring)."""
    rng = random.Random(f"slots:{seed}")
    slots = list(SLOT_QUESTIONS)
    examples = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.10:
            question, label = _pick(rng, OFF_TOPIC_QUESTIONS), []
        elif roll < 0.20:
            question, label = _pick(rng, TRAP_QUESTIONS), []
        elif roll < 0.27:
            question, label = _pick(rng, COMBO_QUESTIONS)
        elif roll < 0.33:
            first, second = rng.sample(slots, 2)
            q1, q2 = _pick(rng, SLOT_QUESTIONS[first]), _pick(rng, SLOT_QUESTIONS[second])
            question = f"{q1.rstrip('?.')} and {q2[0].lower()}{q2[1:]}"
            label = [first, second]
        else:
            slot = _pick(rng, slots)
            question, label = _pick(rng, SLOT_QUESTIONS[slot]), [slot]
        text = _vary_question(rng, question)
        examples.append(Example(inputs={"query": text}, label={"slots": sorted(label)}, group=text.lower()))
    return examples


# --------------------------------------------------------------------------- extraction confidence
# (template, slot, value kind, negated, sincere): sincere=False means any extracted fact is wrong.
_SINCERE = [
    ("I work at {company}.", "employer", "company", False), ("I'm employed by {company}.", "employer", "company", False),
    ("I work for {company}.", "employer", "company", False), ("These days I work at {company}.", "employer", "company", False),
    ("My employer is {company}.", "employer", "company", False),
    ("I don't work at {company} anymore.", "employer", "company", True),
    ("My name is {first}.", "name", "first", False), ("Call me {first}.", "name", "first", False),
    ("My name's {first}.", "name", "first", False), ("Hi, I'm {first}.", "name", "first", False),
    ("I am {age} years old.", "age", "age", False), ("I'm {age}.", "age", "age", False),
    ("I just turned {age}.", "age", "age", False),
    ("I work as a {job}.", "job_title", "job", False), ("I'm a {job}.", "job_title", "job", False),
    ("My job is {job}.", "job_title", "job", False),
    ("I live in {city}.", "location", "city", False), ("I moved to {city}.", "location", "city", False),
    ("I'm based in {city}.", "location", "city", False), ("I don't live in {city} anymore.", "location", "city", True),
    ("My wife is {first}.", "spouse", "first", False), ("My husband is {first}.", "spouse", "first", False),
    ("My partner is {first}.", "spouse", "first", False),
    ("I have a {pet}.", "pet", "pet", False), ("I have a {pet} named {first2}.", "pet", "pet", False),
    ("I speak {language}.", "language", "language", False), ("I'm fluent in {language}.", "language", "language", False),
    ("I love {like}.", "preference", "like", False), ("I like {like}.", "preference", "like", False),
    ("I hate {like}.", "preference", "like", True), ("I really enjoy {like}.", "preference", "like", False),
]
_INSINCERE = [
    "I think I work at {company}, not sure.", "I guess I live in {city}, not sure anymore.",
    "Haha my name is {character}.", "lol I live in {fictional}.", "Just kidding, I live in {fictional}.",
    "Jk my name is {character}.", "In the story, I live in {fictional}.", "I dreamed that I live in {city}.",
    "In my novel, I work at {company}.", "In the game I'm a {job}.", "I live in {idiom}.",
    "I'm {character}.", "I am {age} years old in dog years.", "Oh sure, I just love {chore}.",
    "Sarcastically: I love {chore}.", "Maybe I'm a {job}, who knows.", "I work at {company}, kind of.",
    "I probably live in {city}, I think.", "My name is {first}, no wait, {first2}.",
    "I work at {company} {junk}.", "Yeah right, I work at {company}.", "I live in {city} haha jk.",
]


def _fill(rng: random.Random, template: str) -> tuple[str, dict]:
    values = {"company": _pick(rng, COMPANIES), "city": _pick(rng, CITIES), "first": _pick(rng, FIRST_NAMES),
              "first2": _pick(rng, FIRST_NAMES), "age": str(rng.randint(18, 85)), "job": _pick(rng, JOBS),
              "pet": _pick(rng, PETS), "language": _pick(rng, LANGUAGES), "like": _pick(rng, LIKES),
              "character": _pick(rng, CHARACTERS), "fictional": _pick(rng, FICTIONAL_PLACES),
              "idiom": _pick(rng, IDIOM_PLACES), "chore": _pick(rng, CHORES), "junk": _pick(rng, JUNK_SUFFIXES)}
    return template.format(**values), values


def _same_value(extracted: str, normalized: str, intended: str) -> bool:
    intended = intended.lower().strip()
    return extracted.lower().strip() == intended or normalized.lower().strip() == intended


#: Share of extraction labels flipped at random: users type and joke inconsistently (baseline choice).
EXTRACTION_LABEL_NOISE = 0.04


def generate_extractions(n: int, *, seed: int = 0, insincere_share: float = 0.3) -> list[Example]:
    """``n`` labeled (statement, extracted fact) pairs; see the module docstring.

    :data:`EXTRACTION_LABEL_NOISE` of the labels are flipped.
    """
    rng = random.Random(f"extraction:{seed}")
    examples: list[Example] = []
    attempts = 0
    while len(examples) < n and attempts < n * 20:
        attempts += 1
        if rng.random() < insincere_share:
            text, _ = _fill(rng, _pick(rng, _INSINCERE))
            intended = None
        else:
            template, slot, kind, negated = _pick(rng, _SINCERE)
            text, values = _fill(rng, template)
            intended = (slot, values[kind], negated)
        for fact in extract_facts(text):
            correct = intended is not None and fact.slot == intended[0] and fact.negated == intended[2] \
                and _same_value(fact.value, fact.normalized, intended[1])
            if rng.random() < EXTRACTION_LABEL_NOISE:
                correct = not correct
            examples.append(Example(inputs={"text": text, "slot": fact.slot, "value": fact.value,
                                            "negated": fact.negated},
                                    label={"correct": bool(correct)}, group=text.lower()))
            if len(examples) >= n:
                break
    return examples


# --------------------------------------------------------------------------- resolution policy
#: P(keep_new, keep_old, keep_both) by contradiction type (before style and slot adjustments).
_TYPE_RESOLUTION = {"TEMPORAL": (0.85, 0.05, 0.10), "REVISION": (0.85, 0.10, 0.05),
                    "CONFLICT": (0.50, 0.35, 0.15), "DENIAL": (0.70, 0.20, 0.10)}
#: Multipliers of (keep_new, keep_old, keep_both) per user style, and the styles' shares.
_STYLES = {"updater": ((4.0, 0.2, 0.3), 0.45), "cautious": ((0.15, 6.0, 0.5), 0.30), "keeper": ((0.2, 0.4, 8.0), 0.25)}
_POLICY_SLOTS = {"location": 0.2, "employer": 0.2, "job_title": 0.15, "age": 0.1, "name": 0.05, "spouse": 0.05,
                 "pet": 0.1, "language": 0.05, "preference": 0.1}
_SLOT_VALUES: dict[str, Callable[[random.Random], str]] = {
    "location": lambda r: _pick(r, CITIES), "employer": lambda r: _pick(r, COMPANIES),
    "job_title": lambda r: _pick(r, JOBS), "age": lambda r: str(r.randint(18, 85)),
    "name": lambda r: _pick(r, FIRST_NAMES), "spouse": lambda r: _pick(r, FIRST_NAMES),
    "pet": lambda r: _pick(r, PETS), "language": lambda r: _pick(r, LANGUAGES), "preference": lambda r: _pick(r, LIKES),
}
_MULTI = {"pet", "language", "preference"}


def _resolution_probabilities(style: str, kind: str, slot: str, delta_days: float) -> list[float]:
    base = list(_TYPE_RESOLUTION[kind])
    multipliers = _STYLES[style][0]
    probs = [b * m for b, m in zip(base, multipliers)]
    if slot in _MULTI:
        probs[2] *= 4.0
    if slot == "name":
        probs[1] *= 3.0
    if slot == "age" and delta_days > 300:
        probs[0] *= 4.0
    if delta_days < 1 and kind == "CONFLICT":
        probs[1] *= 2.0
    if delta_days > 180:
        probs[0] *= 1.5
    total = sum(probs)
    return [p / total for p in probs]


_RESOLUTIONS = ("keep_new", "keep_old", "keep_both")


def _simulate_resolutions(n: int, seed: int):
    """The resolution generator's draws: yields ``(example, style, probabilities by style)`` for
    ``n`` contradictions, where ``probabilities[style]`` are P(keep_new, keep_old, keep_both) under
    each style — the hidden truth :func:`resolution_agreement_ceiling` needs."""
    rng = random.Random(f"policy:{seed}")
    styles = list(_STYLES)
    style_weights = [_STYLES[s][1] for s in styles]
    slots, slot_weights = list(_POLICY_SLOTS), list(_POLICY_SLOTS.values())
    produced = 0
    user = 0
    while produced < n:
        user += 1
        style = rng.choices(styles, style_weights)[0]
        past: list[tuple[str, str]] = []
        for _ in range(rng.randint(1, 25)):
            slot = rng.choices(slots, slot_weights)[0]
            kind = rng.choice(["DENIAL", "CONFLICT"]) if slot in _MULTI else \
                rng.choices(["TEMPORAL", "REVISION", "CONFLICT"], [0.4, 0.25, 0.35])[0]
            delta = math.exp(rng.uniform(math.log(0.01), math.log(1500)))
            old, new = _SLOT_VALUES[slot](rng), _SLOT_VALUES[slot](rng)
            by_style = {s: _resolution_probabilities(s, kind, slot, delta) for s in styles}
            resolution = rng.choices(list(_RESOLUTIONS), by_style[style])[0]
            inputs = {"slot": slot, "contradiction_type": kind, "old_value": old, "new_value": new,
                      "time_delta_days": round(delta, 3), "history": history_features(past, slot)}
            example = Example(inputs=inputs, label={"action": action_for_resolution(resolution)},
                              group=f"user{seed}-{user}")
            yield example, style, by_style
            past.append((slot, resolution))
            produced += 1
            if produced >= n:
                break


def generate_resolutions(n: int, *, seed: int = 0) -> list[Example]:
    """``n`` labeled contradictions from simulated users' resolution sequences."""
    return [example for example, _style, _probs in _simulate_resolutions(n, seed)]


def resolution_agreement_ceiling(n: int, *, seed: int = 0, groups: set[str] | None = None,
                                 auto_update_threshold: float = AUTO_UPDATE_THRESHOLD) -> dict:
    """The best agreement any policy can reach on :func:`generate_resolutions` ``(n, seed)``
    (optionally only the examples of ``groups``, e.g. a held-out split), computed from the
    generator's own probabilities (expected values, no sampling noise beyond the draws of the
    contradictions themselves):

    * ``oracle_*`` — a policy that knows each user's hidden style: it picks the action with the
      highest true probability (``most_likely``) or applies the conservative rule
      (:func:`learning.ml.rules.decide`, auto-update only at P ≥ ``auto_update_threshold``).
    * ``bayes_*`` — the Bayes-optimal policy given what a real system can know: the style's
      posterior from the user's earlier resolutions (their slots, types, time deltas and
      outcomes, with the generator's exact likelihoods and style shares), then the same two
      decision rules. No learned model can exceed these in expectation.
    * ``bayes_first_contradiction`` — the Bayes agreement on users' first contradiction (no history).

    Returns ``{name: agreement in [0, 1], "rows": count}``. Source: docs/LEARNING.md ("what bounds
    the policy's agreement").
    """
    styles = list(_STYLES)
    index = {resolution: i for i, resolution in enumerate(_RESOLUTIONS)}
    action_index = {action_for_resolution(r): i for r, i in index.items()}
    totals = {"oracle_most_likely": 0.0, "oracle_conservative": 0.0, "bayes_most_likely": 0.0,
              "bayes_conservative": 0.0}
    first_total, first_rows, rows = 0.0, 0, 0

    def conservative(p: list[float]) -> int:
        return action_index[decide({action_for_resolution(r): p[i] for r, i in index.items()},
                                   auto_update_threshold=auto_update_threshold)]

    log_posterior: dict[str, float] = {}
    current_group = None
    for example, style, by_style in _simulate_resolutions(n, seed):
        if example.group != current_group:
            current_group = example.group
            log_posterior = {s: math.log(_STYLES[s][1]) for s in styles}
            first = True
        else:
            first = False
        top = max(log_posterior.values())
        weights = {s: math.exp(v - top) for s, v in log_posterior.items()}
        norm = sum(weights.values())
        predictive = [sum(weights[s] / norm * by_style[s][i] for s in styles) for i in range(3)]
        truth = by_style[style]
        if groups is None or example.group in groups:
            rows += 1
            bayes_pick = max(range(3), key=lambda i: predictive[i])
            totals["oracle_most_likely"] += max(truth)
            totals["oracle_conservative"] += truth[conservative(truth)]
            totals["bayes_most_likely"] += truth[bayes_pick]
            totals["bayes_conservative"] += truth[conservative(predictive)]
            if first:
                first_total += truth[bayes_pick]
                first_rows += 1
        # the user's actual resolution updates the posterior for their next contradiction
        resolution = index[ACTION_TO_RESOLUTION[example.label["action"]]]
        for s in styles:
            log_posterior[s] += math.log(by_style[s][resolution])
    result = {name: round(total / rows, 4) if rows else None for name, total in totals.items()}
    result["bayes_first_contradiction"] = round(first_total / first_rows, 4) if first_rows else None
    result["rows"] = rows
    return result


# --------------------------------------------------------------------------- cross-thread relevance
TOPICS = {
    "work": ["I have a meeting with my manager tomorrow.", "Can you help me prepare for the quarterly review?",
             "My colleague asked about the project deadline.", "I need to write a status report for the team.",
             "The office is closed on Friday.", "How do I ask my boss for a raise?",
             "Our sprint planning ran long today.", "I'm preparing slides for a client presentation."],
    "career": ["I'm updating my resume.", "I have a job interview next week.", "Should I ask for a promotion?",
               "I'm thinking about changing careers.", "Can you review my cover letter?",
               "What skills should I list on LinkedIn?", "I got a recruiter email today."],
    "travel": ["I'm planning a trip to Japan.", "What should I pack for two weeks abroad?",
               "I need to book flights and a hotel.", "Can you translate a few phrases for my trip?",
               "What are the best sights in Lisbon?", "How early should I get to the airport?",
               "I'm renewing my passport before the vacation."],
    "cooking": ["What can I cook with chickpeas?", "I want to bake bread this weekend.",
                "Give me a quick dinner recipe.", "How long should I roast vegetables?",
                "I'm hosting a dinner party on Saturday.", "What spices go well with lentils?"],
    "fitness": ["I want to start running again.", "Can you make me a workout plan?",
                "My knee hurts after squats.", "How many rest days should I take?",
                "I'm training for a half marathon.", "What should I eat after the gym?"],
    "pets_care": ["The vet appointment is on Monday.", "How often should I walk a puppy?",
                  "What food is best for an older cat?", "My dog keeps barking at night.",
                  "Do rabbits need vaccines?", "How do I trim my cat's claws?"],
    "housing": ["I'm looking for a new apartment.", "My rent is going up next month.",
                "Which neighborhood is good for families?", "I need movers for the weekend.",
                "How do I set up utilities after moving?", "The commute from the suburbs is long."],
    "finance": ["How should I budget my salary?", "I want to open a savings account.",
                "How do I file my taxes?", "Should I invest in index funds?",
                "My credit card bill is high this month.", "How much should I save for retirement?"],
    "family": ["My wife's birthday is coming up.", "What should I get my husband for our anniversary?",
               "My kids have a school play tonight.", "We're planning a family reunion.",
               "How do I talk to my partner about chores?", "My parents are visiting next week."],
    "language_learning": ["I want to practice my Spanish.", "How do I conjugate French verbs?",
                          "Can you quiz me on German vocabulary?", "What's a good app to learn Japanese?",
                          "Correct my Italian sentence please.", "How do I improve my accent?"],
    "entertainment": ["Recommend a movie for tonight.", "What albums came out this month?",
                      "I'm bored, suggest a board game.", "Which concerts are coming up?",
                      "What's a good podcast about history?", "I want a new hobby for the weekend."],
    "tech_support": ["My laptop won't turn on.", "How do I reset my router?", "Python throws a KeyError.",
                     "How do I back up my phone?", "My printer is offline again.", "How do I clear the cache?"],
}
#: True P(relevant) of a fact of each slot in a thread of each topic (synthetic ground truth).
RELEVANCE = {
    "work": {"name": 0.9, "age": 0.1, "employer": 0.95, "job_title": 0.95, "location": 0.4, "spouse": 0.05,
             "pet": 0.05, "language": 0.3, "preference": 0.05},
    "career": {"name": 0.95, "age": 0.5, "employer": 0.95, "job_title": 0.95, "location": 0.6, "spouse": 0.05,
               "pet": 0.02, "language": 0.7, "preference": 0.1},
    "travel": {"name": 0.7, "age": 0.3, "employer": 0.1, "job_title": 0.05, "location": 0.95, "spouse": 0.5,
               "pet": 0.4, "language": 0.95, "preference": 0.5},
    "cooking": {"name": 0.2, "age": 0.05, "employer": 0.02, "job_title": 0.05, "location": 0.2, "spouse": 0.3,
                "pet": 0.05, "language": 0.02, "preference": 0.95},
    "fitness": {"name": 0.2, "age": 0.9, "employer": 0.02, "job_title": 0.1, "location": 0.3, "spouse": 0.05,
                "pet": 0.3, "language": 0.02, "preference": 0.7},
    "pets_care": {"name": 0.2, "age": 0.02, "employer": 0.02, "job_title": 0.02, "location": 0.3, "spouse": 0.1,
                  "pet": 0.98, "language": 0.02, "preference": 0.2},
    "housing": {"name": 0.6, "age": 0.2, "employer": 0.5, "job_title": 0.3, "location": 0.98, "spouse": 0.6,
                "pet": 0.7, "language": 0.05, "preference": 0.2},
    "finance": {"name": 0.5, "age": 0.8, "employer": 0.7, "job_title": 0.6, "location": 0.4, "spouse": 0.5,
                "pet": 0.05, "language": 0.02, "preference": 0.05},
    "family": {"name": 0.7, "age": 0.4, "employer": 0.05, "job_title": 0.05, "location": 0.4, "spouse": 0.98,
               "pet": 0.5, "language": 0.2, "preference": 0.4},
    "language_learning": {"name": 0.5, "age": 0.1, "employer": 0.05, "job_title": 0.1, "location": 0.3,
                          "spouse": 0.05, "pet": 0.02, "language": 0.98, "preference": 0.2},
    "entertainment": {"name": 0.2, "age": 0.2, "employer": 0.02, "job_title": 0.02, "location": 0.4,
                      "spouse": 0.2, "pet": 0.05, "language": 0.2, "preference": 0.95},
    "tech_support": {"name": 0.3, "age": 0.02, "employer": 0.2, "job_title": 0.3, "location": 0.05, "spouse": 0.02,
                     "pet": 0.02, "language": 0.05, "preference": 0.02},
}
_THREAD_NAMES = {topic: [topic.replace("_", "-"), f"{topic.split('_')[0]}-chat", f"my-{topic.split('_')[0]}"]
                 for topic in TOPICS}
_RELEVANCE_QUESTIONS = ["Any advice?", "What do you think?", "Can you help?", "What should I do?", ""]


def generate_relevance(n: int, *, seed: int = 0) -> list[Example]:
    """``n`` labeled (thread context, fact from another thread) pairs."""
    rng = random.Random(f"relevance:{seed}")
    topics = list(TOPICS)
    examples = []
    for _ in range(n):
        topic, other = rng.sample(topics, 2)
        sentences = rng.sample(TOPICS[topic], rng.randint(1, 3))
        context = " ".join(sentences + [_pick(rng, _RELEVANCE_QUESTIONS)]).strip()
        current_thread = _pick(rng, _THREAD_NAMES[topic]) if rng.random() < 0.5 else f"t{rng.randrange(10**6)}"
        fact_thread = _pick(rng, _THREAD_NAMES[other]) if rng.random() < 0.5 else f"t{rng.randrange(10**6)}"
        slot = _pick(rng, list(_SLOT_VALUES))
        relevant = rng.random() < RELEVANCE[topic][slot]
        examples.append(Example(
            inputs={"context": context, "slot": slot, "value": _SLOT_VALUES[slot](rng),
                    "current_thread": current_thread, "fact_thread": fact_thread},
            label={"relevant": relevant}, group=context.lower()))
    return examples


# --------------------------------------------------------------------------- staleness
#: True median lifetime of a value per slot, years (ages are handled by birthdays).
TRUE_HALF_LIVES_YEARS = {"name": 60.0, "employer": 2.5, "job_title": 2.0, "location": 3.0, "spouse": 12.0,
                         "pet": 6.0, "language": 25.0, "preference": 1.2}
#: Weibull shape of each slot's lifetime: > 1 means changes become likelier with age (a job
#: rarely changes in the first months, often after some years), 1 is memoryless.
LIFETIME_SHAPES = {"name": 1.0, "employer": 2.2, "job_title": 2.0, "location": 1.8, "spouse": 1.5, "pet": 1.5,
                   "language": 1.2, "preference": 1.0}


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method; lam is small here (< 30)
    limit, k, p = math.exp(-min(lam, 30.0)), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def generate_staleness(n: int, *, seed: int = 0) -> list[Example]:
    """``n`` labeled (slot, age, update frequency) → stale examples."""
    rng = random.Random(f"staleness:{seed}")
    slots = list(TRUE_HALF_LIVES_YEARS) + ["age"]
    examples = []
    for index in range(n):
        slot = _pick(rng, slots)
        volatility = math.exp(rng.gauss(0.0, 0.8))  # per-user multiplier of the change rate
        age_days = math.exp(rng.uniform(0.0, math.log(3650.0)))
        span_days = rng.uniform(30.0, 3000.0)
        if slot == "age":
            stale = age_days >= rng.uniform(0.0, 365.0)
            rate_per_year = 1.0
        else:
            shape = LIFETIME_SHAPES[slot]
            scale_years = TRUE_HALF_LIVES_YEARS[slot] / math.log(2) ** (1.0 / shape) / volatility
            lifetime_years = scale_years * (-math.log(1.0 - rng.random())) ** (1.0 / shape)
            stale = lifetime_years * 365.0 < age_days
            rate_per_year = math.log(2) / TRUE_HALF_LIVES_YEARS[slot] * volatility
        n_values = 1 + _poisson(rng, rate_per_year * span_days / 365.0)
        n_statements = n_values + _poisson(rng, 1.0)
        examples.append(Example(
            inputs={"slot": slot, "age_days": round(age_days, 2), "n_statements": n_statements,
                    "n_values": n_values, "span_days": round(span_days, 1)},
            label={"stale": stale}, group=f"fact{seed}-{index}"))
    return examples


GENERATORS: dict[str, Callable[..., list[Example]]] = {
    "slot_classifier": generate_slot_questions,
    "extraction_confidence": generate_extractions,
    "resolution_policy": generate_resolutions,
    "cross_thread_relevance": generate_relevance,
    "staleness": generate_staleness,
}


def generate(model_name: str, n: int, *, seed: int = 0) -> list[Example]:
    """``n`` synthetic examples for one model. Raises ``KeyError`` for an unknown model name."""
    if n < 0:
        raise ValueError("n must be >= 0")
    return GENERATORS[model_name](n, seed=seed)
