"""Memories (what a user said in a thread) and the facts extracted from them.

Schema after seed 000 (``memories``), with an owner on every row from day one.
"""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from pgvector.django import HnswIndex, VectorField

#: Dimension of all-MiniLM-L6-v2 sentence embeddings (seed 000: ``VECTOR(384)``).
EMBEDDING_DIMENSIONS = 384


def new_memory_id() -> str:
    """A fresh memory id, ``mem_<32 hex>``."""
    return f"mem_{uuid.uuid4().hex}"


class MemorySource(models.TextChoices):
    USER = "user", "User"
    SYSTEM = "system", "System"
    CORRECTION = "correction", "Correction"
    IMPORT = "import", "Imported"


class Memory(models.Model):
    """One statement a user made in a thread.

    ``timestamp`` is Unix seconds (float), as in v0.9. ``embedding`` is the unit-normalized 384-d
    MiniLM vector; it is NULL until the detection worker has embedded the text (the API path does
    not load the model). ``confidence`` and ``trust`` are in [0, 1] (database check constraints).
    """

    memory_id = models.CharField(max_length=64, primary_key=True, default=new_memory_id)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memories")
    thread_id = models.CharField(max_length=64)
    session_id = models.CharField(max_length=64, blank=True, default="")
    text = models.TextField()
    embedding = VectorField(dimensions=EMBEDDING_DIMENSIONS, null=True, blank=True)
    timestamp = models.FloatField(default=time.time, help_text="Unix seconds")
    confidence = models.FloatField(default=0.9)
    trust = models.FloatField(default=0.7)
    source = models.CharField(max_length=32, choices=MemorySource.choices, default=MemorySource.USER)
    sse_mode = models.CharField(max_length=16, blank=True, default="")
    user_marked_important = models.BooleanField(default=False)
    is_question = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["timestamp"]
        indexes = [
            models.Index(fields=["owner", "thread_id", "timestamp"], name="memory_owner_thread_ts"),
            models.Index(fields=["thread_id"], name="memory_thread_id"),
            models.Index(fields=["-timestamp"], name="memory_timestamp_desc"),
            # Global semantic search. Per-thread candidate retrieval must NOT rely on it: with a
            # selective filter HNSW returns its ef_search neighbours first and filters afterwards
            # (NOTES.md, measured: 0 rows) -- see memory.selectors.nearest_in_thread.
            HnswIndex(name="memory_embedding_hnsw", fields=["embedding"], m=16, ef_construction=64,
                      opclasses=["vector_cosine_ops"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                                   name="memory_confidence_0_1"),
            models.CheckConstraint(condition=Q(trust__gte=0) & Q(trust__lte=1), name="memory_trust_0_1"),
        ]

    def __str__(self) -> str:
        return f"{self.memory_id}: {self.text[:60]}"


class Fact(models.Model):
    """A typed fact (slot, value) the extractor found in a memory, written with the memory.

    Stored at write time so that detection of a later memory finds every earlier statement of
    the same slot, even one whose own detection job has not run yet.
    """

    memory = models.ForeignKey(Memory, on_delete=models.CASCADE, related_name="facts")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    thread_id = models.CharField(max_length=64)
    slot = models.CharField(max_length=32)
    value = models.CharField(max_length=255)
    normalized = models.CharField(max_length=255)
    negated = models.BooleanField(default=False)
    span = models.CharField(max_length=500, blank=True, default="")
    extractor_version = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["owner", "thread_id", "slot"], name="fact_owner_thread_slot")]

    def __str__(self) -> str:
        return f"{self.slot}={'not ' if self.negated else ''}{self.value}"


# --------------------------------------------------------------------------- CRT v0.9 import (issue 6)
# Tables written by ``manage.py import_crt_sqlite`` (package ``memory.v09import``, docs/MIGRATION.md).


def new_import_run_id() -> str:
    """A fresh import run id, ``imp_<32 hex>`` (also the ``request_id`` of imported ledger rows)."""
    return f"imp_{uuid.uuid4().hex}"


class ImportRunStatus(models.TextChoices):
    RUNNING = "running", "Running (or interrupted: the next run resumes it)"
    COMPLETED = "completed", "Completed, verification passed"
    MISMATCH = "mismatch", "Completed, verification found a mismatch"
    FAILED = "failed", "Stopped by an error (the next run resumes it)"


class ImportRun(models.Model):
    """One import of a CRT v0.9 installation (``crt_memory.db`` + ``crt_ledger.db``) for one owner.

    The resume state lives here: ``progress`` is ``{table: last source key committed}``, written
    in the same transaction as each batch, so an interrupted run continues after the last
    committed batch. ``counts`` is ``{table: {"read", "imported", "already_present", "rejected",
    "reembedded"}}`` (rows); ``verification`` the last verification report. The two files are
    identified by absolute path, size in bytes and SHA-256 taken when the run started.
    """

    run_id = models.CharField(max_length=64, primary_key=True, default=new_import_run_id)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    memory_db = models.TextField()
    ledger_db = models.TextField()
    memory_db_sha256 = models.CharField(max_length=64)
    ledger_db_sha256 = models.CharField(max_length=64)
    memory_db_bytes = models.BigIntegerField()
    ledger_db_bytes = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=ImportRunStatus.choices, default=ImportRunStatus.RUNNING)
    phase = models.CharField(max_length=32, default="start")
    progress = models.JSONField(default=dict, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    verification = models.JSONField(null=True, blank=True)
    vector_index_deferred = models.BooleanField(default=False, help_text="the HNSW index was dropped for the bulk load")
    attempts = models.PositiveIntegerField(default=1, help_text="1 + how many times the run was resumed")
    options = models.JSONField(default=dict, blank=True)
    rejects_path = models.TextField(blank=True, default="")
    host = models.CharField(max_length=255, blank=True, default="")
    error = models.TextField(blank=True, default="")
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["owner", "status"], name="import_run_owner_status")]

    def __str__(self) -> str:
        return f"{self.run_id} ({self.status})"


