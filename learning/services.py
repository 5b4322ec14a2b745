"""Writes of the learning app: the interaction log, feedback, the synthetic set, policy decisions.

Plain keyword-only functions; views and tasks stay thin. Client mistakes raise
:class:`FeedbackError` naming the offending field (views turn it into a 400 with the project's
``{"detail", "errors": {field: [...]}}`` shape). Every feedback write is one transaction: the
feedback row and any memory it applies exist together or not at all.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from detection import services as detection_services
from detection.engine import extract_facts
from ledger import selectors as ledger_selectors
from learning import ab, synthetic
from learning.anonymize import anonymize_text
from learning.ml import rules
from learning.ml.common import MODEL_NAMES
from learning.models import (
    ConfirmationKind,
    Feedback,
    FeedbackKind,
    Interaction,
    PolicyDecision,
    SyntheticExample,
)
from memory import selectors as memory_selectors
from memory import services as memory_services
from memory.models import Memory, MemorySource

logger = logging.getLogger(__name__)

#: Statements a structured correction is applied as ("{}" is the value); each is checked with the
#: extractor before use, so a correction is stored only if it yields the intended fact.
CORRECTION_TEMPLATES = {
    "name": "Actually, my name is {}.", "age": "Actually, I am {} years old.", "employer": "Actually, I work at {}.",
    "job_title": "Actually, I work as a {}.", "location": "Actually, I live in {}.",
    "spouse": "Actually, my partner is {}.", "pet": "Actually, I have a {}.", "language": "Actually, I speak {}.",
    "preference": "Actually, I like {}.",
}
#: Statements a rejected fact is retracted with (a denial the detector records as such).
RETRACTION_TEMPLATES = {
    "name": "My name is not {}.", "age": "I am not {}.", "employer": "I don't work at {}.",
    "job_title": "I am not a {}.", "location": "I don't live in {}.", "spouse": "My partner is not {}.",
    "pet": "I don't have a {}.", "language": "I don't speak {}.", "preference": "I don't like {}.",
}
MAX_BATCH = 1000


class FeedbackError(ValueError):
    """A client mistake in feedback. ``field`` names the offending input field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --------------------------------------------------------------------------- interaction log
def record_interaction(*, payload: dict) -> Interaction | None:
    """Store one (already anonymized and sampled) interaction record; idempotent by request id.

    Returns the row (existing or new), or None when the owner no longer exists. Raises
    ``KeyError`` for a payload without the required keys.
    """
    owner_id = payload["owner_id"]
    fields = {k: payload[k] for k in (
        "thread_id", "memory_id", "timestamp", "ab_arm", "is_question", "query", "answer", "response_type",
        "slots_inferred", "slot_source", "facts_injected", "facts_extracted", "predictions", "model_versions",
        "prompts", "latency_ms", "detection_status", "contradiction_detected", "contradictions", "unresolved_total",
        "error", "sample_reason", "sample_rate", "pii_found") if k in payload}
    if not get_user_model().objects.filter(pk=owner_id).exists():
        logger.warning("interaction %s: owner %s no longer exists; dropped", payload["request_id"], owner_id)
        return None
    try:
        with transaction.atomic():
            interaction, created = Interaction.objects.get_or_create(
                request_id=payload["request_id"], defaults={"owner_id": owner_id, **fields})
    except IntegrityError:  # a concurrent duplicate delivery won the race
        return Interaction.objects.get(request_id=payload["request_id"])
    if created:
        logger.debug("logged interaction %s (%s)", interaction.request_id, interaction.sample_reason)
    return interaction


# --------------------------------------------------------------------------- feedback helpers
def _arm(owner) -> str:
    from learning.serving import arm_for  # noqa: PLC0415

    return arm_for(owner)


def _owned_memory(*, owner, memory_id: str, field: str = "memory_id") -> Memory:
    try:
        return memory_selectors.get_memory(owner=owner, memory_id=memory_id)
    except Memory.DoesNotExist:
        raise FeedbackError(field, "No such memory.") from None


def _check_interaction(*, owner, interaction_id: str) -> Interaction | None:
    """The caller's logged interaction, None when it was sampled out; another user's → error."""
    if not interaction_id:
        return None
    interaction = Interaction.objects.filter(request_id=interaction_id).first()
    if interaction is not None and interaction.owner_id != owner.pk:
        raise FeedbackError("interaction_id", "No such interaction.")
    return interaction


