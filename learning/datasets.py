"""Training sets: the synthetic cold-start examples plus labels derived from real feedback.

:func:`build_examples` returns :class:`learning.ml.base.Example` s for one model:

* ``synthetic`` — rows of :class:`learning.models.SyntheticExample` (``bootstrap_learning_data``);
* real labels (``source`` says which), each derived from what users told us:

  ==========================  ==============================================================
  model                       real label
  ==========================  ==============================================================
  slot_classifier             a question answered from the slots it inferred got thumbs up
  extraction_confidence       the user confirmed / rejected an extracted fact; a correction
                              marks the fact it replaced as wrong
  resolution_policy           the user's resolutions in the ledger (keep new/old/both,
                              dismiss; read through ``ledger.selectors``)
  cross_thread_relevance      thumbs up / down on an answer that used a fact of another thread
  staleness                   the user answered "is X still true?"; a correction of an old
                              fact marks it stale
  ==========================  ==============================================================

**Weights** (baseline choices): a real label weighs :data:`REAL_WEIGHT` (5) synthetic ones, and
the synthetic examples' weight shrinks as real ones accumulate, 1 / (1 + n_real /
:data:`SYNTHETIC_HALF_WEIGHT_AT`): at 500 real labels the synthetic set counts half. Real feedback
therefore outweighs the cold-start set as it accumulates. Evaluation uses the real held-out
examples alone once there are :data:`MIN_REAL_HELDOUT` of them.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Iterable, Iterator

from django.contrib.auth import get_user_model

from ledger import selectors as ledger_selectors
from learning.ml.common import MODEL_NAMES, Example
from learning.ml.rules import action_for_resolution, history_features
from learning.models import ConfirmationKind, Feedback, FeedbackKind, Interaction, SyntheticExample

logger = logging.getLogger(__name__)

REAL_WEIGHT = 5.0
SYNTHETIC_HALF_WEIGHT_AT = 500
MIN_REAL_HELDOUT = 50
#: Ledger event actions that are a user's resolution (``ledger.models.EventAction`` values).
USER_RESOLUTIONS = ("keep_new", "keep_old", "keep_both", "dismiss")


def synthetic_examples(name: str) -> list[Example]:
    """The stored synthetic examples of one model (all bootstrap batches)."""
    rows = SyntheticExample.objects.filter(model_name=name).order_by("pk").values_list("inputs", "label", "group")
    return [Example(inputs=i, label=l, group=g, source="synthetic") for i, l, g in rows.iterator(chunk_size=5000)]


def _thumbs_by_memory() -> dict[tuple[int, str], int]:
    return {(owner, memory_id): rating for owner, memory_id, rating in
            Feedback.objects.filter(kind=FeedbackKind.THUMBS).values_list("owner_id", "memory_id", "rating")}


def _rated_interactions() -> Iterator[tuple[Interaction, int]]:
    thumbs = _thumbs_by_memory()
    if not thumbs:
        return
    memory_ids = {memory_id for _, memory_id in thumbs}
    for interaction in Interaction.objects.filter(memory_id__in=memory_ids).iterator(chunk_size=2000):
        rating = thumbs.get((interaction.owner_id, interaction.memory_id))
        if rating is not None:
            yield interaction, rating


def real_slot_examples() -> list[Example]:
    """Questions whose answer (from the inferred slots) got thumbs up."""
    out = []
    for interaction, rating in _rated_interactions():
        if interaction.is_question and rating > 0 and interaction.slots_inferred:
            out.append(Example(inputs={"query": interaction.query}, label={"slots": sorted(interaction.slots_inferred)},
                               group=interaction.query.lower(), source="thumbs"))
    return out


def real_relevance_examples() -> list[Example]:
    """Facts from other threads used in an answer that got thumbs up (relevant) or down (not)."""
    out = []
    for interaction, rating in _rated_interactions():
        for prediction in interaction.predictions:
            if prediction.get("model") == "cross_thread_relevance" and prediction.get("injected") and prediction.get("input"):
                out.append(Example(inputs=prediction["input"], label={"relevant": rating > 0},
                                   group=interaction.request_id, source="thumbs"))
    return out


def real_extraction_examples() -> list[Example]:
    """Confirmations of extracted facts and facts replaced by corrections."""
    out = []
    qs = Feedback.objects.filter(kind__in=[FeedbackKind.CONFIRMATION, FeedbackKind.CORRECTION])
    for feedback in qs.iterator(chunk_size=2000):
        fact = feedback.context.get("extracted_fact")
        if not fact:
            continue
        if feedback.kind == FeedbackKind.CONFIRMATION and feedback.category == ConfirmationKind.EXTRACTION \
                and feedback.confirmed is not None:
            out.append(Example(inputs=fact, label={"correct": bool(feedback.confirmed)}, group=feedback.feedback_id,
                               source="confirmation"))
        elif feedback.kind == FeedbackKind.CORRECTION:
            out.append(Example(inputs=fact, label={"correct": False}, group=feedback.feedback_id, source="correction"))
    return out


def real_staleness_examples() -> list[Example]:
    """Answers to "is X still true?" and corrections of old facts."""
    out = []
    qs = Feedback.objects.filter(kind__in=[FeedbackKind.CONFIRMATION, FeedbackKind.CORRECTION])
    for feedback in qs.iterator(chunk_size=2000):
        features = feedback.context.get("staleness_features")
        if not features:
            continue
        if feedback.kind == FeedbackKind.CONFIRMATION and feedback.category == ConfirmationKind.STALENESS \
                and feedback.confirmed is not None:
            out.append(Example(inputs=features, label={"stale": not feedback.confirmed}, group=feedback.feedback_id,
                               source="confirmation"))
        elif feedback.kind == FeedbackKind.CORRECTION:
            out.append(Example(inputs=features, label={"stale": True}, group=feedback.feedback_id, source="correction"))
    return out


def _resolution_of(entry) -> str | None:
    """The user's last resolution action of a settled entry, or None (auto-resolved, v0.9 method…)."""
    for event in sorted(entry.events.all(), key=lambda e: e.seq, reverse=True):
        if event.action == "undo":
            return None
        if event.action in USER_RESOLUTIONS:
            return event.action
        if event.action == "auto_resolve":
            return None
    return None


