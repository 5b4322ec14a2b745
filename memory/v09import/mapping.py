"""From a CRT v0.9 row to what CRT stores, or the reason it cannot be stored. Pure Python + numpy.

Every ``map_*`` function takes one raw row (a dict from :mod:`.source`) and returns a record or a
:class:`Reject`. The same functions serve the import and the source side of the verification, so
both agree on which rows are importable and on their canonical content.

Rules (documented in docs/MIGRATION.md):

* a NULL in a ``required`` column (:mod:`.schema`), text that is not UTF-8 or holds a NUL
  character (PostgreSQL text cannot), a non-number where a number is needed, a value outside its
  range (trust/confidence in [0, 1]; timestamps Unix seconds before year 10000), an id longer than
  64 characters, a JSON column CRT parses (ledger ``metadata``, ``reflection_queue.context_json``,
  ``belief_speech.memory_ids_json``) that is not JSON, or an unknown v0.9 status/type → reject;
* v0.9 columns CRT has no column for are kept verbatim (memories: in ``ImportedMemory.v09_row``;
  ledger rows: in the entry's ``evidence["v09"]``), so nothing is lost;
* a vector that is missing, not a JSON list of numbers, not 384-dimensional, not finite or not
  unit-normalized (|‖v‖ − 1| > 0.01; CRT's drift is ``1 − dot`` and assumes unit vectors,
  ``detection.engine.rules.compute_drift``) is re-embedded from the text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import astuple, dataclass, field
from typing import Any, Mapping

import numpy as np
import orjson

from detection.engine import extract_facts, is_question, severity as severity_of
from ledger.importing import ImportedEvent
from memory.v09import.canonical import as_float, is_finite_number, plain, vector_digest
from memory.v09import.schema import (
    BELIEF_SPEECH,
    CONFLICT_RESOLUTIONS,
    CONTRADICTIONS,
    LIFECYCLE,
    MEMORIES,
    REFLECTION_QUEUE,
    TRUST_LOG,
    WORKLOG,
    Table,
)
from memory.v09import.source import ROWID, InvalidText

#: Dimension of the vectors CRT stores (all-MiniLM-L6-v2; ``memory.models.EMBEDDING_DIMENSIONS``).
DIMENSIONS = 384
#: Largest |‖v‖ − 1| accepted for a stored vector (baseline choice: JSON rounding of a unit
#: float32 vector stays far below it; a vector of another model or a placeholder does not).
NORM_TOLERANCE = 0.01
#: Longest id CRT stores (``Memory.memory_id``, ``ContradictionEntry.ledger_id``: 64 characters).
MAX_ID = 64
#: ``Memory.thread_id`` / ``Memory.sse_mode`` / ``ContradictionEntry.slot`` lengths.
MAX_THREAD = 64
MAX_SSE_MODE = 16
MAX_SLOT = 32
#: First Unix second CRT cannot store as a datetime (year 10000).
MAX_TIMESTAMP = 253402300800.0
#: More asks than this in one worklog row is corrupt data, not history (baseline choice).
MAX_ASK_COUNT = 10_000
#: Thread of a v0.9 memory without one (v0.9's API default thread).
DEFAULT_THREAD = "default"
#: ``recorded_by`` / ``detector_version`` / ``evidence.rule`` of imported ledger entries.
RECORDED_BY = "import-v0.9"
DETECTOR_VERSION = "crt-v0.9"
RULE = "v0.9"

#: v0.9 status → (CRT status, resolution action or None). v0.9's statuses were open, reflecting
#: (reflection in progress), resolved and accepted (both kept as valid perspectives); its API
#: also let clients set ``dismissed``.
STATUS_MAP = {
    "open": ("open", None),
    "reflecting": ("open", None),
    "resolved": ("resolved", None),
    "accepted": ("resolved", "keep_both"),
    "dismissed": ("dismissed", "dismiss"),
}
#: v0.9 contradiction types (lower case) → CRT's.
TYPE_MAP = {"conflict": "CONFLICT", "revision": "REVISION", "temporal": "TEMPORAL", "refinement": "REFINEMENT",
            "denial": "DENIAL"}
#: v0.9 resolution methods → CRT resolution action (v0.9 crt_ledger.resolve_contradiction's
#: documented methods, plus CRT's own names); anything else is the generic ``resolve``.
METHOD_ACTIONS = {
    "keep_new": "keep_new", "deprecate_old": "keep_new", "user_chose_new": "keep_new",
    "keep_old": "keep_old", "deprecate_new": "keep_old", "user_chose_old": "keep_old",
    "keep_both": "keep_both", "accept_both": "keep_both",
    "dismiss": "dismiss",
}
#: Final status of each resolution action (as ``ledger.services.RESOLUTION_ACTIONS``).
ACTION_STATUS = {"keep_new": "resolved", "keep_old": "resolved", "keep_both": "resolved", "resolve": "resolved",
                 "dismiss": "dismissed"}
#: v0.9 slot names that CRT calls differently (v0.9 ``fact_slots``); others are kept as they are.
SLOT_MAP = {"title": "job_title", "job": "job_title", "school": "education", "hobby": "activity",
            "programming_years": "experience", "favorite_color": "preference", "city": "location"}


# ----------------------------------------------------------------------------------------------
# Rejects
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reject:
    """Why a row cannot be imported: a short ``code`` and a sentence naming the column."""

    code: str
    detail: str


def source_id(row: Mapping[str, Any], table: Table) -> str:
    """The id a reject is reported under: the key, or ``rowid:N`` when the key is NULL."""
    key = row.get(table.key)
    if key is None or isinstance(key, (bytes, InvalidText)):
        return f"rowid:{row.get(ROWID)}"
    return str(key)


def raw_row(row: Mapping[str, Any]) -> dict:
    """The row without the streaming helper column, as plain JSON values (BLOBs in base64)."""
    return plain({k: v for k, v in row.items() if k != ROWID})


def _text_problem(row: Mapping[str, Any], skip: tuple[str, ...] = ()) -> Reject | None:
    for column, value in row.items():
        if column == ROWID or column in skip:
            continue
        if isinstance(value, InvalidText):
            return Reject("invalid_utf8", f"{column} is not valid UTF-8 text")
        if isinstance(value, str) and "\x00" in value:
            return Reject("nul_character", f"{column} contains a NUL character (PostgreSQL text cannot hold it)")
    return None


def _required(row: Mapping[str, Any], table: Table) -> Reject | None:
    for column in table.required:
        if row.get(column) is None:
            return Reject("null_required", f"{column} is NULL (CRT needs it)")
    return None


def _number(row, column, *, low=None, high=None, required=False) -> Reject | None:
    value = row.get(column)
    if value is None:
        return Reject("null_required", f"{column} is NULL (CRT needs it)") if required else None
    if not is_finite_number(value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return Reject("out_of_range", f"{column} is {value!r}, not a finite number")
        return Reject("not_a_number", f"{column} is {plain(value)!r}, not a number")
    if (low is not None and value < low) or (high is not None and value > high):
        return Reject("out_of_range", f"{column} is {value!r}, outside [{low}, {high}]")
    return None


def _timestamp(row, column, *, required=False) -> Reject | None:
    problem = _number(row, column, required=required)
    if problem:
        return problem
    value = row.get(column)
    if value is not None and not 0 <= value < MAX_TIMESTAMP:
        return Reject("out_of_range", f"{column} is {value!r}: not Unix seconds between 1970 and 9999")
    return None


def _string(row, column, *, max_length=None, required=False, nonempty=False) -> Reject | None:
    value = row.get(column)
    if value is None:
        return Reject("null_required", f"{column} is NULL (CRT needs it)") if required else None
    if not isinstance(value, str):
        return Reject("wrong_type", f"{column} is {type(value).__name__}, not text")
    if nonempty and not value.strip():
        return Reject("null_required", f"{column} is empty")
    if max_length is not None and len(value) > max_length:
        return Reject("too_long", f"{column} has {len(value)} characters; CRT stores at most {max_length}")
    return None


def _integer(row, column, *, low=None, high=None) -> Reject | None:
    value = row.get(column)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        return Reject("not_a_number", f"{column} is {plain(value)!r}, not an integer")
    if (low is not None and value < low) or (high is not None and value > high):
        return Reject("out_of_range", f"{column} is {value}, outside [{low}, {high}]")
    return None


def _json(row, column) -> tuple[Any, Reject | None]:
    value = row.get(column)
    if value is None:
        return None, None
    if not isinstance(value, str):
        return None, Reject("bad_json", f"{column} is {type(value).__name__}, not JSON text")
    try:
        return json.loads(value), None
    except ValueError as exc:
        return None, Reject("bad_json", f"{column} is not valid JSON ({exc.msg} at character {exc.pos})")


def _first(*problems) -> Reject | None:
    for problem in problems:
        if problem is not None:
            return problem
    return None


def to_datetime(timestamp: float) -> dt.datetime:
    """Unix seconds → aware UTC datetime (microseconds, as PostgreSQL keeps them)."""
    return dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc)


# ----------------------------------------------------------------------------------------------
# Vectors
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ParsedVector:
    """``status`` (``memory.models.VectorStatus`` value), the float32 vector when ``ok``, and
    ``rounded``: whether float32 changed any value (v0.9 wrote float32 model output, so normally not)."""

    status: str
    vector: np.ndarray | None = None
    rounded: bool = False


def parse_vector(raw: Any) -> ParsedVector:
    """Check v0.9's ``vector_json``: a JSON list of 384 finite numbers with unit norm (module doc)."""
    if raw is None:
        return ParsedVector("missing")
    if not isinstance(raw, str):
        return ParsedVector("malformed")
    text = raw.strip()
    if text in ("", "null", "[]"):
        return ParsedVector("missing")
    try:
        values = orjson.loads(text)  # ~8x faster than json for 384 floats (bench/import.py)
    except orjson.JSONDecodeError:
        try:  # NaN / Infinity: not JSON, but what Python's json.dumps (v0.9) writes for them
            values = json.loads(text)
        except ValueError:
            return ParsedVector("malformed")
    if not isinstance(values, list) or not set(map(type, values)) <= {float, int}:
        return ParsedVector("malformed")
    if len(values) != DIMENSIONS:
        return ParsedVector("wrong_dimension")
    exact = np.asarray(values, dtype=np.float64)
    if not np.isfinite(exact).all():
        return ParsedVector("non_finite")
    if abs(float(np.linalg.norm(exact)) - 1.0) > NORM_TOLERANCE:
        return ParsedVector("not_unit_norm")
    vector = exact.astype(np.float32)
    return ParsedVector("ok", vector, bool((vector.astype(np.float64) != exact).any()))