def _resolve_turn(*, owner, memory_id: str, interaction_id: str) -> tuple[Memory | None, Interaction | None]:
    """Validate the reference to a chat turn: a memory of the caller and/or an interaction id."""
    interaction = _check_interaction(owner=owner, interaction_id=interaction_id)
    memory = None
    if memory_id:
        memory = _owned_memory(owner=owner, memory_id=memory_id)
    elif interaction is not None and interaction.memory_id:
        memory = Memory.objects.filter(owner=owner, memory_id=interaction.memory_id).first()
    if memory is not None and interaction is not None and interaction.memory_id and interaction.memory_id != memory.memory_id:
        raise FeedbackError("interaction_id", "This interaction is not about that memory.")
    return memory, interaction


def _staleness_features(*, owner, thread_id: str, slot: str, fact_memory: Memory | None = None) -> dict | None:
    """Staleness inputs of the slot's current fact in a thread (``learning.ml.staleness``)."""
    facts = [f for f in memory_selectors.thread_facts(owner=owner, thread_id=thread_id, slots=[slot]) if not f.negated]
    if not facts:
        return None
    current = facts[-1] if fact_memory is None else next(
        (f for f in reversed(facts) if f.memory_id == fact_memory.memory_id), facts[-1])
    times = [f.memory.timestamp for f in facts]
    return {"slot": slot, "age_days": round(max(time.time() - current.memory.timestamp, 0.0) / 86400.0, 3),
            "n_statements": len(facts), "n_values": len({f.normalized for f in facts}),
            "span_days": round((max(times) - min(times)) / 86400.0, 3)}


def _extracted_fact(memory: Memory, slot: str, value: str = "") -> dict | None:
    """The memory's extracted fact of ``slot`` (matching ``value`` if given) as model input, anonymized."""
    for fact in memory.facts.all():
        if fact.slot == slot and (not value or fact.normalized == value.strip().lower() or fact.value == value):
            return {"text": anonymize_text(memory.text), "slot": slot, "value": anonymize_text(fact.value),
                    "negated": fact.negated}
    return None


@dataclass
class AppliedStatement:
    """A statement stored on the user's behalf: the memory, its detection job id, its facts."""

    memory: Memory
    job_id: str
    facts: list[dict]


def _store_statement(*, owner, thread_id: str, text: str) -> AppliedStatement:
    memory = memory_services.store_memory(owner=owner, thread_id=thread_id, text=text, source=MemorySource.CORRECTION)
    job = detection_services.create_detection_job(memory=memory)
    facts = [{"slot": f.slot, "value": f.value, "negated": f.negated} for f in memory.facts.all()]
    return AppliedStatement(memory=memory, job_id=job.job_id, facts=facts)


def statement_for(slot: str, value: str, *, templates: dict[str, str], negated: bool) -> str | None:
    """A sentence stating (or denying) ``slot = value`` that the extractor reads back as exactly
    that fact; None when no template does."""
    template = templates.get(slot)
    if not template:
        return None
    text = template.format(value.strip())
    for fact in extract_facts(text):
        if fact.slot == slot and fact.negated == negated and fact.value.lower() == value.strip().lower():
            return text
    return None


# --------------------------------------------------------------------------- feedback
def record_thumbs(*, owner, rating: int, memory_id: str = "", interaction_id: str = "", comment: str = "") -> Feedback:
    """Thumbs up (+1) or down (−1) on an answer; voting again on the same answer changes the vote.

    Raises :class:`FeedbackError` (``memory_id``/``interaction_id``/``rating``).
    """
    if rating not in (1, -1):
        raise FeedbackError("rating", "Must be 1 (up) or -1 (down).")
    memory, interaction = _resolve_turn(owner=owner, memory_id=memory_id, interaction_id=interaction_id)
    if memory is None:
        raise FeedbackError("memory_id", "Give the memory_id of the answered message (metadata.memory_id).")
    if interaction is None and not interaction_id:
        interaction = Interaction.objects.filter(owner=owner, memory_id=memory.memory_id).first()
    defaults = {"rating": rating, "ab_arm": _arm(owner), "thread_id": memory.thread_id,
                "comment": anonymize_text(comment)}
    if interaction is not None or interaction_id:  # a later vote without the id keeps the one we know
        defaults["interaction_request_id"] = interaction.request_id if interaction else interaction_id
    with transaction.atomic():
        feedback, _ = Feedback.objects.update_or_create(
            owner=owner, kind=FeedbackKind.THUMBS, memory_id=memory.memory_id, defaults=defaults)
    logger.info("thumbs %s from user %s on %s", "up" if rating > 0 else "down", owner.pk, memory.memory_id)
    return feedback


