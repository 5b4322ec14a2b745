"""The CRT v0.9 tables the import reads (schemas from ``../shared/NOTES.md``, checked on v0.9 files).

For each table: which file holds it, its key (the order rows are streamed and resumed in), the
columns that must exist, and the columns whose NULL makes a row unimportable. v0.9's own code
declared more columns ``NOT NULL`` than NOTES.md shows (later ``ALTER TABLE`` migrations relaxed
them); the import refuses a NULL only where CRT needs the value (``required``) and keeps every
other NULL as it was. Columns a file has beyond these (later v0.9 builds added some, e.g.
``contradictions.lifecycle_state``) are imported verbatim as extra columns.
"""

from __future__ import annotations

from dataclasses import dataclass

MEMORY_FILE = "memory"
LEDGER_FILE = "ledger"


@dataclass(frozen=True)
class Table:
    """One v0.9 table: ``name``, ``file`` (``memory``/``ledger``), ``key`` column, ``columns`` that
    must exist, ``required`` columns (NULL → reject), ``integer_key`` (an ``INTEGER PRIMARY KEY``,
    never NULL) and ``parent`` (the contradictions table for tables folded into ledger entries)."""

    name: str
    file: str
    key: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    integer_key: bool = False
    folded: bool = False


MEMORIES = Table(
    "memories", MEMORY_FILE, "memory_id",
    ("memory_id", "vector_json", "text", "timestamp", "confidence", "trust", "source", "sse_mode", "context_json",
     "tags_json", "thread_id", "deprecated", "deprecation_reason"),
    required=("memory_id", "text", "timestamp", "confidence", "trust"),
)
TRUST_LOG = Table(
    "trust_log", MEMORY_FILE, "log_id",
    ("log_id", "memory_id", "timestamp", "old_trust", "new_trust", "reason", "drift"),
    required=("memory_id", "timestamp", "old_trust", "new_trust"), integer_key=True,
)
BELIEF_SPEECH = Table(
    "belief_speech", MEMORY_FILE, "entry_id",
    ("entry_id", "timestamp", "query", "response", "is_belief", "memory_ids_json", "trust_avg", "source"),
    required=("timestamp",), integer_key=True,
)
CONTRADICTIONS = Table(
    "contradictions", LEDGER_FILE, "ledger_id",
    ("ledger_id", "timestamp", "old_memory_id", "new_memory_id", "drift_mean", "drift_reason", "confidence_delta",
     "status", "contradiction_type", "affects_slots", "query", "summary", "resolution_timestamp",
     "resolution_method", "merged_memory_id", "metadata"),
    required=("ledger_id", "timestamp", "old_memory_id", "new_memory_id", "status"),
)
CONFLICT_RESOLUTIONS = Table(
    "conflict_resolutions", LEDGER_FILE, "ledger_id",
    ("ledger_id", "resolution_method", "chosen_memory_id", "user_feedback", "timestamp"),
    required=("ledger_id", "resolution_method"), folded=True,
)
WORKLOG = Table(
    "contradiction_worklog", LEDGER_FILE, "ledger_id",
    ("ledger_id", "first_asked_at", "last_asked_at", "ask_count", "last_user_answer", "last_user_answer_at"),
    required=("ledger_id",), folded=True,
)
LIFECYCLE = Table(
    "contradiction_lifecycle", LEDGER_FILE, "ledger_id",
    ("ledger_id", "state", "detected_at", "settled_at", "archived_at", "confirmation_count", "disclosure_count",
     "last_mentioned", "old_value", "new_value", "freshness_window"),
    required=("ledger_id",), folded=True,
)
REFLECTION_QUEUE = Table(
    "reflection_queue", LEDGER_FILE, "queue_id",
    ("queue_id", "timestamp", "ledger_id", "volatility", "priority", "context_json", "processed"),
    required=("ledger_id",), integer_key=True, folded=True,
)

#: Every table, in import order (memories before what points at them, entries before folded rows).
TABLES: tuple[Table, ...] = (MEMORIES, TRUST_LOG, BELIEF_SPEECH, CONTRADICTIONS, CONFLICT_RESOLUTIONS, WORKLOG,
                             LIFECYCLE, REFLECTION_QUEUE)
BY_NAME = {table.name: table for table in TABLES}
#: Tables folded into ledger entries (their rows live in the entry's evidence and events).
FOLDED = tuple(table for table in TABLES if table.folded)
#: The folded tables keyed by ``ledger_id`` (at most one row per entry).
ONE_PER_ENTRY = (CONFLICT_RESOLUTIONS, WORKLOG, LIFECYCLE)


def tables_of(file: str) -> tuple[Table, ...]:
    """The tables a ``memory`` or ``ledger`` file must hold."""
    return tuple(table for table in TABLES if table.file == file)
