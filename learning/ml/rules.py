"""The rule-based baselines of the five learned models, and the policy's pure-Python helpers.

Pure Python (no numpy / scikit-learn): this is what the rules arm of the A/B test and every
fallback serve on the request path, so a web process that never loads a learned model never
imports the scientific stack (issue 7; see :mod:`learning.ml.common`). Each model module's
``SPEC.baseline`` delegates here, so the learned models are compared against exactly these rules.

Output shapes equal the learned models' predictions:

* :func:`slot_baseline` — ``{"slots": [...]}`` (``detection.engine.question_slots``).
* :func:`extraction_baseline` — ``{"confidence", "needs_confirmation"}``: 0.9, or 0.5 with a
  hedge/joke marker (baseline choice); asks below :data:`EXTRACTION_THRESHOLD` (0.7, seed 001).
* :func:`policy_baseline` / :func:`baseline_action` — ``{"action"}``: multi-valued slots and
  refinements → keep both; TEMPORAL / REVISION → auto-update; CONFLICT / DENIAL → ask.
* :func:`relevance_baseline` — ``{"relevance", "relevant"}``: identity slots always, others by a
  short keyword list (baseline choice); relevant above :data:`RELEVANCE_THRESHOLD` (0.5, seed 001).
* :func:`staleness_baseline` — ``{"stale_probability", "stale", "prompt"}``: 1 − 0.5^(age /
  half-life of the slot) (baseline choice); asks above :data:`STALENESS_PROMPT_THRESHOLD` (0.8, seed 001).

The conflict-resolution policy's action vocabulary, the mapping from ledger resolutions to
actions, the user-history features and the conservative decision rule live here too: the chat,
the services and the dataset builder use them without loading the model.
"""

from __future__ import annotations

import re
from typing import Sequence

from detection.engine import MULTI_VALUED_SLOTS, question_slots
from learning.ml.common import SLOTS

# --------------------------------------------------------------------------- slot classifier
def slot_baseline(row: dict) -> dict:
    """Slots of ``row["query"]`` by the rule-based ``question_slots`` (restricted to :data:`SLOTS`)."""
    return {"slots": [s for s in question_slots(row["query"]) if s in SLOTS]}


# --------------------------------------------------------------------------- extraction confidence
#: Below this confidence the chat asks the user to confirm the fact (seed 001: "only extract if
#: confidence > 0.7; low-confidence → ask for confirmation").
EXTRACTION_THRESHOLD = 0.7
#: Statements with one of these words get 0.5, the rest 0.9 (baseline choice).
BASELINE_MARKERS = re.compile(r"\b(?:i\s+think|i\s+guess|maybe|probably|not\s+sure|perhaps|lol|haha|jk|kidding)\b",
                              re.I)
BASELINE_CONFIDENT, BASELINE_UNSURE = 0.9, 0.5


def extraction_baseline(row: dict) -> dict:
    """Rule-based confidence of one extracted fact (``row["text"]`` is the statement)."""
    p = BASELINE_UNSURE if BASELINE_MARKERS.search(str(row.get("text", ""))) else BASELINE_CONFIDENT
    return {"confidence": p, "needs_confirmation": p < EXTRACTION_THRESHOLD}


# --------------------------------------------------------------------------- resolution policy
AUTO_UPDATE = "auto_update"
ASK_USER = "ask_user"
KEEP_BOTH = "keep_both"
ACTIONS = (AUTO_UPDATE, ASK_USER, KEEP_BOTH)
#: The policy auto-updates only at or above this probability (baseline choice; seed 001: "auto-
#: resolution (conservative) for high-confidence, low-risk contradictions").
AUTO_UPDATE_THRESHOLD = 0.8
CONTRADICTION_TYPES = ("CONFLICT", "REVISION", "TEMPORAL", "DENIAL", "REFINEMENT")
#: Ledger resolution (event action) → the policy action that would have been right.
RESOLUTION_TO_ACTION = {"keep_new": AUTO_UPDATE, "keep_old": ASK_USER, "keep_both": KEEP_BOTH,
                        "dismiss": KEEP_BOTH}
#: Policy action → the ledger resolution it stands for.
ACTION_TO_RESOLUTION = {AUTO_UPDATE: "keep_new", ASK_USER: "keep_old", KEEP_BOTH: "keep_both"}
HISTORY_KEYS = ("keep_new", "keep_old", "keep_both")


def action_for_resolution(resolution: str) -> str | None:
    """Map a ledger resolution (``keep_new``/``keep_old``/``keep_both``/``dismiss``) to an action;
    None for anything else (``resolve`` with a free-text v0.9 method, ``auto_resolve``, …)."""
    return RESOLUTION_TO_ACTION.get(resolution)


def empty_history() -> dict:
    """History of a user with no resolutions yet."""
    return {**{k: 0 for k in HISTORY_KEYS}, "total": 0, **{f"slot_{k}": 0 for k in HISTORY_KEYS}, "slot_total": 0}


def history_features(past: Sequence[tuple[str, str]], slot: str) -> dict:
    """Counts of a user's earlier resolutions, overall and for ``slot``. ``past`` is
    ``[(slot, resolution), …]`` (ledger actions, oldest first); resolutions without an action
    mapping are ignored. Keys: ``keep_new``, ``keep_old``, ``keep_both``, ``total`` and the same
    with a ``slot_`` prefix."""
    history = empty_history()
    for past_slot, resolution in past:
        action = action_for_resolution(resolution)
        if action is None:
            continue
        key = ACTION_TO_RESOLUTION[action]
        history[key] += 1
        history["total"] += 1
        if past_slot == slot:
            history[f"slot_{key}"] += 1
            history["slot_total"] += 1
    return history