def record_correction(*, owner, thread_id: str = "", text: str = "", slot: str = "", value: str = "",
                      memory_id: str = "", interaction_id: str = "") -> tuple[Feedback, AppliedStatement]:
    """Store a correction ("actually my name is X") and apply it as a new memory (source
    ``correction``) with its detection job, so the ledger records the revision.

    Either ``text`` (the user's own sentence) or ``slot`` + ``value``. Raises :class:`FeedbackError`.
    """
    memory, interaction = _resolve_turn(owner=owner, memory_id=memory_id, interaction_id=interaction_id)
    thread_id = thread_id or (memory.thread_id if memory else "default")
    if text:
        statement = text
    else:
        if not slot:
            raise FeedbackError("slot", "Give either text, or slot and value.")
        if slot not in CORRECTION_TEMPLATES:
            raise FeedbackError("slot", f"Unknown slot; expected one of {', '.join(CORRECTION_TEMPLATES)}.")
        if not value:
            raise FeedbackError("value", "This field is required with slot.")
        statement = statement_for(slot, value, templates=CORRECTION_TEMPLATES, negated=False)
        if statement is None:
            raise FeedbackError("value", f"Could not express {value!r} as a {slot}; send the correction as text.")
    context: dict = {}
    corrected_slots = [f.slot for f in extract_facts(statement) if not f.negated] or ([slot] if slot else [])
    for corrected in corrected_slots[:1]:
        if memory is not None:
            fact = _extracted_fact(memory, corrected)
            if fact:
                context["extracted_fact"] = fact
        features = _staleness_features(owner=owner, thread_id=thread_id, slot=corrected)
        if features:
            context["staleness_features"] = features
    with transaction.atomic():
        applied = _store_statement(owner=owner, thread_id=thread_id, text=statement)
        feedback = Feedback.objects.create(
            owner=owner, kind=FeedbackKind.CORRECTION, ab_arm=_arm(owner), thread_id=thread_id,
            interaction_request_id=interaction.request_id if interaction else interaction_id,
            memory_id=memory.memory_id if memory else "", slot=corrected_slots[0] if corrected_slots else slot,
            value=anonymize_text(value)[:255], comment=anonymize_text(statement), context=context,
            applied_memory_id=applied.memory.memory_id)
    logger.info("correction from user %s applied as %s (%d facts)", owner.pk, applied.memory.memory_id,
                len(applied.facts))
    return feedback, applied


def record_report(*, owner, category: str, comment: str, memory_id: str = "", interaction_id: str = "",
                  ledger_id: str = "") -> Feedback:
    """A report of incorrect behaviour. ``false_contradiction`` with a ``ledger_id`` counts as
    false-positive detection feedback. Raises :class:`FeedbackError`."""
    memory, interaction = _resolve_turn(owner=owner, memory_id=memory_id, interaction_id=interaction_id)
    if ledger_id:
        try:
            entry = ledger_selectors.get_visible_entry(user=owner, ledger_id=ledger_id)
        except Exception:
            raise FeedbackError("ledger_id", "No such contradiction.") from None
        if entry.owner_id != owner.pk:
            raise FeedbackError("ledger_id", "No such contradiction.")
    feedback = Feedback.objects.create(
        owner=owner, kind=FeedbackKind.REPORT, ab_arm=_arm(owner), category=category,
        thread_id=memory.thread_id if memory else "", memory_id=memory.memory_id if memory else "",
        interaction_request_id=interaction.request_id if interaction else interaction_id, ledger_id=ledger_id,
        comment=anonymize_text(comment))
    logger.info("report %s from user %s", category, owner.pk)
    return feedback