def vector_key(vector: np.ndarray) -> str:
    """Canonical form of a stored vector: hex SHA-256 of its float32 big-endian bytes."""
    return vector_digest(np.asarray(vector, dtype=">f4").tobytes())


# ----------------------------------------------------------------------------------------------
# memories
# ----------------------------------------------------------------------------------------------
#: Columns of a v0.9 memory stored as they are in ``Memory`` (not repeated in ``v09_row``).
MEMORY_DIRECT = ("memory_id", "text", "timestamp", "confidence", "trust")


@dataclass
class MemoryRecord:
    """A v0.9 memory ready to store: Memory columns, the vector (float32, or None to re-embed),
    and ``v09_row`` (the other v0.9 columns, verbatim)."""

    memory_id: str
    text: str
    timestamp: float
    confidence: float
    trust: float
    thread_id: str
    sse_mode: str
    is_question: bool
    vector: np.ndarray | None
    vector_status: str
    vector_rounded: bool
    v09_row: dict

    @property
    def created_at(self) -> dt.datetime:
        return to_datetime(self.timestamp)


def map_memory(row: Mapping[str, Any]) -> MemoryRecord | Reject:
    """A ``memories`` row → :class:`MemoryRecord`, or why not (module doc)."""
    problem = _first(
        _required(row, MEMORIES),
        _text_problem(row, skip=("vector_json",)),
        _string(row, "memory_id", max_length=MAX_ID, nonempty=True),
        _string(row, "text"),
        _timestamp(row, "timestamp", required=True),
        _number(row, "confidence", low=0.0, high=1.0, required=True),
        _number(row, "trust", low=0.0, high=1.0, required=True),
        _string(row, "thread_id", max_length=MAX_THREAD),
    )
    if problem:
        return problem
    parsed = parse_vector(row.get("vector_json"))
    v09 = {k: v for k, v in raw_row(row).items() if k not in MEMORY_DIRECT}
    if parsed.status == "ok":
        v09.pop("vector_json", None)
    sse_mode = row.get("sse_mode")
    text = row["text"]
    return MemoryRecord(
        memory_id=row["memory_id"], text=text, timestamp=float(row["timestamp"]),
        confidence=float(row["confidence"]), trust=float(row["trust"]),
        thread_id=row.get("thread_id") if row.get("thread_id") is not None else DEFAULT_THREAD,
        sse_mode=sse_mode if isinstance(sse_mode, str) and len(sse_mode) <= MAX_SSE_MODE else "",
        is_question=is_question(text), vector=parsed.vector, vector_status=parsed.status,
        vector_rounded=parsed.rounded, v09_row=v09,
    )