def decide(probabilities: dict[str, float], *, auto_update_threshold: float = AUTO_UPDATE_THRESHOLD) -> str:
    """The conservative decision from class probabilities: ``auto_update`` only when its
    probability is ≥ the threshold; otherwise ``keep_both`` when that is at least as likely as
    asking and as updating, else ``ask_user``."""
    if probabilities.get(AUTO_UPDATE, 0.0) >= auto_update_threshold:
        return AUTO_UPDATE
    if probabilities.get(KEEP_BOTH, 0.0) >= max(probabilities.get(ASK_USER, 0.0), probabilities.get(AUTO_UPDATE, 0.0)):
        return KEEP_BOTH
    return ASK_USER


def baseline_action(row: dict) -> str:
    """The rule-based policy (see the module docstring)."""
    kind = str(row.get("contradiction_type", "")).upper()
    if row.get("slot") in MULTI_VALUED_SLOTS or kind == "REFINEMENT":
        return KEEP_BOTH
    if kind in ("TEMPORAL", "REVISION"):
        return AUTO_UPDATE
    return ASK_USER


def policy_baseline(row: dict) -> dict:
    """``{"action": baseline_action(row)}``."""
    return {"action": baseline_action(row)}


# --------------------------------------------------------------------------- cross-thread relevance
#: A fact of another thread is injected only above this relevance (seed 001: "filter facts by
#: relevance > 0.5 before injection").
RELEVANCE_THRESHOLD = 0.5
IDENTITY_SLOTS = frozenset({"name", "age", "spouse"})
#: Rule-based baseline's topic words per slot (baseline choice, deliberately short).
TOPIC_KEYWORDS = {
    "employer": {"work", "job", "office", "boss", "company", "career", "colleague", "meeting"},
    "job_title": {"work", "job", "role", "career", "promotion", "resume", "interview"},
    "location": {"home", "city", "move", "moving", "weather", "rent", "neighborhood"},
    "pet": {"pet", "dog", "cat", "vet", "walk"},
    "language": {"language", "speak", "translate", "travel", "trip"},
    "preference": {"food", "eat", "dinner", "restaurant", "music", "hobby", "weekend"},
}
STOP_WORDS = frozenset("""a an the and or but if of to in on at for with about from by as is are was were be been am i
me my you your it its this that these those do does did can could would should will what where when who how
which why so just really very please thanks thank ok okay hey hi hello""".split())
_WORD = re.compile(r"[a-z][a-z'-]+")


def context_words(text: str) -> list[str]:
    """Lower-cased words of ``text`` without stop words."""
    return [w for w in _WORD.findall((text or "").lower()) if w not in STOP_WORDS]


def thread_words(thread_id: str) -> list[str]:
    """Words of a thread id (``work-chat``, ``myTravelPlans`` → ``work``, ``chat`` / ``travel``, ``plans``)."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", thread_id or "")
    return [w for w in re.split(r"[^a-z]+", spaced.lower()) if len(w) > 1 and w not in STOP_WORDS]


def baseline_relevance(row: dict) -> float:
    """1.0 / 0.0 by the keyword rule of the module docstring."""
    slot = row.get("slot", "")
    if slot in IDENTITY_SLOTS:
        return 1.0
    words = set(context_words(row.get("context", ""))) | set(thread_words(row.get("current_thread", "")))
    words |= {w[:-1] for w in words if w.endswith("s")}  # "pets" → "pet"
    return 1.0 if words & TOPIC_KEYWORDS.get(slot, set()) else 0.0


def relevance_baseline(row: dict) -> dict:
    """``{"relevance", "relevant"}`` of :func:`baseline_relevance`."""
    p = baseline_relevance(row)
    return {"relevance": p, "relevant": p > RELEVANCE_THRESHOLD}


# --------------------------------------------------------------------------- staleness
#: Above this P(stale) the answer asks "is X still true?" (seed 001).
STALENESS_PROMPT_THRESHOLD = 0.8
STALENESS_DECISION_THRESHOLD = 0.5
#: Baseline half-lives in years (baseline choice: an age changes yearly, a name almost never).
HALF_LIVES_YEARS = {"name": 50.0, "age": 1.0, "employer": 3.0, "job_title": 2.5, "location": 4.0,
                    "spouse": 15.0, "pet": 8.0, "language": 30.0, "preference": 2.0}
DEFAULT_HALF_LIFE_YEARS = 5.0


def staleness_prediction(p: float) -> dict:
    """The staleness output shape for probability ``p``."""
    return {"stale_probability": round(p, 4), "stale": p >= STALENESS_DECISION_THRESHOLD,
            "prompt": p > STALENESS_PROMPT_THRESHOLD}


def baseline_stale_probability(row: dict) -> float:
    """1 − 0.5^(age / half-life of the slot); ``row["age_days"]`` in days."""
    half_life_days = HALF_LIVES_YEARS.get(row.get("slot", ""), DEFAULT_HALF_LIFE_YEARS) * 365.0
    return 1.0 - 0.5 ** (max(float(row.get("age_days") or 0.0), 0.0) / half_life_days)


def staleness_baseline(row: dict) -> dict:
    """:func:`staleness_prediction` of :func:`baseline_stale_probability`."""
    return staleness_prediction(baseline_stale_probability(row))