def record_confirmation(*, owner, memory_id: str, slot: str, kind: str, confirmed: bool, value: str = "",
                        interaction_id: str = "") -> tuple[Feedback, AppliedStatement | None]:
    """The user's answer to "did I get this right?" (``kind="extraction"``) or "is X still true?"
    (``kind="staleness"``) about the fact of ``slot`` stated in memory ``memory_id``.

    Confirmed: a training label, and the memory's trust is raised (v0.9's aligned rule, drift 0).
    Rejected: a training label; with ``value`` the correction is applied as a new memory, without
    it the fact is retracted by a denial ("I don't live in X") when the extractor reads one back.
    Raises :class:`FeedbackError`.
    """
    memory, interaction = _resolve_turn(owner=owner, memory_id=memory_id, interaction_id=interaction_id)
    if memory is None:
        raise FeedbackError("memory_id", "This field is required.")
    fact = next((f for f in memory.facts.all() if f.slot == slot), None)
    if fact is None:
        raise FeedbackError("slot", "That memory states no fact of this slot.")
    context: dict = {}
    if kind == ConfirmationKind.EXTRACTION:
        context["extracted_fact"] = _extracted_fact(memory, slot) or {}
    else:
        features = _staleness_features(owner=owner, thread_id=memory.thread_id, slot=slot, fact_memory=memory)
        if features:
            context["staleness_features"] = features
    applied = None
    with transaction.atomic():
        if confirmed:
            memory_services.update_trust(memory_id=memory.memory_id, rule="aligned", drift=0.0)
        elif value:
            statement = statement_for(slot, value, templates=CORRECTION_TEMPLATES, negated=False)
            if statement is None:
                raise FeedbackError("value", f"Could not express {value!r} as a {slot}.")
            applied = _store_statement(owner=owner, thread_id=memory.thread_id, text=statement)
        elif not fact.negated:
            statement = statement_for(slot, fact.value, templates=RETRACTION_TEMPLATES, negated=True)
            if statement is not None:
                applied = _store_statement(owner=owner, thread_id=memory.thread_id, text=statement)
        feedback = Feedback.objects.create(
            owner=owner, kind=FeedbackKind.CONFIRMATION, category=kind, ab_arm=_arm(owner),
            thread_id=memory.thread_id, memory_id=memory.memory_id,
            interaction_request_id=interaction.request_id if interaction else interaction_id, slot=slot,
            value=anonymize_text(value or fact.value)[:255], confirmed=confirmed, context=context,
            applied_memory_id=applied.memory.memory_id if applied else "")
    logger.info("%s confirmation from user %s: %s %s", kind, owner.pk, slot, "confirmed" if confirmed else "rejected")
    return feedback, applied


# --------------------------------------------------------------------------- cold start
def bootstrap_synthetic(*, n_per_model: int, seed: int = 0, replace: bool = False,
                        models: list[str] | None = None, progress=None) -> dict[str, int]:
    """Generate and store the labeled synthetic set (``learning.synthetic``), ``n_per_model``
    examples per model. ``replace`` deletes earlier synthetic rows of those models first.
    ``progress(n)`` is called after each stored batch. Returns ``{model: rows stored}``."""
    if n_per_model < 1:
        raise ValueError("n_per_model must be >= 1")
    models = list(models or MODEL_NAMES)
    batch = f"seed{seed}-{timezone.now():%Y%m%dT%H%M%S}"
    stored: dict[str, int] = {}
    for name in models:
        examples = synthetic.generate(name, n_per_model, seed=seed)
        with transaction.atomic():
            if replace:
                SyntheticExample.objects.filter(model_name=name).delete()
            for start in range(0, len(examples), MAX_BATCH):
                chunk = examples[start:start + MAX_BATCH]
                SyntheticExample.objects.bulk_create(
                    SyntheticExample(model_name=name, inputs=e.inputs, label=e.label, group=e.group[:255],
                                     batch=batch, generator_version=synthetic.GENERATOR_VERSION) for e in chunk)
                if progress:
                    progress(len(chunk))
        stored[name] = len(examples)
        logger.info("stored %d synthetic %s examples (batch %s)", len(examples), name, batch)
    return stored