def memory_canonical(record: MemoryRecord) -> dict:
    """Canonical content of an importable memory, from the source side."""
    vector = vector_key(record.vector) if record.vector_status == "ok" else f"reembedded:{record.vector_status}"
    return {**record.v09_row, "memory_id": record.memory_id, "text": record.text, "timestamp": record.timestamp,
            "confidence": record.confidence, "trust": record.trust, "vector": vector}


def memory_canonical_target(*, memory_id, text, timestamp, confidence, trust, embedding, vector_status,
                            v09_row: str) -> dict:
    """Canonical content of an imported memory, read back from CRT (``v09_row`` is its JSON text)."""
    if vector_status == "ok":
        vector = vector_key(embedding) if embedding is not None else "missing-in-crt"
    else:
        vector = f"reembedded:{vector_status}" if embedding is not None else "missing-in-crt"
    return {**json.loads(v09_row), "memory_id": memory_id, "text": text, "timestamp": timestamp,
            "confidence": confidence, "trust": trust, "vector": vector}


# ----------------------------------------------------------------------------------------------
# trust_log and belief_speech
# ----------------------------------------------------------------------------------------------
TRUST_LOG_COLUMNS = ("log_id", "memory_id", "timestamp", "old_trust", "new_trust", "reason", "drift")
BELIEF_COLUMNS = ("entry_id", "timestamp", "query", "response", "is_belief", "memory_ids_json", "trust_avg",
                  "source")


