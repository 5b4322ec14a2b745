"""The tamper-evidence format of the ledger: canonical JSON and the SHA-256 hash chain.

Pure Python (standard library only), so the same rules can be re-implemented by an auditor
(``docs/verify_export.py`` does so independently, in one screen).

Every ledger entry and every resolution event stores ``seq`` (1, 2, 3, … per table, no gaps),
``prev_hash`` (the ``row_hash`` of the row with ``seq - 1``; :data:`GENESIS_HASH` for seq 1) and
``row_hash``::

    row_hash = sha256(canonical_json({"v": 1, "table": T, "seq": seq, "prev_hash": prev_hash,
                                      "fields": {name: canonical_text(value), ...}})).hexdigest()

``canonical_json`` sorts keys, uses no whitespace and UTF-8 (``ensure_ascii=False``).
``canonical_text`` turns every field into a string in one documented way, so that a CSV export
(where everything is text) and a JSON export (native types) hash identically:

* ``None`` → ``""``; ``True``/``False`` → ``"true"``/``"false"``; ``int`` → decimal digits;
* ``float`` → Python's shortest round-trip ``repr`` (``0.1`` → ``"0.1"``), which is also what
  ``json.dumps`` writes, so a float read back from a JSON export gives the same text;
* ``datetime`` → UTC ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (PostgreSQL keeps microseconds);
* ``dict``/``list`` → canonical JSON; ``str`` → itself.

Design source: baseline choice following RFC 8785's idea (sorted keys, fixed number text), kept
simpler because every value is reduced to a string first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Iterable, Mapping

#: ``prev_hash`` of the first row of each chain.
GENESIS_HASH = "0" * 64
#: Version of the hashing rules above; stored in every hash input as ``"v"``.
HASH_VERSION = 1

#: Table names used inside the hash input (one chain per table).
ENTRY_TABLE = "contradiction_entry"
EVENT_TABLE = "resolution_event"

#: Fields of a ledger entry covered by its hash (everything recorded at detection; not the
#: denormalized ``status``, which is derived from the event chain and checked against it).
ENTRY_HASHED_FIELDS = (
    "ledger_id", "owner_id", "thread_id", "memory_a_id", "memory_b_id", "timestamp", "created_at",
    "contradiction_type", "severity", "confidence", "drift_mean", "drift_max", "slot", "old_value",
    "new_value", "old_text", "new_text", "summary", "evidence", "detection_job_id", "detector_version",
    "recorded_by", "recorded_host", "request_id",
)
#: Fields of a resolution event covered by its hash (all of them).
EVENT_HASHED_FIELDS = (
    "event_id", "entry_id", "owner_id", "thread_id", "action", "from_status", "to_status", "method",
    "note", "user_answer", "chosen_memory_id", "merged_memory_id", "undoes_id", "trust_changes",
    "actor_kind", "actor_id", "actor_name", "host", "user_agent", "request_id", "via", "timestamp",
    "created_at",
)


def canonical_json(value: Any) -> str:
    """JSON text with sorted keys, no whitespace, non-ASCII kept as UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_text(value: Any) -> str:
    """The one string form of a field value used in hashes and CSV exports (rules above).

    Raises ``TypeError`` for a type the rules do not cover.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise TypeError("naive datetime in a hashed field")
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, (dict, list, tuple)):
        return canonical_json(value)
    raise TypeError(f"cannot canonicalise {type(value).__name__}")


def row_hash(*, table: str, seq: int, prev_hash: str, fields: Mapping[str, Any], names: Iterable[str]) -> str:
    """SHA-256 hex digest (64 chars) of one row: its chain position and its ``names`` fields."""
    payload = {
        "v": HASH_VERSION,
        "table": table,
        "seq": int(seq),
        "prev_hash": prev_hash,
        "fields": {name: canonical_text(fields[name]) for name in names},
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def entry_hash(*, seq: int, prev_hash: str, fields: Mapping[str, Any]) -> str:
    """``row_hash`` of a ledger entry given its :data:`ENTRY_HASHED_FIELDS` values."""
    return row_hash(table=ENTRY_TABLE, seq=seq, prev_hash=prev_hash, fields=fields, names=ENTRY_HASHED_FIELDS)


def event_hash(*, seq: int, prev_hash: str, fields: Mapping[str, Any]) -> str:
    """``row_hash`` of a resolution event given its :data:`EVENT_HASHED_FIELDS` values."""
    return row_hash(table=EVENT_TABLE, seq=seq, prev_hash=prev_hash, fields=fields, names=EVENT_HASHED_FIELDS)


def find_break(rows: Iterable[Mapping[str, Any]], *, table: str, names: Iterable[str]) -> dict | None:
    """Walk rows in ``seq`` order and return the first break, or None if the chain holds.

    Each row needs ``seq``, ``prev_hash``, ``row_hash`` and the ``names`` fields. A break is
    ``{"seq", "row", "problem"}`` where ``row`` is the row itself and ``problem`` one of
    ``"seq_gap"`` (a row before it is missing: deleted), ``"prev_hash_mismatch"`` (linkage
    broken: a row was removed or re-hashed) or ``"row_hash_mismatch"`` (its content changed).
    """
    names = tuple(names)
    expected_seq, expected_prev = 1, GENESIS_HASH
    for row in rows:
        if int(row["seq"]) != expected_seq:
            return {"seq": int(row["seq"]), "row": row, "problem": "seq_gap", "expected_seq": expected_seq}
        if row["prev_hash"] != expected_prev:
            return {"seq": expected_seq, "row": row, "problem": "prev_hash_mismatch"}
        recomputed = row_hash(table=table, seq=expected_seq, prev_hash=expected_prev, fields=row, names=names)
        if recomputed != row["row_hash"]:
            return {"seq": expected_seq, "row": row, "problem": "row_hash_mismatch"}
        expected_seq, expected_prev = expected_seq + 1, row["row_hash"]
    return None
