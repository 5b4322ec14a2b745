"""The contradiction ledger (seed 000: ``contradiction_ledger``; seed 001 phase 3: the full ledger).

Append-only. A :class:`ContradictionEntry` is written once, by the detection worker through
:func:`ledger.services.record_contradiction`; every later change of its status (asked, resolved,
dismissed, auto-resolved, undo) is a :class:`ResolutionEvent` row. ``ContradictionEntry.status``
is a denormalized copy of the latest event's ``to_status``, written only in the transaction that
appends that event. Database triggers (migration ``0005_append_only_triggers``) refuse every other
UPDATE and every DELETE on both tables, whether it comes from the ORM, the admin or raw SQL.

Both tables carry provenance (who, when, why, request id, host) and a SHA-256 hash chain
(``seq``, ``prev_hash``, ``row_hash``; rules in :mod:`ledger.chain`), checked by
``manage.py verify_ledger`` and by ``docs/verify_export.py`` on an exported file.
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ledger.chain import canonical_json


def new_ledger_id() -> str:
    """A fresh ledger id, ``led_<32 hex>``."""
    return f"led_{uuid.uuid4().hex}"


def new_event_id() -> str:
    """A fresh resolution event id, ``evt_<32 hex>``."""
    return f"evt_{uuid.uuid4().hex}"


class CanonicalJSONField(models.TextField):
    """A JSON value stored as canonical JSON *text* (sorted keys, no whitespace).

    Not ``jsonb``: jsonb rewrites numbers (``1e20`` comes back as ``100000000000000000000``),
    which would change a row's hash. The text in the database is exactly what was hashed.
    """

    description = "JSON stored as canonical text"

    def from_db_value(self, value, expression, connection):
        import json

        return None if value is None else json.loads(value)

    def to_python(self, value):
        import json

        if isinstance(value, str):
            return json.loads(value)
        return value

    def get_prep_value(self, value):
        return None if value is None else canonical_json(value)

    def value_to_string(self, obj):
        return canonical_json(self.value_from_object(obj))


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


class EventAction(models.TextChoices):
    """What a :class:`ResolutionEvent` did (v0.9's resolution methods plus ask/answer/undo)."""

    ASKED = "asked", "Asked the user"
    ANSWERED = "answered", "User answered"
    KEEP_NEW = "keep_new", "Kept the new statement"
    KEEP_OLD = "keep_old", "Kept the old statement"
    KEEP_BOTH = "keep_both", "Kept both statements"
    DISMISS = "dismiss", "Dismissed (not a contradiction)"
    RESOLVE = "resolve", "Resolved (v0.9 method)"
    AUTO_RESOLVE = "auto_resolve", "Auto-resolved"
    UNDO = "undo", "Undid the last resolution"


class ActorKind(models.TextChoices):
    """Who acted: a person in a browser session, an API client with a token, the admin, the system."""

    USER = "user", "User (session)"
    API_CLIENT = "api_client", "API client (token)"
    ADMIN = "admin", "Admin user"
    SYSTEM = "system", "System / worker"


#: Statuses that count as unresolved in API metadata (v0.9: ``unresolved_contradictions_total``).
UNRESOLVED_STATUSES = (LedgerStatus.OPEN, LedgerStatus.ASKED)
#: Statuses reached by a resolution (``undo`` goes back from these).
FINAL_STATUSES = (LedgerStatus.RESOLVED, LedgerStatus.DISMISSED, LedgerStatus.AUTO_RESOLVED)
#: Types counted as ``unresolved_hard_conflicts``: the user's statements cannot both be true now.
HARD_TYPES = (ContradictionType.CONFLICT, ContradictionType.DENIAL, ContradictionType.REVISION)
#: Recorded non-conflicts: never counted as unresolved, never disclosed in answers.
NON_CONFLICT_TYPES = (ContradictionType.REFINEMENT,)


class ContradictionEntry(models.Model):
    """A contradiction between an older memory (``memory_a``) and a newer one (``memory_b``).

    ``drift_mean``/``drift_max`` are 1 − cosine similarity of the two embeddings (v0.9's drift);
    ``confidence`` in [0, 1] is the detector's; ``evidence`` records the rule and scores;
    ``old_text``/``new_text`` are the two statements as they were when detected. Provenance:
    ``recorded_by`` (the system component), ``recorded_host`` (hostname:pid of the worker),
    ``request_id`` (the Celery task id, or the caller's request id), ``detector_version``.
    """

    ledger_id = models.CharField(max_length=64, primary_key=True, default=new_ledger_id)
    seq = models.BigIntegerField(unique=True, editable=False, help_text="position in the entry hash chain (1, 2, …)")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ledger_entries")
    timestamp = models.FloatField(default=time.time, help_text="Unix seconds of detection")
    status = models.CharField(max_length=16, choices=LedgerStatus.choices, default=LedgerStatus.OPEN,
                              help_text="denormalized: the latest resolution event's to_status")
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
    old_text = models.TextField(blank=True, default="", help_text="the older statement, as detected")
    new_text = models.TextField(blank=True, default="", help_text="the newer statement, as detected")
    summary = models.TextField(blank=True, default="")
    evidence = CanonicalJSONField(default=dict, blank=True)
    detection_job = models.ForeignKey("detection.DetectionJob", on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="ledger_entries")
    detector_version = models.CharField(max_length=32, blank=True, default="")
    recorded_by = models.CharField(max_length=64, default="detection-worker")
    recorded_host = models.CharField(max_length=255, blank=True, default="")
    request_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    prev_hash = models.CharField(max_length=64, editable=False)
    row_hash = models.CharField(max_length=64, editable=False)

    search_document = models.GeneratedField(
        expression=SearchVector("slot", "old_value", "new_value", "old_text", "new_text", "summary", "thread_id",
                                config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = "contradiction"
        verbose_name_plural = "contradictions"
        ordering = ["-seq"]
        permissions = [("export_all", "Can list and export ledger entries of all users")]
        indexes = [
            models.Index(fields=["thread_id"], name="ledger_thread_id"),
            models.Index(fields=["owner", "thread_id", "status"], name="ledger_owner_thread_status"),
            models.Index(fields=["owner", "-created_at"], name="ledger_owner_created"),
            models.Index(fields=["created_at"], name="ledger_created_at"),
            # One (filter column, created_at) index per admin list filter: the filtered page, its
            # capped count and the date drill-down are index(-only) scans instead of heap scans
            # (migration 0008; measured in docs/BENCHMARKS.md). status's replaces the old (status).
            models.Index(fields=["status", "created_at"], name="ledger_status_created"),
            models.Index(fields=["contradiction_type", "created_at"], name="ledger_type_created"),
            models.Index(fields=["severity", "created_at"], name="ledger_severity_created"),
            models.Index(fields=["slot", "created_at"], name="ledger_slot_created"),
            GinIndex(fields=["search_document"], name="ledger_search_gin"),
        ]
        constraints = [
            # A pair of memories is contradicted at most once per slot: re-running a job is a no-op.
            models.UniqueConstraint(fields=["memory_a", "memory_b", "slot"], name="ledger_unique_pair_slot"),
            models.CheckConstraint(condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                                   name="ledger_confidence_0_1"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="ledger_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.ledger_id}: {self.summary}"

    @property
    def is_unresolved(self) -> bool:
        """Open or asked, and a real conflict (REFINEMENT entries are recorded non-conflicts)."""
        return self.status in UNRESOLVED_STATUSES and self.contradiction_type not in NON_CONFLICT_TYPES


class ResolutionEvent(models.Model):
    """One status change of a ledger entry, appended, never changed.

    ``action`` says what happened, ``from_status``/``to_status`` the transition. Provenance:
    ``actor_kind``/``actor``/``actor_name`` (who), ``host`` (client address for HTTP, hostname for
    the system), ``user_agent``, ``request_id``, ``via`` (api, api-v0.9, admin, worker, command),
    ``timestamp``/``created_at`` (when), ``note``/``method``/``user_answer`` (why).
    ``trust_changes`` is ``{memory_id: {"before": τ, "after": τ'}}`` for memories whose trust the
    action changed (an undo applies the opposite change). ``undoes`` is the event an undo reverts.
    """

    event_id = models.CharField(max_length=64, primary_key=True, default=new_event_id)
    seq = models.BigIntegerField(unique=True, editable=False, help_text="position in the event hash chain")
    entry = models.ForeignKey(ContradictionEntry, on_delete=models.PROTECT, related_name="events")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              help_text="owner of the entry")
    thread_id = models.CharField(max_length=64)
    action = models.CharField(max_length=16, choices=EventAction.choices)
    from_status = models.CharField(max_length=16, choices=LedgerStatus.choices)
    to_status = models.CharField(max_length=16, choices=LedgerStatus.choices)
    method = models.CharField(max_length=64, blank=True, default="", help_text="v0.9 resolution_method, verbatim")
    note = models.TextField(blank=True, default="")
    user_answer = models.TextField(blank=True, default="")
    chosen_memory_id = models.CharField(max_length=64, blank=True, default="")
    merged_memory_id = models.CharField(max_length=64, blank=True, default="")
    undoes = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="undone_by")
    trust_changes = CanonicalJSONField(default=dict, blank=True)
    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_name = models.CharField(max_length=150)
    host = models.CharField(max_length=255, blank=True, default="")
    user_agent = models.CharField(max_length=255, blank=True, default="")
    request_id = models.CharField(max_length=64, blank=True, default="")
    via = models.CharField(max_length=16)
    timestamp = models.FloatField(default=time.time, help_text="Unix seconds")
    created_at = models.DateTimeField(default=timezone.now)
    prev_hash = models.CharField(max_length=64, editable=False)
    row_hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["entry", "seq"], name="ledger_event_entry_seq")]
        constraints = [models.CheckConstraint(condition=Q(seq__gte=1), name="ledger_event_seq_positive")]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.action} {self.from_status}→{self.to_status}"