def extras(row: Mapping[str, Any], known: tuple[str, ...]) -> dict:
    """Columns beyond the v0.9 schema, verbatim (plain JSON values)."""
    return {k: v for k, v in raw_row(row).items() if k not in known}


@dataclass
class TrustLogRecord:
    """A v0.9 trust change; ``extra`` holds columns beyond the v0.9 schema."""

    log_id: int
    memory_id: str
    timestamp: float
    old_trust: float
    new_trust: float
    reason: str | None
    drift: float | None
    extra: dict = field(default_factory=dict)


def map_trust_log(row: Mapping[str, Any]) -> TrustLogRecord | Reject:
    """A ``trust_log`` row → :class:`TrustLogRecord`, or why not."""
    problem = _first(
        _required(row, TRUST_LOG), _text_problem(row),
        _string(row, "memory_id", max_length=MAX_ID),
        _timestamp(row, "timestamp", required=True),
        _number(row, "old_trust", required=True), _number(row, "new_trust", required=True),
        _number(row, "drift"), _string(row, "reason"),
    )
    if problem:
        return problem
    return TrustLogRecord(log_id=int(row["log_id"]), memory_id=row["memory_id"], timestamp=float(row["timestamp"]),
                          old_trust=float(row["old_trust"]), new_trust=float(row["new_trust"]),
                          reason=row.get("reason"), drift=as_float(row.get("drift")),
                          extra=extras(row, TRUST_LOG_COLUMNS))


def trust_log_canonical(record: TrustLogRecord) -> dict:
    """Canonical content of a trust log row (same shape from both sides)."""
    return {**record.extra, "log_id": record.log_id, "memory_id": record.memory_id, "timestamp": record.timestamp,
            "old_trust": record.old_trust, "new_trust": record.new_trust, "reason": record.reason,
            "drift": record.drift}


@dataclass
class BeliefSpeechRecord:
    """A v0.9 answer log row; ``memory_ids`` is the parsed ``memory_ids_json``."""

    entry_id: int
    timestamp: float
    query: str | None
    response: str | None
    is_belief: bool | None
    memory_ids: Any
    trust_avg: float | None
    source: str | None
    extra: dict = field(default_factory=dict)