def real_policy_examples(users: Iterable | None = None) -> list[Example]:
    """Users' resolutions in the ledger, in order, with the history each user had at the time.

    Reads through ``ledger.selectors.entries`` per user (one query per user with entries).
    """
    out = []
    users = users if users is not None else get_user_model().objects.filter(is_active=True).order_by("pk")
    for user in users:
        settled = (ledger_selectors.entries(owner=user).exclude(status__in=["open", "asked"])
                   .prefetch_related("events").order_by("timestamp", "seq"))
        past: list[tuple[str, str]] = []
        for entry in settled:
            resolution = _resolution_of(entry)
            if resolution is None:
                continue
            delta = max((entry.memory_b.timestamp - entry.memory_a.timestamp) / 86400.0, 0.0)
            inputs = {"slot": entry.slot, "contradiction_type": entry.contradiction_type,
                      "old_value": entry.old_value, "new_value": entry.new_value,
                      "time_delta_days": round(delta, 3), "history": history_features(past, entry.slot)}
            out.append(Example(inputs=inputs, label={"action": action_for_resolution(resolution)},
                               group=f"user-{user.pk}", source="ledger"))
            past.append((entry.slot, resolution))
    return out


REAL_SOURCES = {
    "slot_classifier": real_slot_examples,
    "extraction_confidence": real_extraction_examples,
    "resolution_policy": real_policy_examples,
    "cross_thread_relevance": real_relevance_examples,
    "staleness": real_staleness_examples,
}


def weigh(synthetic: list[Example], real: list[Example]) -> list[Example]:
    """Apply the weights of the module docstring; returns one list (real first)."""
    synthetic_weight = 1.0 / (1.0 + len(real) / SYNTHETIC_HALF_WEIGHT_AT)
    return [replace(e, weight=REAL_WEIGHT) for e in real] + [replace(e, weight=synthetic_weight) for e in synthetic]


def build_examples(name: str) -> list[Example]:
    """All weighted examples of one model. Raises ``KeyError`` for an unknown model name."""
    if name not in MODEL_NAMES:
        raise KeyError(name)
    real = REAL_SOURCES[name]()
    synthetic = synthetic_examples(name)
    logger.info("%s: %d synthetic and %d real examples", name, len(synthetic), len(real))
    return weigh(synthetic, real)


def evaluation_rows(heldout: list[Example]) -> tuple[list[Example], str]:
    """The held-out rows to score on: the real ones when there are enough, else all."""
    real = [e for e in heldout if e.source != "synthetic"]
    if len(real) >= MIN_REAL_HELDOUT:
        return real, "real"
    return heldout, "all"
