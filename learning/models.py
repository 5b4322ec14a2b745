"""Tables of the active-learning track (seed 001, track 2; issue 7). docs/LEARNING.md explains the loop.

* :class:`Interaction` — the interaction log: one chat turn (anonymized), the slots inferred, the
  facts injected, the answer, latency, contradiction flags and which model version made each
  prediction. Written asynchronously after tail-based sampling (``learning/sampling.py``).
* :class:`Feedback` — thumbs, corrections, reports and confirmations from the feedback API.
* :class:`SyntheticExample` — the labeled cold-start set of ``manage.py bootstrap_learning_data``.
* :class:`ModelVersion` — the model registry: one trained scikit-learn pipeline per row, its
  held-out metrics, its artifact and checksum, and its status.
* :class:`PolicyDecision` — what the conflict-resolution policy decided for one ledger entry.

All free text in these tables has been through ``learning.anonymize`` (no raw PII).
Rows belong to a user (``owner``) and are deleted with the user (``CASCADE``): they are derived
data, and deleting a user must delete their logs.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from learning.ml.common import MODEL_NAMES


def new_request_id() -> str:
    """A fresh interaction (request) id, ``req_<32 hex>``."""
    return f"req_{uuid.uuid4().hex}"


def new_feedback_id() -> str:
    """A fresh feedback id, ``fb_<32 hex>``."""
    return f"fb_{uuid.uuid4().hex}"


class ABArm(models.TextChoices):
    LEARNED = "learned", "Learned models"
    RULES = "rules", "Rule-based baselines"


class Interaction(models.Model):
    """One chat turn as the learning track sees it (anonymized; seed 001 learning phase 1 schema
    ``{query, slots_inferred, facts_injected, response, user_feedback}`` plus telemetry).

    ``predictions`` is ``[{"model", "version", "source": "learned"|"rules", "output"}, …]``;
    ``model_versions`` is ``{model name: version number or "rules"}`` for quick filtering.
    ``sample_reason`` says why the row was kept (``error``, ``slow``, ``contradiction``,
    ``feedback_prompt``, ``model_prediction`` at 100 %; ``sampled`` at ``sample_rate``).
    ``latency_ms`` is the chat turn's processing time in the web process (milliseconds).
    """

    request_id = models.CharField(max_length=64, unique=True, default=new_request_id)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread_id = models.CharField(max_length=64)
    memory_id = models.CharField(max_length=64, blank=True, default="", help_text="the memory this turn stored")
    timestamp = models.FloatField(help_text="Unix seconds of the request")
    created_at = models.DateTimeField(default=timezone.now)
    ab_arm = models.CharField(max_length=16, choices=ABArm.choices)
    is_question = models.BooleanField(default=False)
    query = models.TextField(help_text="the user's message, anonymized")
    answer = models.TextField(blank=True, default="", help_text="the answer, anonymized")
    response_type = models.CharField(max_length=16, blank=True, default="")
    slots_inferred = models.JSONField(default=list, blank=True)
    slot_source = models.CharField(max_length=32, blank=True, default="")
    facts_injected = models.JSONField(default=list, blank=True)
    facts_extracted = models.JSONField(default=list, blank=True)
    predictions = models.JSONField(default=list, blank=True)
    model_versions = models.JSONField(default=dict, blank=True)
    prompts = models.JSONField(default=list, blank=True, help_text="questions the answer asked the user")
    latency_ms = models.FloatField(null=True, blank=True)
    detection_status = models.CharField(max_length=16, blank=True, default="")
    contradiction_detected = models.BooleanField(default=False)
    contradictions = models.JSONField(default=list, blank=True)
    unresolved_total = models.IntegerField(default=0)
    error = models.TextField(blank=True, default="")
    sample_reason = models.CharField(max_length=32)
    sample_rate = models.FloatField()
    pii_found = models.JSONField(default=dict, blank=True, help_text="{kind: count} replaced before storage")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "created_at"], name="learning_inter_owner_created"),
            models.Index(fields=["ab_arm", "created_at"], name="learning_inter_arm_created"),
            models.Index(fields=["memory_id"], name="learning_inter_memory"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.query[:50]}"


class FeedbackKind(models.TextChoices):
    THUMBS = "thumbs", "Thumbs up/down on an answer"
    CORRECTION = "correction", "Correction of a fact"
    REPORT = "report", "Report of incorrect behaviour"
    CONFIRMATION = "confirmation", "Answer to a confirmation or staleness question"


class ReportCategory(models.TextChoices):
    WRONG_ANSWER = "wrong_answer", "Wrong answer"
    WRONG_FACT = "wrong_fact", "Stored a wrong fact"
    MISSED_CONTRADICTION = "missed_contradiction", "Missed a contradiction"
    FALSE_CONTRADICTION = "false_contradiction", "Flagged something that is not a contradiction"
    PRIVACY = "privacy", "Privacy concern"
    OTHER = "other", "Other"


class ConfirmationKind(models.TextChoices):
    EXTRACTION = "extraction", "Did I understand this fact right?"
    STALENESS = "staleness", "Is this fact still true?"


class Feedback(models.Model):
    """One piece of user feedback.

    ``interaction_request_id`` / ``memory_id`` point at the turn it is about (the interaction may
    have been sampled out of the log; the memory always exists). ``rating`` is +1/−1 for thumbs.
    ``slot``/``value`` name the fact of a correction or confirmation; ``confirmed`` answers a
    confirmation. ``context`` keeps the features a training label needs, computed when the
    feedback arrived (anonymized). ``applied_memory_id`` is the memory a correction was stored as.
    """

    feedback_id = models.CharField(max_length=64, unique=True, default=new_feedback_id)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=FeedbackKind.choices)
    ab_arm = models.CharField(max_length=16, choices=ABArm.choices)
    thread_id = models.CharField(max_length=64, blank=True, default="")
    interaction_request_id = models.CharField(max_length=64, blank=True, default="")
    memory_id = models.CharField(max_length=64, blank=True, default="")
    ledger_id = models.CharField(max_length=64, blank=True, default="")
    rating = models.SmallIntegerField(null=True, blank=True)
    category = models.CharField(max_length=32, blank=True, default="")
    slot = models.CharField(max_length=32, blank=True, default="")
    value = models.CharField(max_length=255, blank=True, default="")
    confirmed = models.BooleanField(null=True, blank=True)
    comment = models.TextField(blank=True, default="")
    context = models.JSONField(default=dict, blank=True)
    applied_memory_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "feedback"
        indexes = [
            models.Index(fields=["owner", "kind"], name="learning_fb_owner_kind"),
            models.Index(fields=["ab_arm", "kind"], name="learning_fb_arm_kind"),
            models.Index(fields=["interaction_request_id"], name="learning_fb_interaction"),
        ]
        constraints = [
            # One vote per user and answer: voting again changes the vote.
            models.UniqueConstraint(fields=["owner", "memory_id"], condition=Q(kind="thumbs"),
                                    name="learning_fb_one_thumb_per_answer"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__in=[-1, 1]),
                                   name="learning_fb_rating_pm1"),
        ]

    def __str__(self) -> str:
        return f"{self.feedback_id}: {self.kind}"


class SyntheticExample(models.Model):
    """One labeled synthetic example (cold start). ``inputs``/``label`` follow the model's spec
    (``learning/ml/<model>.py``); ``batch`` identifies one bootstrap run."""

    model_name = models.CharField(max_length=64, choices=[(n, n) for n in MODEL_NAMES])
    inputs = models.JSONField()
    label = models.JSONField()
    group = models.CharField(max_length=255, blank=True, default="")
    batch = models.CharField(max_length=64)
    generator_version = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["model_name", "batch"], name="learning_synth_model_batch")]

    def __str__(self) -> str:
        return f"{self.model_name} example {self.pk}"


class ModelStatus(models.TextChoices):
    CANDIDATE = "candidate", "Candidate (trained, not serving)"
    ACTIVE = "active", "Active (serving)"
    RETIRED = "retired", "Retired (served before)"


class ModelVersion(models.Model):
    """One trained version of one model (the registry).

    ``metric`` is the spec's primary held-out metric (higher is better); ``baseline_metric`` the
    rule-based baseline's and ``champion_metric`` the then-active version's on the *same* held-out
    examples. ``artifact`` is the joblib-serialized pipeline, ``artifact_sha256`` its checksum
    (verified on every load). At most one version per name is ``active`` (database constraint).
    """

    name = models.CharField(max_length=64, choices=[(n, n) for n in MODEL_NAMES])
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=ModelStatus.choices, default=ModelStatus.CANDIDATE)
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    feature_version = models.CharField(max_length=64)
    metric_name = models.CharField(max_length=64)
    metric = models.FloatField()
    baseline_metric = models.FloatField(null=True, blank=True)
    champion_metric = models.FloatField(null=True, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    training_rows = models.PositiveIntegerField(default=0)
    training_real_rows = models.PositiveIntegerField(default=0)
    heldout_rows = models.PositiveIntegerField(default=0)
    training_seconds = models.FloatField(default=0.0)
    trained_by = models.CharField(max_length=64, blank=True, default="")
    decision = models.TextField(blank=True, default="", help_text="why it was or was not activated")
    artifact = models.BinaryField()
    artifact_sha256 = models.CharField(max_length=64)
    artifact_bytes = models.PositiveIntegerField()

    class Meta:
        ordering = ["name", "-version"]
        indexes = [models.Index(fields=["name", "status"], name="learning_mv_name_status")]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="learning_mv_unique_version"),
            models.UniqueConstraint(fields=["name"], condition=Q(status="active"), name="learning_mv_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version} ({self.status})"


class PolicyDecision(models.Model):
    """The resolution policy's decision for one ledger entry (one row per entry).

    ``source`` is ``learned`` (``model_version`` says which) or ``rules``; ``applied`` is True when
    the decision was carried out (an auto-update through ``ledger.services.auto_resolve``).
    """

    ledger_id = models.CharField(max_length=64, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ab_arm = models.CharField(max_length=16, choices=ABArm.choices)
    action = models.CharField(max_length=16)
    probabilities = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=16)
    model_version = models.CharField(max_length=32, blank=True, default="")
    applied = models.BooleanField(default=False)
    applied_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "created_at"], name="learning_pd_owner_created")]

    def __str__(self) -> str:
        return f"{self.ledger_id}: {self.action} ({self.source})"
