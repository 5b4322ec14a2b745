"""Writes to memories and facts. Other apps change memories only through these functions."""

from __future__ import annotations

import logging
from typing import Iterable

from django.db import connection, transaction

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
    _write_embeddings(missing)
    return len(missing)


def _vector_literal(vector) -> str:
    """pgvector's text form ``[x,y,...]`` of a float32 vector (``repr`` keeps every float32 digit)."""
    return "[" + ",".join(map(repr, vector.tolist())) + "]"


def _write_embeddings(memories: list[Memory]) -> None:
    """Save the memories' embeddings in one ``UPDATE … FROM unnest(…)`` statement.

    Django's ``bulk_update`` writes a ``CASE`` with one branch per row, which PostgreSQL then
    evaluates for every row: 55 ms per call for 16–40 memories, a tenth of a detection batch
    (profiled 2026-11-22, docs/BENCHMARKS.md, pipeline section); this form costs what the row
    writes and index inserts cost.
    """
    table = Memory._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS m SET embedding = v.e::vector "  # table name from the model, not from input
            "FROM unnest(%s::text[], %s::text[]) AS v(id, e) WHERE m.memory_id = v.id",
            [[m.memory_id for m in memories], [_vector_literal(m.embedding) for m in memories]])


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


#: v0.9 trust update when a memory is confirmed: τ ← τ + 0.1·(1 − drift) (CRT v0.9 docs, NOTES.md).
ALIGNED_TRUST_RATE = 0.1


def update_trust(*, memory_id: str, rule: str, drift: float | None = None, delta: float | None = None) -> tuple[float, float]:
    """Change one memory's trust by a named rule; returns (trust before, trust after), both in [0, 1].

    ``rule`` is ``"aligned"`` (τ ← τ + 0.1·(1 − drift), the user confirmed it), ``"contradicted"``
    (τ ← τ·(1 − 0.15·drift)) — both from CRT v0.9's docs, ``drift`` clipped to [0, 1] and a missing
    drift counting as 1 — or ``"shift"`` (τ ← τ + ``delta``, used to undo an earlier change).
    The result is clipped to [0, 1]. Raises ``Memory.DoesNotExist`` for an unknown id and
    ``ValueError`` for an unknown rule.
    """
    clipped = 1.0 if drift is None else min(max(drift, 0.0), 1.0)
    with transaction.atomic():
        memory = Memory.objects.select_for_update().get(memory_id=memory_id)
        before = memory.trust
        if rule == "aligned":
            after = before + ALIGNED_TRUST_RATE * (1 - clipped)
        elif rule == "contradicted":
            after = before * (1 - CONTRADICTED_TRUST_RATE * clipped)
        elif rule == "shift":
            after = before + float(delta or 0.0)
        else:
            raise ValueError(f"unknown trust rule {rule!r}")
        memory.trust = round(min(max(after, 0.0), 1.0), 6)
        memory.save(update_fields=["trust", "updated_at"])
    return before, memory.trust


# --------------------------------------------------------------------------- CRT v0.9 import (issue 6)
#: PostgreSQL binary COPY type of each Django field type the import writes.
_COPY_TYPES = {"CharField": "varchar", "TextField": "text", "FloatField": "float8", "BooleanField": "bool",
               "DateTimeField": "timestamptz", "BigIntegerField": "int8", "IntegerField": "int4",
               "AutoField": "int4", "BigAutoField": "int8", "VectorField": "vector"}


def _copy_type(field) -> str:
    if field.is_relation:
        field = field.target_field
    return _COPY_TYPES[field.get_internal_type()]


def _copy_rows(cursor, model, columns: list[str], rows: Iterable[tuple]) -> None:
    """Binary ``COPY`` of ``rows`` (tuples in ``columns`` order) into ``model``'s table."""
    fields = [model._meta.get_field(name) for name in columns]
    types = [_copy_type(field) for field in fields]
    names = ", ".join(f'"{field.column}"' for field in fields)
    with cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN (FORMAT BINARY)') as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def import_memories(*, owner, records, run_id: str) -> int:
    """Store memories imported from CRT v0.9 with their facts and provenance, in the caller's transaction.

    ``records`` are :class:`memory.v09import.mapping.MemoryRecord` whose ``vector`` is set (the
    importer re-embeds the invalid ones first). Each memory keeps its v0.9 id, text, timestamp,
    confidence and trust; ``source`` is ``import``; ``created_at`` is its v0.9 time. Facts are
    extracted exactly as :func:`store_memory` does (none for questions), so imported memories
    take part in detection like native ones. One :class:`~memory.models.ImportedMemory` row per
    memory records the run and the v0.9 columns Memory has no place for. Written with binary
    ``COPY``: for 384-d vectors many times faster than ``bulk_create`` (``bench/import.py
    --insert-methods``, figures in docs/BENCHMARKS.md).
    Returns the number of memories written. Raises ``django.db.IntegrityError`` if an id exists.
    """
    from django.db import connection
    from django.utils import timezone
    from pgvector.psycopg.vector import register_vector_info
    from psycopg.types import TypeInfo

    from memory.models import ImportedMemory
    from memory.v09import.canonical import canonical_json

    records = list(records)
    if not records:
        return 0
    now = timezone.now()
    raw = connection.connection
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        register_vector_info(cursor, TypeInfo.fetch(raw, "vector"))  # binary vectors on this cursor only
        _copy_rows(cursor, Memory,
                   ["memory_id", "owner", "thread_id", "session_id", "text", "embedding", "timestamp", "confidence",
                    "trust", "source", "sse_mode", "user_marked_important", "is_question", "created_at", "updated_at"],
                   ((r.memory_id, owner.pk, r.thread_id, "", r.text, r.vector, r.timestamp, r.confidence, r.trust,
                     MemorySource.IMPORT, r.sse_mode, False, r.is_question, r.created_at, now) for r in records))
        facts = []
        for r in records:
            if r.is_question:
                continue
            for fact in extract_facts(r.text):
                facts.append((r.memory_id, owner.pk, r.thread_id, fact.slot, fact.value[:255], fact.normalized[:255],
                              fact.negated, fact.span[:500], EXTRACTOR_VERSION))
        _copy_rows(cursor, Fact, ["memory", "owner", "thread_id", "slot", "value", "normalized", "negated", "span",
                                  "extractor_version"], facts)
        _copy_rows(cursor, ImportedMemory, ["memory", "run", "vector_status", "v09_row", "imported_at"],
                   ((r.memory_id, run_id, r.vector_status, canonical_json(r.v09_row), now) for r in records))
    return len(records)
