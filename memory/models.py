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