class ImportReject(models.Model):
    """A source row the import could not take, with the reason; never silently dropped.

    ``source_id`` is the row's v0.9 id (``rowid:N`` when the id itself is NULL); ``code`` a short
    reason code (``null_required``, ``missing_memory``, ``bad_json``, …); ``row`` the raw source
    row as canonical JSON text (BLOBs as ``{"$blob": base64}``).
    """

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejects")
    table = models.CharField(max_length=32)
    source_id = models.TextField()
    code = models.CharField(max_length=32)
    detail = models.TextField()
    row = models.TextField(help_text="canonical JSON of the raw source row (jsonb cannot hold NUL characters)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["run", "table"], name="import_reject_run_table")]


class VectorStatus(models.TextChoices):
    """What the import found in v0.9's ``vector_json`` (anything but ``ok`` was re-embedded)."""

    OK = "ok", "Imported as stored"
    MISSING = "missing", "Missing (empty or null)"
    MALFORMED = "malformed", "Not a JSON list of numbers"
    WRONG_DIMENSION = "wrong_dimension", "Not 384 numbers"
    NON_FINITE = "non_finite", "Contains NaN or infinity"
    NOT_UNIT_NORM = "not_unit_norm", "Not unit-normalized (another model or a placeholder)"


class ImportedMemory(models.Model):
    """Provenance of a memory imported from CRT v0.9: which run (file, SHA-256) and the v0.9
    columns that have no lossless home in :class:`Memory`.

    ``v09_row`` is canonical JSON text (not jsonb, which rewrites numbers) of the source row minus
    the columns stored in :class:`Memory` as they were (``memory_id``, ``text``, ``timestamp``,
    ``confidence``, ``trust``) and minus ``vector_json`` when the vector was imported (status
    ``ok``); a vector that was re-embedded keeps its original ``vector_json`` here.
    """

    memory = models.OneToOneField(Memory, on_delete=models.CASCADE, primary_key=True, related_name="v09_import")
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")
    vector_status = models.CharField(max_length=16, choices=VectorStatus.choices)
    v09_row = models.TextField()
    imported_at = models.DateTimeField(auto_now_add=True)


class TrustLogEntry(models.Model):
    """One change of a memory's trust (v0.9's ``trust_log``): τ ``old_trust`` → ``new_trust`` at
    ``timestamp`` (Unix seconds) for ``reason``, with the ``drift`` that caused it if any.

    Rows imported from v0.9 keep ``v09_log_id`` (unique per memory) and their ``import_run``.
    CRT's own trust changes made by resolutions are recorded in the ledger events'
    ``trust_changes``.
    """

    memory = models.ForeignKey(Memory, on_delete=models.PROTECT, related_name="trust_log")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    timestamp = models.FloatField(help_text="Unix seconds")
    old_trust = models.FloatField()
    new_trust = models.FloatField()
    reason = models.TextField(null=True, blank=True)
    drift = models.FloatField(null=True, blank=True)
    v09_log_id = models.BigIntegerField(null=True, blank=True)
    import_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    v09_extra = models.TextField(blank=True, default="", help_text="canonical JSON of extra v0.9 columns")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["timestamp"]
        indexes = [models.Index(fields=["memory", "timestamp"], name="trust_log_memory_ts")]
        constraints = [
            models.UniqueConstraint(fields=["memory", "v09_log_id"], name="trust_log_unique_v09_id",
                                    condition=Q(v09_log_id__isnull=False)),
        ]


class BeliefSpeechEntry(models.Model):
    """One answer of CRT v0.9 (its ``belief_speech`` log): the ``query``, the ``response``,
    whether it was a belief (answered from trusted memories) or speech, the memories it used and
    their average trust. Kept for the record; CRT does not write new rows here.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    v09_entry_id = models.BigIntegerField()
    timestamp = models.FloatField(help_text="Unix seconds")
    query = models.TextField(null=True, blank=True)
    response = models.TextField(null=True, blank=True)
    is_belief = models.BooleanField(null=True)
    memory_ids = models.JSONField(null=True, blank=True, help_text="v0.9 memory_ids_json, parsed")
    trust_avg = models.FloatField(null=True, blank=True)
    source = models.TextField(null=True, blank=True)
    import_run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, related_name="+")
    v09_extra = models.TextField(blank=True, default="", help_text="canonical JSON of extra v0.9 columns")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["timestamp"]
        constraints = [models.UniqueConstraint(fields=["owner", "v09_entry_id"], name="belief_speech_unique_v09_id")]
