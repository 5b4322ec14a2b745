"""Writes to memories and facts. Other apps change memories only through these functions."""

from __future__ import annotations

import logging
from typing import Iterable

from django.db import transaction

from detection.engine import EXTRACTOR_VERSION, extract_facts, is_question
from memory.embeddings import embed_texts
from memory.models import Fact, Memory, MemorySource

logger = logging.getLogger(__name__)

#: v0.9 trust update when a memory is contradicted: τ ← τ·(1 − 0.15·drift) (CRT v0.9 docs, NOTES.md).
CONTRADICTED_TRUST_RATE = 0.15


def store_memory(
    *,
    owner,
    thread_id: str,
    text: str,
    session_id: str = "",
    user_marked_important: bool = False,
    source: str = MemorySource.USER,
) -> Memory:
    """Store one statement as a memory with the facts extracted from it, atomically.

    Returns the saved :class:`Memory` (embedding still NULL: the detection worker embeds it).
    Facts are extracted here, in the request, because extraction is pure Python (well under a
    millisecond) and a later memory's detection must see this memory's facts even before this
    memory's own job has run. Raises ``django.db.DatabaseError`` on storage failure (nothing kept).
    """
    question = is_question(text)
    with transaction.atomic():
        memory = Memory.objects.create(
            owner=owner,
            thread_id=thread_id,
            text=text,
            session_id=session_id,
            user_marked_important=user_marked_important,
            source=source,
            is_question=question,
        )
        facts = [] if question else extract_facts(text)
        Fact.objects.bulk_create(
            Fact(
                memory=memory,
                owner=owner,
                thread_id=thread_id,
                slot=fact.slot,
                value=fact.value[:255],
                normalized=fact.normalized[:255],
                negated=fact.negated,
                span=fact.span[:500],
                extractor_version=EXTRACTOR_VERSION,
            )
            for fact in facts
        )
    return memory


def ensure_embeddings(*, memories: Iterable[Memory]) -> int:
    """Embed (in one batch) and save the given memories whose embedding is still NULL.

    Mutates the passed instances. Returns how many were embedded.
    """
    missing = [memory for memory in memories if memory.embedding is None]
    if not missing:
        return 0
    vectors = embed_texts([memory.text for memory in missing])
    for memory, vector in zip(missing, vectors):
        memory.embedding = vector
    Memory.objects.bulk_update(missing, ["embedding"])
    return len(missing)


def apply_contradiction_trust(*, memory_id: str, drift: float | None) -> float:
    """Lower the trust of a contradicted memory: τ ← τ·(1 − 0.15·drift) (v0.9 docs, NOTES.md).

    ``drift`` is 1 − cosine similarity in [0, 2]; it is clipped to [0, 1] and a missing drift
    counts as 1. Returns the new trust. Raises ``Memory.DoesNotExist`` for an unknown id.
    """
    drift = 1.0 if drift is None else min(max(drift, 0.0), 1.0)
    with transaction.atomic():
        memory = Memory.objects.select_for_update().get(memory_id=memory_id)
        memory.trust = round(memory.trust * (1 - CONTRADICTED_TRUST_RATE * drift), 6)
        memory.save(update_fields=["trust", "updated_at"])
    return memory.trust