# --------------------------------------------------------------------------- resolution policy
def _auto_apply_allowed(arm: str) -> bool:
    from django.conf import settings  # noqa: PLC0415

    mode = getattr(settings, "CRT_POLICY_AUTO_APPLY", "learned")
    return mode == "all" or (mode == "learned" and arm == ab.LEARNED)


#: Users whose learned-arm interactions of the last this many days are swept by the periodic review.
REVIEW_RECENT_DAYS = 7


def review_open_contradictions(*, owner=None, limit: int = 200) -> dict[str, int]:
    """Run the learned resolution policy on open ledger entries of learned-arm users that have no
    decision yet, store a :class:`PolicyDecision` for each and carry out confident auto-updates
    (``ledger.services.auto_resolve``) where ``CRT_POLICY_AUTO_APPLY`` allows.

    ``owner`` limits the review to one user (the chat triggers that); otherwise the users with
    learned-arm interactions in the last :data:`REVIEW_RECENT_DAYS` days are reviewed. Users in the
    rules arm get rule-based suggestions computed in the chat, nothing is stored for them. Without
    an active policy version nothing is decided. Returns ``{"reviewed", "auto_resolved"}``.
    """
    from ledger import services as ledger_services  # noqa: PLC0415
    from learning import datasets, registry  # noqa: PLC0415
    from learning.ml import get_spec  # noqa: PLC0415
    from learning.serving import arm_for, policy_row  # noqa: PLC0415

    model = registry.get_active("resolution_policy")
    if model is None:
        return {"reviewed": 0, "auto_resolved": 0}
    if owner is not None:
        users = [owner] if arm_for(owner) == ab.LEARNED else []
    else:
        since = timezone.now() - timedelta(days=REVIEW_RECENT_DAYS)
        owner_ids = (Interaction.objects.filter(ab_arm=ab.LEARNED, created_at__gte=since)
                     .values_list("owner_id", flat=True).distinct())
        users = [u for u in get_user_model().objects.filter(pk__in=list(owner_ids), is_active=True).order_by("pk")
                 if arm_for(u) == ab.LEARNED]
    reviewed = applied = 0
    for user in users:
        if reviewed >= limit:
            break
        entries = ledger_selectors.open_entries(owner=user)
        decided = set(PolicyDecision.objects.filter(ledger_id__in=[e.ledger_id for e in entries])
                      .values_list("ledger_id", flat=True))
        entries = [e for e in entries if e.ledger_id not in decided][: limit - reviewed]
        if not entries:
            continue
        past = [(ex.inputs["slot"], _resolution_from_action(ex.label["action"]))
                for ex in datasets.real_policy_examples(users=[user])]
        for entry in entries:
            row = policy_row(entry, history=rules.history_features(past, entry.slot))
            output = get_spec("resolution_policy").predict(model.pipeline, [row])[0]
            decision, created = PolicyDecision.objects.get_or_create(
                ledger_id=entry.ledger_id,
                defaults={"owner": user, "ab_arm": ab.LEARNED, "action": output["action"],
                          "probabilities": output["probabilities"], "source": "learned", "model_version": model.label})
            if not created:
                continue
            reviewed += 1
            if output["action"] != rules.AUTO_UPDATE or not _auto_apply_allowed(ab.LEARNED):
                continue
            try:
                ledger_services.auto_resolve(
                    ledger_id=entry.ledger_id,
                    reason=f"resolution policy {model.label}: auto-update "
                           f"(p={output['probabilities'].get('auto_update', 0):.2f} >= "
                           f"{rules.AUTO_UPDATE_THRESHOLD})")
            except Exception as exc:  # resolved meanwhile, or the ledger refused the transition
                decision.note = f"not applied: {exc}"[:500]
                decision.save(update_fields=["note"])
                logger.warning("could not auto-resolve %s: %s", entry.ledger_id, exc)
                continue
            decision.applied, decision.applied_at = True, timezone.now()
            decision.save(update_fields=["applied", "applied_at"])
            applied += 1
            logger.info("auto-resolved %s by %s", entry.ledger_id, model.label)
    return {"reviewed": reviewed, "auto_resolved": applied}


def _resolution_from_action(action: str) -> str:
    return rules.ACTION_TO_RESOLUTION[action]