def map_belief_speech(row: Mapping[str, Any]) -> BeliefSpeechRecord | Reject:
    """A ``belief_speech`` row → :class:`BeliefSpeechRecord`, or why not."""
    memory_ids, bad = _json(row, "memory_ids_json")
    problem = _first(
        _required(row, BELIEF_SPEECH), _text_problem(row),
        _timestamp(row, "timestamp", required=True),
        _string(row, "query"), _string(row, "response"), _string(row, "source"),
        _integer(row, "is_belief", low=0, high=1), _number(row, "trust_avg"), bad,
    )
    if problem:
        return problem
    if memory_ids is not None and not (isinstance(memory_ids, list) and all(isinstance(m, str) for m in memory_ids)):
        return Reject("bad_json", "memory_ids_json is not a JSON list of memory ids")
    is_belief = row.get("is_belief")
    return BeliefSpeechRecord(entry_id=int(row["entry_id"]), timestamp=float(row["timestamp"]),
                              query=row.get("query"), response=row.get("response"),
                              is_belief=None if is_belief is None else bool(int(is_belief)), memory_ids=memory_ids,
                              trust_avg=as_float(row.get("trust_avg")), source=row.get("source"),
                              extra=extras(row, BELIEF_COLUMNS))


def belief_speech_canonical(record: BeliefSpeechRecord) -> dict:
    """Canonical content of an answer log row (same shape from both sides)."""
    return {**record.extra, "entry_id": record.entry_id, "timestamp": record.timestamp, "query": record.query,
            "response": record.response, "is_belief": record.is_belief, "memory_ids": record.memory_ids,
            "trust_avg": record.trust_avg, "source": record.source}


# ----------------------------------------------------------------------------------------------
# The ledger: contradictions and the tables folded into them
# ----------------------------------------------------------------------------------------------
@dataclass
class ContradictionRecord:
    """A v0.9 contradiction that passed its own checks (its memories are checked against CRT later)."""

    ledger_id: str
    timestamp: float
    old_memory_id: str
    new_memory_id: str
    drift_mean: float | None
    status: str                  # v0.9's, verbatim
    crt_status: str              # CRT's
    resolution_action: str | None
    contradiction_type: str      # CRT's
    slots: list[str]             # CRT slot names from affects_slots, in v0.9's order
    summary: str
    metadata: Any
    raw: dict                    # the whole v0.9 row, plain


def map_contradiction(row: Mapping[str, Any]) -> ContradictionRecord | Reject:
    """A ``contradictions`` row → :class:`ContradictionRecord`, or why not (module doc)."""
    metadata, bad = _json(row, "metadata")
    problem = _first(
        _required(row, CONTRADICTIONS), _text_problem(row),
        _string(row, "ledger_id", max_length=MAX_ID, nonempty=True),
        _timestamp(row, "timestamp", required=True),
        _string(row, "old_memory_id", max_length=MAX_ID), _string(row, "new_memory_id", max_length=MAX_ID),
        _string(row, "status"), _string(row, "contradiction_type"), _string(row, "affects_slots"),
        _string(row, "summary"), _string(row, "resolution_method"),
        _string(row, "merged_memory_id", max_length=MAX_ID),
        _number(row, "drift_mean"), _timestamp(row, "resolution_timestamp"), bad,
    )
    if problem:
        return problem
    status = row["status"].strip().lower()
    if status not in STATUS_MAP:
        return Reject("unknown_value", f"status {row['status']!r} is not a v0.9 status ({', '.join(STATUS_MAP)})")
    kind = (row.get("contradiction_type") or "conflict").strip().lower()
    if kind not in TYPE_MAP:
        return Reject("unknown_value", f"contradiction_type {row['contradiction_type']!r} is not a v0.9 type "
                                       f"({', '.join(TYPE_MAP)})")
    crt_status, action = STATUS_MAP[status]
    slots = [SLOT_MAP.get(s.strip().lower(), s.strip().lower())[:MAX_SLOT]
             for s in (row.get("affects_slots") or "").split(",") if s.strip()]
    return ContradictionRecord(
        ledger_id=row["ledger_id"], timestamp=float(row["timestamp"]), old_memory_id=row["old_memory_id"],
        new_memory_id=row["new_memory_id"], drift_mean=as_float(row.get("drift_mean")), status=status,
        crt_status=crt_status, resolution_action=action, contradiction_type=TYPE_MAP[kind], slots=slots,
        summary=row.get("summary") or "", metadata=metadata, raw=raw_row(row),
    )


