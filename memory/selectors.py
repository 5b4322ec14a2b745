"""Reads of memories and facts, always scoped to one owner."""

from __future__ import annotations

from typing import Sequence

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from memory.models import Fact, Memory

#: Nearest earlier memories (by cosine) checked for each new one, on top of every memory that
#: states one of the new memory's slots. Baseline choice; the detection benchmark tunes it.
CANDIDATE_NEIGHBOURS = 20


def recent_memories(*, owner, thread_id: str | None = None, limit: int = 20) -> QuerySet[Memory]:
    """The owner's newest memories (optionally of one thread), newest first, at most ``limit``."""
    qs = Memory.objects.filter(owner=owner)
    if thread_id is not None:
        qs = qs.filter(thread_id=thread_id)
    return qs.order_by("-timestamp")[:limit]


def get_memory(*, owner, memory_id: str) -> Memory:
    """The owner's memory with this id. Raises ``Memory.DoesNotExist`` (also for others' ids)."""
    return Memory.objects.get(owner=owner, memory_id=memory_id)


def _earlier_in_thread(memory: Memory) -> QuerySet[Memory]:
    return Memory.objects.filter(owner_id=memory.owner_id, thread_id=memory.thread_id).filter(
        Q(timestamp__lt=memory.timestamp) | Q(timestamp=memory.timestamp, memory_id__lt=memory.memory_id)
    )


def nearest_in_thread(*, memory: Memory, vector: Sequence[float], k: int) -> list[str]:
    """Ids of the ``k`` earlier memories of ``memory``'s thread closest to ``vector`` by cosine.

    Exact: the thread's rows come through the btree index inside a MATERIALIZED CTE and are then
    ordered by distance, so the HNSW index cannot be used with a post-filter (NOTES.md: that path
    returned 0 rows for a 40-row thread among 200,000). Memories without an embedding are skipped.
    """
    sql = """
        WITH thread AS MATERIALIZED (
            SELECT memory_id, embedding FROM memory_memory
            WHERE owner_id = %s AND thread_id = %s AND embedding IS NOT NULL
              AND (timestamp < %s OR (timestamp = %s AND memory_id < %s))
        )
        SELECT memory_id FROM thread ORDER BY embedding <=> %s::vector LIMIT %s
    """
    literal = "[" + ",".join(f"{float(x):.7g}" for x in vector) + "]"
    ts = memory.timestamp
    with connection.cursor() as cursor:
        cursor.execute(sql, [memory.owner_id, memory.thread_id, ts, ts, memory.memory_id, literal, k])
        return [row[0] for row in cursor.fetchall()]


def detection_candidates(*, memory: Memory, k: int = CANDIDATE_NEIGHBOURS) -> list[Memory]:
    """Earlier memories of the thread to compare ``memory`` with, oldest first, facts prefetched.

    The union of (a) the ``k`` nearest by cosine (``memory.embedding`` must be set) and (b) every
    earlier memory with a fact in one of ``memory``'s fact slots.
    """
    slots = list(memory.facts.values_list("slot", flat=True).distinct())
    ids = set(nearest_in_thread(memory=memory, vector=memory.embedding, k=k)) if memory.embedding is not None else set()
    if slots:
        ids.update(
            Fact.objects.filter(owner_id=memory.owner_id, thread_id=memory.thread_id, slot__in=slots)
            .filter(memory__in=_earlier_in_thread(memory))
            .values_list("memory_id", flat=True)
        )
    return list(
        Memory.objects.filter(memory_id__in=ids)
        .prefetch_related(Prefetch("facts", queryset=Fact.objects.order_by("id")))
        .order_by("timestamp", "memory_id")
    )


def thread_facts(*, owner, thread_id: str, slots: Sequence[str], before: float | None = None) -> list[Fact]:
    """Facts of the given slots stated in a thread, in statement order (oldest first)."""
    qs = Fact.objects.filter(owner=owner, thread_id=thread_id, slot__in=list(slots)).select_related("memory")
    if before is not None:
        qs = qs.filter(memory__timestamp__lte=before)
    return list(qs.order_by("memory__timestamp", "id"))


def search_thread(*, owner, thread_id: str, query: str, limit: int = 3) -> list[Memory]:
    """Statements of a thread matching ``query`` by PostgreSQL full-text rank (best first).

    Questions are excluded. Returns at most ``limit`` memories; an empty list when nothing matches.
    """
    terms = [word for word in query.replace("?", " ").split() if len(word) > 2]
    if not terms:
        return []
    # websearch syntax with OR: any content word may match; stop words drop out in to_tsquery.
    search_query = SearchQuery(" OR ".join(terms), search_type="websearch", config="english")
    vector = SearchVector("text", config="english")
    return list(
        Memory.objects.filter(owner=owner, thread_id=thread_id, is_question=False)
        .annotate(rank=SearchRank(vector, search_query))
        .filter(rank__gt=0)
        .order_by("-rank", "-timestamp")[:limit]
    )
