"""The contradiction ledger (seed 000: ``contradiction_ledger``), one entry per detected pair.

Entries are written by the detection worker through :func:`ledger.services.record_contradiction`.
The append-only event model, provenance chain and resolution flow arrive with the enterprise
ledger work; this table already carries what they need (owner, detector evidence, job).
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


def new_ledger_id() -> str:
    """A fresh ledger id, ``led_<32 hex>``."""
    return f"led_{uuid.uuid4().hex}"


class ContradictionType(models.TextChoices):
    CONFLICT = "CONFLICT", "Conflict"
    REVISION = "REVISION", "Revision"
    TEMPORAL = "TEMPORAL", "Temporal update"
    DENIAL = "DENIAL", "Denial"
    REFINEMENT = "REFINEMENT", "Refinement (not a conflict)"


class Severity(models.TextChoices):
    """Seed 003's contradiction severity levels."""

    LOW = "LOW", "Low"
    MEDIUM = "MEDIUM", "Medium"
    HIGH = "HIGH", "High"
    CRITICAL = "CRITICAL", "Critical"


class LedgerStatus(models.TextChoices):
    OPEN = "open", "Open"
    ASKED = "asked", "Asked"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"
    AUTO_RESOLVED = "auto_resolved", "Auto-resolved"


#: Statuses that count as unresolved in API metadata (v0.9: ``unresolved_contradictions_total``).
UNRESOLVED_STATUSES = (LedgerStatus.OPEN, LedgerStatus.ASKED)
#: Types counted as ``unresolved_hard_conflicts``: the user's statements cannot both be true now.
HARD_TYPES = (ContradictionType.CONFLICT, ContradictionType.DENIAL, ContradictionType.REVISION)


class ContradictionEntry(models.Model):
    """A contradiction between an older memory (``memory_a``) and a newer one (``memory_b``).

    ``drift_mean``/``drift_max`` are 1 − cosine similarity of the two embeddings (v0.9's drift);
    ``confidence`` in [0, 1] is the detector's; ``evidence`` records the rule and scores.
    """

    ledger_id = models.CharField(max_length=64, primary_key=True, default=new_ledger_id)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ledger_entries")
    timestamp = models.FloatField(default=time.time, help_text="Unix seconds of detection")
    status = models.CharField(max_length=16, choices=LedgerStatus.choices, default=LedgerStatus.OPEN)
    contradiction_type = models.CharField(max_length=32, choices=ContradictionType.choices)
    severity = models.CharField(max_length=16, choices=Severity.choices, default=Severity.MEDIUM)
    drift_mean = models.FloatField(null=True, blank=True)
    drift_max = models.FloatField(null=True, blank=True)
    confidence = models.FloatField(default=0.0)
    memory_a = models.ForeignKey("memory.Memory", on_delete=models.PROTECT, related_name="+",
                                 help_text="the older memory")
    memory_b = models.ForeignKey("memory.Memory", on_delete=models.PROTECT, related_name="+",
                                 help_text="the newer memory")
    thread_id = models.CharField(max_length=64)
    slot = models.CharField(max_length=32, blank=True, default="")
    old_value = models.TextField(blank=True, default="")
    new_value = models.TextField(blank=True, default="")
    summary = models.TextField(blank=True, default="")
    evidence = models.JSONField(default=dict, blank=True)
    detection_job = models.ForeignKey("detection.DetectionJob", on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="ledger_entries")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "contradiction"
        verbose_name_plural = "contradictions"
        ordering = ["-timestamp"]
        indexes = [
            models.Index(fields=["status"], name="ledger_status"),
            models.Index(fields=["thread_id"], name="ledger_thread_id"),
            models.Index(fields=["owner", "thread_id", "status"], name="ledger_owner_thread_status"),
        ]
        constraints = [
            # A pair of memories is contradicted at most once per slot: re-running a job is a no-op.
            models.UniqueConstraint(fields=["memory_a", "memory_b", "slot"], name="ledger_unique_pair_slot"),
            models.CheckConstraint(condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                                   name="ledger_confidence_0_1"),
        ]

    def __str__(self) -> str:
        return f"{self.ledger_id}: {self.summary}"