def map_folded(table: Table, row: Mapping[str, Any]) -> dict | Reject:
    """A row of a table folded into ledger entries → its plain raw form, or why not."""
    problem = _first(_required(row, table), _text_problem(row), _string(row, "ledger_id", max_length=MAX_ID))
    if problem:
        return problem
    if table is CONFLICT_RESOLUTIONS:
        problem = _first(_string(row, "resolution_method"), _string(row, "chosen_memory_id", max_length=MAX_ID),
                         _string(row, "user_feedback"), _timestamp(row, "timestamp"))
    elif table is WORKLOG:
        problem = _first(_timestamp(row, "first_asked_at"), _timestamp(row, "last_asked_at"),
                         _timestamp(row, "last_user_answer_at"), _string(row, "last_user_answer"),
                         _integer(row, "ask_count", low=0, high=MAX_ASK_COUNT))
    elif table is LIFECYCLE:
        problem = _first(*(_number(row, c) for c in ("detected_at", "settled_at", "archived_at", "last_mentioned",
                                                     "freshness_window")),
                         _timestamp(row, "settled_at"),
                         _integer(row, "confirmation_count", low=0), _integer(row, "disclosure_count", low=0),
                         _string(row, "state"), _string(row, "old_value"), _string(row, "new_value"))
    elif table is REFLECTION_QUEUE:
        problem = _first(_number(row, "timestamp"), _number(row, "volatility"), _string(row, "priority"),
                         _json(row, "context_json")[1])
    if problem:
        return problem
    return raw_row(row)


#: A resolution event derived from v0.9 rows, in the ledger's own import shape (ids are
#: deterministic: re-importing finds them).
EventRecord = ImportedEvent


def event_id(ledger_id: str, kind: str, n: int = 1) -> str:
    """Deterministic id of the ``n``-th ``kind`` event imported for an entry: ``evt_v09_<32 hex>``."""
    return "evt_v09_" + hashlib.sha256(f"{ledger_id}|{kind}|{n}".encode()).hexdigest()[:32]


def derive_events(record: ContradictionRecord, folded: Mapping[str, Any]) -> list[EventRecord]:
    """The resolution events that reproduce a v0.9 contradiction's history in CRT's ledger.

    ``folded`` maps a folded table name to its (accepted) raw row for this entry. In order:
    one ``asked`` event per ask in the worklog (v0.9 kept only the first and last ask times; asks
    in between are placed at the last one and say so), an ``answered`` event for the user's last
    answer, and — when v0.9's status is final — the resolution with v0.9's method, chosen and
    merged memory and feedback, at v0.9's resolution time (or the best time v0.9 recorded, named
    in the note). Imported events change no trust: v0.9's trust values already include them.
    """
    events: list[EventRecord] = []
    status = "open"
    worklog = folded.get(WORKLOG.name) or {}
    first, last = worklog.get("first_asked_at"), worklog.get("last_asked_at")
    asks = int(worklog.get("ask_count") or 0)
    if asks == 0 and (first is not None or last is not None):
        asks = 1
    first = as_float(first if first is not None else last if last is not None else record.timestamp)
    last = as_float(last if last is not None else first)
    for n in range(1, asks + 1):
        if n == 1:
            when, note = first, "v0.9 worklog: first ask"
        elif n == asks:
            when, note = last, "v0.9 worklog: last ask"
        else:
            when, note = last, (f"v0.9 worklog: ask {n} of {asks}; v0.9 kept only the first and last ask times, "
                                f"so this ask is shown at the last one")
        events.append(EventRecord(event_id(record.ledger_id, "asked", n), "asked", status, "asked", when, note=note))
        status = "asked"
    answer = worklog.get("last_user_answer")
    if isinstance(answer, str) and answer.strip():
        when = as_float(worklog.get("last_user_answer_at"))
        note = "v0.9 worklog: the user's last answer"
        if when is None:
            when = last if asks else record.timestamp
            note += " (v0.9 recorded no answer time; shown at the last ask)" if asks else \
                " (v0.9 recorded no answer time; shown at detection)"
        events.append(EventRecord(event_id(record.ledger_id, "answered"), "answered", status, status, when,
                                  note=note, user_answer=answer))
    if record.crt_status in ("resolved", "dismissed"):
        resolution = folded.get(CONFLICT_RESOLUTIONS.name) or {}
        lifecycle = folded.get(LIFECYCLE.name) or {}
        raw = record.raw
        method = raw.get("resolution_method") or resolution.get("resolution_method") or ""
        chosen = resolution.get("chosen_memory_id") or ""
        action = record.resolution_action or METHOD_ACTIONS.get(method.strip().lower())
        if action is None:
            action = ("keep_new" if chosen == record.new_memory_id else
                      "keep_old" if chosen == record.old_memory_id and chosen else "resolve")
        notes = [f"v0.9 status {record.status!r}"]
        feedback = resolution.get("user_feedback")
        if isinstance(feedback, str) and feedback:
            notes.append(f"user feedback: {feedback}")
        for source_name, when in (("contradictions.resolution_timestamp", raw.get("resolution_timestamp")),
                                  ("conflict_resolutions.timestamp", resolution.get("timestamp")),
                                  ("contradiction_lifecycle.settled_at", lifecycle.get("settled_at"))):
            if is_finite_number(when):
                if source_name != "contradictions.resolution_timestamp":
                    notes.append(f"time from {source_name}")
                break
        else:
            when = record.timestamp
            notes.append("v0.9 recorded no resolution time; shown at detection")
        events.append(EventRecord(event_id(record.ledger_id, "resolution"), action, status, ACTION_STATUS[action],
                                  as_float(when), method=method[:64], note="; ".join(notes),
                                  chosen_memory_id=chosen[:64],
                                  merged_memory_id=(raw.get("merged_memory_id") or "")[:64]))
    return events


