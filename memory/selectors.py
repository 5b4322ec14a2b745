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


# --------------------------------------------------------------------------- batched detection (issue 5)
#: Columns the detection worker needs of a memory (the text is re-extracted, the vector compared).
DETECTION_FIELDS = ("memory_id", "owner_id", "thread_id", "text", "timestamp", "embedding")


def memories_for_detection(*, memory_ids: Sequence[str]) -> dict[str, Memory]:
    """The memories with these ids, only :data:`DETECTION_FIELDS` loaded, as ``{memory_id: Memory}``.

    One query; unknown ids are simply absent. No owner scoping: the ids come from detection jobs,
    which belong to the memory's owner.
    """
    if not memory_ids:
        return {}
    return {m.memory_id: m for m in Memory.objects.filter(memory_id__in=list(memory_ids)).only(*DETECTION_FIELDS)}


def memories_without_embedding(*, memory_ids, limit: int) -> list[Memory]:
    """Up to ``limit`` of the given memories whose embedding is still NULL, oldest first.

    ``memory_ids`` may be a list or a values-queryset of ids (it becomes a subquery: one query).
    """
    return list(Memory.objects.filter(memory_id__in=memory_ids, embedding__isnull=True)
                .order_by("timestamp").only("memory_id", "text", "embedding")[:limit])


def unembedded_in_threads(*, threads: Sequence[tuple[int, str]]) -> list[Memory]:
    """Memories of the given ``(owner_id, thread_id)`` threads that have no embedding yet.

    One query (index ``memory_owner_thread_ts``). Used by detection under the threads' locks so
    that the exact kNN also sees memories whose own job has not run yet.
    """
    if not threads:
        return []
    condition = Q()
    for owner_id, thread_id in set(threads):
        condition |= Q(owner_id=owner_id, thread_id=thread_id)
    return list(Memory.objects.filter(condition, embedding__isnull=True).only("memory_id", "text", "embedding"))


def detection_candidate_ids(*, memory_ids: Sequence[str], k: int = CANDIDATE_NEIGHBOURS
                            ) -> dict[str, list[tuple[str, float]]]:
    """Candidates of many new memories at once: ``{memory_id: [(candidate_id, timestamp), ...]}``.

    For each memory of ``memory_ids`` (which must be committed and embedded): the union of (a)
    its ``k`` nearest earlier memories of its own owner and thread by cosine, **exactly**, and
    (b) every earlier memory of that thread with a fact in one of its fact slots — the same set
    as :func:`detection_candidates`, in one query for the whole batch instead of four per
    memory. Candidates are sorted oldest first (timestamp, id).

    Exactness: the kNN orders by ``(distance) + 0``, an expression the HNSW index cannot serve,
    so PostgreSQL scans the thread's rows (btree) and sorts them; an HNSW scan with this filter
    could return fewer rows (NOTES.md, measured 0 rows). ``tests/integration`` checks it against
    :func:`nearest_in_thread`.
    """
    if not memory_ids:
        return {}
    ids = list(memory_ids)
    found: dict[str, dict[str, float]] = {mid: {} for mid in ids}
    sql = """
        SELECT b.memory_id, c.memory_id, c.timestamp
        FROM memory_memory b
        CROSS JOIN LATERAL (
            SELECT m.memory_id, m.timestamp FROM memory_memory m
            WHERE m.owner_id = b.owner_id AND m.thread_id = b.thread_id AND m.embedding IS NOT NULL
              AND (m.timestamp < b.timestamp OR (m.timestamp = b.timestamp AND m.memory_id < b.memory_id))
            ORDER BY (m.embedding <=> b.embedding) + 0 LIMIT %s
        ) c
        WHERE b.memory_id = ANY(%s) AND b.embedding IS NOT NULL
        UNION
        SELECT b.memory_id, m.memory_id, m.timestamp
        FROM memory_memory b
        JOIN memory_fact fb ON fb.memory_id = b.memory_id
        JOIN memory_fact fm ON fm.owner_id = b.owner_id AND fm.thread_id = b.thread_id AND fm.slot = fb.slot
        JOIN memory_memory m ON m.memory_id = fm.memory_id
        WHERE b.memory_id = ANY(%s)
          AND (m.timestamp < b.timestamp OR (m.timestamp = b.timestamp AND m.memory_id < b.memory_id))
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [k, ids, ids])
        rows = cursor.fetchall()
    for new_id, candidate_id, timestamp in rows:
        found[new_id][candidate_id] = timestamp
    return {mid: sorted(((cid, ts) for cid, ts in cands.items()), key=lambda c: (c[1], c[0]))
            for mid, cands in found.items()}