def final_status(events: list[EventRecord]) -> str:
    """The status an entry has after its imported events (``open`` without any)."""
    return events[-1].to_status if events else "open"


def choose_slot(record: ContradictionRecord, old_text: str, new_text: str) -> tuple[str, str, str]:
    """(slot, old value, new value) of an imported contradiction.

    The slot is v0.9's first ``affects_slots`` entry (mapped to CRT's name) or, without one, the
    first slot both statements state according to CRT's extractor; values come from the extractor
    for that slot (the lifecycle's recorded values take precedence, see :func:`entry_fields`).
    """
    old_facts = {} if is_question(old_text) else _first_values(old_text)
    new_facts = {} if is_question(new_text) else _first_values(new_text)
    slot = record.slots[0] if record.slots else next(iter(sorted(set(old_facts) & set(new_facts))), "")
    return slot, old_facts.get(slot, ""), new_facts.get(slot, "")


def _first_values(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for fact in extract_facts(text):
        values.setdefault(fact.slot, fact.value)
    return values


def entry_fields(record: ContradictionRecord, folded: Mapping[str, Any], *, old_text: str, new_text: str) -> dict:
    """Slot, values, type and severity of the CRT entry for a v0.9 contradiction."""
    slot, old_value, new_value = choose_slot(record, old_text, new_text)
    lifecycle = folded.get(LIFECYCLE.name) or {}
    if isinstance(lifecycle.get("old_value"), str) and lifecycle.get("old_value"):
        old_value = lifecycle["old_value"]
    if isinstance(lifecycle.get("new_value"), str) and lifecycle.get("new_value"):
        new_value = lifecycle["new_value"]
    return {"slot": slot, "old_value": old_value, "new_value": new_value,
            "contradiction_type": record.contradiction_type,
            "severity": severity_of(slot or "statement", record.contradiction_type)}


def contradiction_canonical(record: ContradictionRecord, folded: Mapping[str, Any],
                            events: list[EventRecord]) -> dict:
    """Canonical content of an importable contradiction from the source side: the entry's own
    columns, its CRT status and type, its derived events and every v0.9 row folded into it."""
    return {
        "ledger_id": record.ledger_id, "timestamp": record.timestamp, "old_memory_id": record.old_memory_id,
        "new_memory_id": record.new_memory_id, "drift_mean": record.drift_mean, "summary": record.summary,
        "status": final_status(events), "contradiction_type": record.contradiction_type,
        "events": [list(astuple(event)) for event in events],
        "v09": folded_evidence(record, folded),
    }


def folded_evidence(record: ContradictionRecord, folded: Mapping[str, Any]) -> dict:
    """``evidence["v09"]``: the contradiction row and each folded row, verbatim (plain JSON)."""
    evidence = {CONTRADICTIONS.name: record.raw}
    for name, value in folded.items():
        if value:
            evidence[name] = value
    return evidence

