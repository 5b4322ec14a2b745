"""Builds CRT v0.9 SQLite files (``crt_memory.db``, ``crt_ledger.db``) with realistic content —
our own code, writing the v0.9 schemas of ``../shared/NOTES.md`` exactly.

What a v0.9 user's files hold: threads of first-person statements over weeks (employer, city,
age, name, job, pets, likes), questions, third-party and hypothetical remarks, some Unicode;
whenever a statement changes a slot's value, a ledger row with v0.9's lower-case type, drift and
status (open, reflecting, resolved, accepted), resolutions with v0.9's methods and user feedback,
the ask worklog, lifecycle rows with the old/new values, reflection-queue items, trust-log rows
(τ ← τ·(1 − 0.15·drift) on the contradicted memory, v0.9's rule) and the answer log
(``belief_speech``) for the questions. Vectors are unit-normalized float32 384-d — pseudo-random
by default (fast, deterministic), or real embeddings through ``embed=``.

``awkward=True`` adds the rows an import must cope with, and :class:`Expected` says what should
happen to each: vectors missing / malformed / of the wrong dimension / with NaN / not
normalized (re-embedded), NULLs where CRT needs values, out-of-range trust, non-numeric and
millisecond timestamps, NUL characters, invalid UTF-8, over-long ids, a NULL id, a ledger row
pointing at a memory that does not exist or was rejected, bad JSON, unknown status and type, a
duplicate contradiction, and orphan rows in every folded table (rejected with their reason).

Standard library + numpy only, so it also runs as a script::

    .venv/bin/python tests/migration/v09_fixtures.py /tmp/v09 --memories 2000 --awkward
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

MEMORY_SCHEMA = """
CREATE TABLE memories (memory_id TEXT PRIMARY KEY, vector_json TEXT NOT NULL, text TEXT NOT NULL, timestamp REAL,
    confidence REAL, trust REAL, source TEXT, sse_mode TEXT, context_json TEXT, tags_json TEXT, thread_id TEXT,
    deprecated INTEGER DEFAULT 0, deprecation_reason TEXT);
CREATE TABLE trust_log (log_id INTEGER PRIMARY KEY, memory_id TEXT, timestamp REAL, old_trust REAL, new_trust REAL,
    reason TEXT, drift REAL);
CREATE TABLE belief_speech (entry_id INTEGER PRIMARY KEY, timestamp REAL, query TEXT, response TEXT,
    is_belief INTEGER, memory_ids_json TEXT, trust_avg REAL, source TEXT);
"""
LEDGER_SCHEMA = """
CREATE TABLE contradictions (ledger_id TEXT PRIMARY KEY, timestamp REAL, old_memory_id TEXT, new_memory_id TEXT,
    drift_mean REAL, drift_reason REAL, confidence_delta REAL, status TEXT,
    contradiction_type TEXT DEFAULT 'conflict', affects_slots TEXT, query TEXT, summary TEXT,
    resolution_timestamp REAL, resolution_method TEXT, merged_memory_id TEXT, metadata TEXT);
CREATE TABLE conflict_resolutions (ledger_id TEXT PRIMARY KEY, resolution_method TEXT, chosen_memory_id TEXT,
    user_feedback TEXT, timestamp REAL);
CREATE TABLE contradiction_worklog (ledger_id TEXT PRIMARY KEY, first_asked_at REAL, last_asked_at REAL,
    ask_count INTEGER, last_user_answer TEXT, last_user_answer_at REAL);
CREATE TABLE contradiction_lifecycle (ledger_id TEXT PRIMARY KEY, state TEXT, detected_at REAL, settled_at REAL,
    archived_at REAL, confirmation_count INTEGER, disclosure_count INTEGER, last_mentioned REAL, old_value TEXT,
    new_value TEXT, freshness_window REAL DEFAULT 604800);
CREATE TABLE reflection_queue (queue_id INTEGER PRIMARY KEY, timestamp REAL, ledger_id TEXT, volatility REAL,
    priority TEXT, context_json TEXT, processed INTEGER DEFAULT 0);
"""
MEMORY_COLUMNS = ("memory_id", "vector_json", "text", "timestamp", "confidence", "trust", "source", "sse_mode",
                  "context_json", "tags_json", "thread_id", "deprecated", "deprecation_reason")
LEDGER_COLUMNS = ("ledger_id", "timestamp", "old_memory_id", "new_memory_id", "drift_mean", "drift_reason",
                  "confidence_delta", "status", "contradiction_type", "affects_slots", "query", "summary",
                  "resolution_timestamp", "resolution_method", "merged_memory_id", "metadata")

#: 2025-06-01T00:00:00Z: v0.9-era data.
EPOCH = 1748736000.0
DIM = 384

EMPLOYERS = ["Microsoft", "Amazon", "Google", "Stripe", "Shopify", "Acme Corp", "Deloitte", "Siemens", "Nordstrom",
             "Boeing", "Zillow", "Expedia", "Tableau", "Starbucks", "Costco"]
CITIES = ["Seattle", "Portland", "Austin", "Denver", "Berlin", "Toronto", "Chicago", "Boston", "San Diego", "Madrid",
          "Tacoma", "Vancouver", "Minneapolis", "Phoenix", "Dublin"]
NAMES = ["Sarah", "Miguel", "Priya", "Jonas", "Aiko", "Liam", "Fatima", "Olga", "Chen", "Noah", "Amara", "Tomás"]
JOBS = ["software engineer", "nurse", "teacher", "data analyst", "product manager", "accountant", "architect",
        "chef", "graphic designer", "pharmacist"]
PETS = [("dog", "Rex"), ("cat", "Luna"), ("parrot", "Kiwi"), ("dog", "Bruno"), ("cat", "Miso"), ("rabbit", "Pip")]
LIKES = ["hiking", "jazz", "sushi", "chess", "rock climbing", "gardening", "crème brûlée 🍮", "science fiction",
         "board games", "photography"]
SLOTS = {  # slot: (v0.9 affects_slots name, values, statement templates, change templates)
    "employer": ("employer", EMPLOYERS, ["I work at {v}.", "My employer is {v}.", "I'm working for {v} these days."],
                 ["I just started a new job at {v}.", "Actually, I work at {v}, not {old}.", "I now work at {v}."]),
    "location": ("location", CITIES, ["I live in {v}.", "My home is in {v}."],
                 ["I moved to {v} last month.", "Actually I live in {v}.", "We now live in {v}."]),
    "age": ("age", [str(n) for n in range(24, 61)], ["I am {v} years old.", "I'm {v}."],
            ["I just turned {v}.", "Actually, I'm {v} years old."]),
    "name": ("name", NAMES, ["My name is {v}."], ["Actually my name is {v}.", "Please call me {v}, that's my name."]),
    "job_title": ("title", JOBS, ["I work as a {v}."], ["I got promoted and now work as a {v}.",
                                                        "Actually I work as a {v}."]),
}
CHATTER = ["It's raining again today.", "Can you remind me to call mom tomorrow?", "My sister works at Google.",
           "If I moved to Paris I would learn French.", "Thanks, that helps!", "What a week it has been.",
           "My brother lives in Chicago.", "我喜欢喝茶。", "Ich trinke gern Kaffee am Morgen.", "שלום, מה שלומך?",
           "I have a {pet} named {pet_name}.", "I love {like}.", "I really enjoy {like} on weekends."]
QUESTIONS = {"employer": "Where do I work?", "location": "Where do I live?", "age": "How old am I?",
             "name": "What's my name?", "job_title": "What do I do for a living?"}
STATUSES = [("open", 0.45), ("reflecting", 0.1), ("resolved", 0.3), ("accepted", 0.15)]
METHODS = ["deprecate_old", "deprecate_new", "reflection_merge", "user_chose_new", "keep_new"]


@dataclass
class Expected:
    """What a correct import does with the files: ``rejects`` maps ``(table, id)`` to the reject
    code, ``reembedded`` maps memory ids to their vector status, ``rows`` counts rows per table,
    ``default_thread`` lists memories without a thread_id."""

    rows: dict[str, int] = field(default_factory=dict)
    rejects: dict[tuple[str, str], str] = field(default_factory=dict)
    reembedded: dict[str, str] = field(default_factory=dict)
    default_thread: set[str] = field(default_factory=set)
    contradictions: list[str] = field(default_factory=list)

    def importable(self, table: str) -> int:
        return self.rows[table] - sum(1 for t, _ in self.rejects if t == table)


@dataclass
class V09Files:
    """The two files and what a correct import of them does."""

    memory_db: Path
    ledger_db: Path
    expected: Expected


class _Vectors:
    def __init__(self, rng: np.random.Generator, embed: Callable[[Sequence[str]], np.ndarray] | None):
        self.rng = rng
        self.embed = embed

    def json_for(self, texts: list[str]) -> list[str]:
        if self.embed is not None:
            vectors = np.asarray(self.embed(texts), dtype=np.float32)
        else:
            vectors = self.rng.standard_normal((len(texts), DIM)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return [json.dumps(v.tolist()) for v in vectors]


def _memory_id(ts: float, n: int) -> str:
    return f"mem_{int(ts * 1000)}_{n:07d}"


def _ledger_id(ts: float, n: int) -> str:
    return f"contra_{int(ts * 1000)}_{n:07d}"


def build_v09(directory: str | Path, *, memories: int = 600, contradictions: int | None = None, seed: int = 7,
              awkward: bool = False, wal: bool = True, embed: Callable[[Sequence[str]], np.ndarray] | None = None,
              progress: Callable[[int], None] | None = None, chunk: int = 5000) -> V09Files:
    """Write ``crt_memory.db`` and ``crt_ledger.db`` into ``directory`` (which must not hold them).

    ``memories`` regular memories in threads of ~100; ``contradictions`` targets the number of
    ledger rows (default: whatever the value changes produce, ~7 % of memories); ``awkward``
    appends the cases of the module doc; ``wal`` puts the ledger in WAL mode like v0.9 did;
    ``progress(n)`` is called per memory written. Returns the paths and the :class:`Expected` outcome.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    memory_path, ledger_path = directory / "crt_memory.db", directory / "crt_ledger.db"
    for path in (memory_path, ledger_path):
        if path.exists():
            raise FileExistsError(path)
    rng = random.Random(seed)
    vectors = _Vectors(np.random.default_rng(seed), embed)
    expected = Expected()
    mem = sqlite3.connect(memory_path)
    led = sqlite3.connect(ledger_path)
    mem.executescript(MEMORY_SCHEMA)
    led.executescript(LEDGER_SCHEMA)
    if wal:
        led.execute("PRAGMA journal_mode=WAL")
    for conn in (mem, led):
        conn.execute("PRAGMA synchronous=OFF")

    threads = max(1, memories // 100)
    # Statements that state a slot (42 %, see _next_statement) minus each thread's first statement
    # of each slot can change a value: calibrate the change probability to the target.
    changeable = max(1.0, memories * 0.42 - min(memories * 0.42, threads * len(SLOTS)) * 0.9)
    change_p = 0.18 if contradictions is None else min(1.0, contradictions / changeable)
    writer = _Writer(mem, led, vectors, chunk)
    counter = {"memory": 0, "ledger": 0, "queue": 0}
    per_thread = [memories // threads + (1 if t < memories % threads else 0) for t in range(threads)]
    for t, count in enumerate(per_thread):
        thread = "default" if t == 0 else f"thread_{t:05d}"
        ts = EPOCH + t * 37.0 + rng.uniform(0, 86400)
        state: dict[str, tuple[str, str, float]] = {}  # slot -> (value, memory_id, trust)
        for _ in range(count):
            ts += rng.uniform(60, 3 * 86400 / max(1, count / 40))
            counter["memory"] += 1
            memory_id = _memory_id(ts, counter["memory"])
            text, slot, value, question = _next_statement(rng, state, change_p)
            trust = round(rng.uniform(0.55, 0.95), 4)
            confidence = round(rng.uniform(0.6, 0.99), 4)
            context = {"thread_id": thread, "turn": counter["memory"], "mode": rng.choice(["chat", "quick", "x-ray"])}
            writer.memory([memory_id, None, text, ts, confidence, trust, "user", rng.choice(["L", "C", "H"]),
                           json.dumps(context), json.dumps([slot] if slot else []), thread, 0, None])
            if question:
                known = [state[s][1] for s in state]
                writer.belief([ts + 1.5, text, _answer(question, state), 1 if question in state else 0,
                               json.dumps(known[:3]), round(rng.uniform(0.5, 0.9), 4),
                               "memory" if question in state else "fallback"])
            if slot:
                previous = state.get(slot)
                if previous and previous[0] != value:
                    counter["ledger"] += 1
                    _contradiction(writer, rng, counter, slot, previous, memory_id, value, text, ts)
                    writer.memory_trust(previous[1])
                state[slot] = (value, memory_id, trust)
                if previous and previous[0] == value and rng.random() < 0.3:
                    writer.trust([previous[1], ts + 0.5, previous[2], min(1.0, round(previous[2] + 0.05, 6)),
                                  "reinforced: repeated statement", 0.02])
            if progress:
                progress(1)
        writer.flush()
    if awkward:
        _awkward(writer, rng, expected, counter)
    writer.flush()
    for conn in (mem, led):
        conn.commit()
    expected.rows = {
        "memories": mem.execute("SELECT count(*) FROM memories").fetchone()[0],
        "trust_log": mem.execute("SELECT count(*) FROM trust_log").fetchone()[0],
        "belief_speech": mem.execute("SELECT count(*) FROM belief_speech").fetchone()[0],
        **{t: led.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in
           ("contradictions", "conflict_resolutions", "contradiction_worklog", "contradiction_lifecycle",
            "reflection_queue")},
    }
    expected.contradictions = [r[0] for r in led.execute("SELECT ledger_id FROM contradictions ORDER BY ledger_id")
                               if r[0] is not None][:50]
    mem.close()
    led.close()
    return V09Files(memory_path, ledger_path, expected)


def _next_statement(rng: random.Random, state: dict, change_p: float) -> tuple[str, str, str, str]:
    """(text, slot or "", value, question slot or "") of the next user turn."""
    roll = rng.random()
    if roll < 0.42:
        slot = rng.choice(list(SLOTS))
        _, values, plain, change = SLOTS[slot]
        current = state.get(slot)
        if current and rng.random() >= change_p:
            value = current[0]
            template = rng.choice(plain)
        elif current:
            value = rng.choice([v for v in values if v != current[0]])
            template = rng.choice(change)
        else:
            value = rng.choice(values)
            template = rng.choice(plain)
        return template.format(v=value, old=current[0] if current else ""), slot, value, ""
    if roll < 0.52:
        slot = rng.choice(list(QUESTIONS))
        return QUESTIONS[slot], "", "", slot
    pet, pet_name = rng.choice(PETS)
    return rng.choice(CHATTER).format(pet=pet, pet_name=pet_name, like=rng.choice(LIKES)), "", "", ""


def _answer(slot: str, state: dict) -> str:
    if slot in state:
        return f"From what you told me, your {slot.replace('_', ' ')} is {state[slot][0]}."
    return "I don't know that yet. Would you like to tell me?"


def _contradiction(writer, rng, counter, slot, previous, memory_id, value, text, ts) -> None:
    old_value, old_memory, old_trust = previous
    ledger_id = _ledger_id(ts, counter["ledger"])
    drift = round(rng.uniform(0.18, 0.72), 4)
    kind = "revision" if text.startswith("Actually") else "temporal" if any(
        w in text for w in ("now", "moved", "promoted", "turned", "new job")) else "conflict"
    status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
    resolution_ts = ts + rng.uniform(3600, 5 * 86400) if status in ("resolved", "accepted") else None
    method = rng.choice(METHODS) if status == "resolved" else ("accept_both" if status == "accepted" else None)
    merged = memory_id if method == "reflection_merge" else None
    summary = f"{'Conflict' if kind == 'conflict' else kind.title()}: {old_value} → {value} (drift={drift:.2f})"
    metadata = json.dumps({"suggested_policy": rng.choice(["ask_user", "prefer_newer"])}) if rng.random() < 0.5 \
        else None
    writer.ledger([ledger_id, ts + 0.2, old_memory, memory_id, drift, round(rng.uniform(0, 0.3), 4),
                   round(rng.uniform(-0.2, 0.2), 4), status, kind, SLOTS[slot][0], text, summary, resolution_ts,
                   method, merged, metadata])
    new_trust = round(old_trust * (1 - 0.15 * drift), 6)
    writer.trust([old_memory, ts + 0.3, old_trust, new_trust, f"contradiction:{ledger_id}", drift])
    writer.pending_trust[old_memory] = new_trust
    if status == "resolved" and rng.random() < 0.7:
        chosen = memory_id if method in ("deprecate_old", "user_chose_new", "keep_new", "reflection_merge") \
            else old_memory
        writer.resolution([ledger_id, method, chosen, rng.choice(["", "Yes, the new one is right.",
                                                                   "I changed jobs in March.", None]),
                           resolution_ts])
    if rng.random() < 0.5:
        asks = rng.randint(1, 4)
        first = ts + rng.uniform(60, 7200)
        last = first + (asks - 1) * rng.uniform(600, 86400)
        answer = rng.choice([None, f"It's {value} now.", "Both, actually."]) if asks else None
        writer.worklog([ledger_id, first, last, asks, answer, last + 30 if answer else None])
    if rng.random() < 0.7:
        state = {"open": "active", "reflecting": "settling", "resolved": "settled", "accepted": "settled"}[status]
        writer.lifecycle([ledger_id, state, ts + 0.2, resolution_ts, None, rng.randint(0, 6), rng.randint(0, 3),
                          ts + rng.uniform(0, 86400), old_value, value, 604800.0])
    if rng.random() < 0.3:
        volatility = round(rng.uniform(0.1, 0.95), 3)
        priority = "high" if volatility >= 0.7 else "medium" if volatility >= 0.4 else "low"
        writer.queue([ts + 0.4, ledger_id, volatility, priority, json.dumps({"slot": slot, "reason": "drift"}),
                      int(status != "open")])


class _Writer:
    """Buffers rows and writes them with executemany in chunks (fast at a million rows)."""

    def __init__(self, mem, led, vectors: _Vectors, chunk: int):
        self.mem, self.led, self.vectors, self.chunk = mem, led, vectors, chunk
        self.rows: dict[str, list] = {k: [] for k in ("memories", "trust", "belief", "ledger", "resolution", "worklog",
                                                      "lifecycle", "queue")}
        self.pending_trust: dict[str, float] = {}
        self.trust_updates: list[tuple[float, str]] = []

    def memory(self, row):
        self.rows["memories"].append(row)
        if len(self.rows["memories"]) >= self.chunk:
            self.flush()

    def memory_trust(self, memory_id):
        self.trust_updates.append((self.pending_trust.pop(memory_id), memory_id))

    def trust(self, row):
        self.rows["trust"].append(row)

    def belief(self, row):
        self.rows["belief"].append(row)

    def ledger(self, row):
        self.rows["ledger"].append(row)

    def resolution(self, row):
        self.rows["resolution"].append(row)

    def worklog(self, row):
        self.rows["worklog"].append(row)

    def lifecycle(self, row):
        self.rows["lifecycle"].append(row)

    def queue(self, row):
        self.rows["queue"].append(row)

    def flush(self):
        rows = self.rows["memories"]
        missing = [i for i, r in enumerate(rows) if r[1] is None]
        for i, vector_json in zip(missing, self.vectors.json_for([rows[i][2] for i in missing])):
            rows[i][1] = vector_json
        marks = lambda n: ",".join("?" * n)  # noqa: E731
        self.mem.executemany(f"INSERT INTO memories ({','.join(MEMORY_COLUMNS)}) VALUES ({marks(13)})", rows)
        self.mem.executemany("UPDATE memories SET trust = ? WHERE memory_id = ?", self.trust_updates)
        self.mem.executemany("INSERT INTO trust_log (memory_id, timestamp, old_trust, new_trust, reason, drift) "
                             "VALUES (?,?,?,?,?,?)", self.rows["trust"])
        self.mem.executemany("INSERT INTO belief_speech (timestamp, query, response, is_belief, memory_ids_json, "
                             "trust_avg, source) VALUES (?,?,?,?,?,?,?)", self.rows["belief"])
        self.led.executemany(f"INSERT INTO contradictions ({','.join(LEDGER_COLUMNS)}) VALUES ({marks(16)})",
                             self.rows["ledger"])
        self.led.executemany("INSERT INTO conflict_resolutions VALUES (?,?,?,?,?)", self.rows["resolution"])
        self.led.executemany("INSERT INTO contradiction_worklog VALUES (?,?,?,?,?,?)", self.rows["worklog"])
        self.led.executemany("INSERT INTO contradiction_lifecycle VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                             self.rows["lifecycle"])
        self.led.executemany("INSERT INTO reflection_queue (timestamp, ledger_id, volatility, priority, context_json, "
                             "processed) VALUES (?,?,?,?,?,?)", self.rows["queue"])
        self.mem.commit()
        self.led.commit()
        for key in self.rows:
            self.rows[key] = []
        self.trust_updates = []


def _unit_json(rng: random.Random, dim: int = DIM, scale: float = 1.0) -> str:
    values = np.array([rng.gauss(0, 1) for _ in range(dim)], dtype=np.float32)
    values = values / np.linalg.norm(values) * scale
    return json.dumps(values.astype(np.float32).tolist())


def _awkward(writer: _Writer, rng: random.Random, expected: Expected, counter: dict) -> None:
    """Append the awkward rows of the module doc and record their expected outcome."""
    writer.flush()
    mem, led = writer.mem, writer.led
    ts = EPOCH + 200 * 86400.0
    regular = [r[0] for r in mem.execute("SELECT memory_id FROM memories ORDER BY memory_id LIMIT 4")]
    thread = "awkward"

    def memory(memory_id, *, vector=None, text="I work at Initech.", timestamp=None, confidence=0.9, trust=0.8,
               thread_id=thread, source="user", sse_mode="L", context="{}", raw_text_sql=None):
        nonlocal ts
        ts += 60
        vector = _unit_json(rng) if vector is None else vector
        row = [memory_id, vector, text, ts if timestamp is None else timestamp, confidence, trust, source, sse_mode,
               context, "[]", thread_id, 0, None]
        if raw_text_sql is None:
            mem.execute(f"INSERT INTO memories ({','.join(MEMORY_COLUMNS)}) VALUES ({','.join('?' * 13)})", row)
        else:  # text given as an SQL expression (e.g. invalid UTF-8 bytes cast to TEXT)
            cols = [c for c in MEMORY_COLUMNS if c != "text"]
            values = [v for c, v in zip(MEMORY_COLUMNS, row) if c != "text"]
            mem.execute(f"INSERT INTO memories ({','.join(cols)}, text) VALUES ({','.join('?' * 12)}, {raw_text_sql})",
                        values)
        return memory_id

    # vectors that must be re-embedded (imported, counted)
    for memory_id, vector, status in [
        ("mem_awk_vector_empty", "", "missing"),
        ("mem_awk_vector_truncated", "[0.1, 0.2,", "malformed"),
        ("mem_awk_vector_object", '{"values": [0.1]}', "malformed"),
        ("mem_awk_vector_strings", json.dumps(["0.1"] * DIM), "malformed"),
        ("mem_awk_vector_128d", _unit_json(rng, 128), "wrong_dimension"),
        ("mem_awk_vector_768d", _unit_json(rng, 768), "wrong_dimension"),
        ("mem_awk_vector_nan", "[NaN" + ", 0.05" * (DIM - 1) + "]", "non_finite"),
        ("mem_awk_vector_scaled", _unit_json(rng, DIM, 3.0), "not_unit_norm"),
    ]:
        memory(memory_id, vector=vector, text=f"I live in Lisbon ({status}).")
        expected.reembedded[memory_id] = status
    memory("mem_awk_empty_text", vector=json.dumps([0.0] * DIM), text="")
    expected.reembedded["mem_awk_empty_text"] = "not_unit_norm"
    # imported as they are
    memory("mem_awk_no_thread", thread_id=None, text="I have a cat named Tofu.")
    expected.default_thread.add("mem_awk_no_thread")
    memory("mem_awk_unicode", text="Je m'appelle Zoë 👩‍💻 — 我住在北京, שלום. " + "Long memory. " * 1500)
    memory("mem_awk_bad_context", context="{not json", source=None, sse_mode=None, text="I like tea.")
    # rejected
    for memory_id, kwargs, code in [
        ("mem_awk_null_timestamp", {"timestamp": "NULL"}, "null_required"),
        ("mem_awk_null_trust", {"trust": None}, "null_required"),
        ("mem_awk_trust_above_one", {"trust": 1.2}, "out_of_range"),
        ("mem_awk_text_timestamp", {"timestamp": "yesterday"}, "not_a_number"),
        ("mem_awk_millisecond_timestamp", {"timestamp": 1.75e12}, "out_of_range"),
        ("mem_awk_nul_text", {"text": "I work at\x00 Hooli."}, "nul_character"),
        ("mem_awk_invalid_utf8", {"raw_text_sql": "CAST(X'49206C6F766520FFFE' AS TEXT)"}, "invalid_utf8"),
        ("mem_awk_" + "x" * 80, {}, "too_long"),
    ]:
        if kwargs.get("timestamp") == "NULL":
            kwargs["timestamp"] = None
            memory(memory_id)
            mem.execute("UPDATE memories SET timestamp = NULL WHERE memory_id = ?", [memory_id])
        else:
            memory(memory_id, **kwargs)
        expected.rejects[("memories", memory_id)] = code
    mem.execute(f"INSERT INTO memories ({','.join(MEMORY_COLUMNS)}) VALUES ({','.join('?' * 13)})",
                [None, _unit_json(rng), "A memory without an id.", ts, 0.9, 0.8, "user", "L", None, None, thread, 0,
                 None])
    null_rowid = mem.execute("SELECT rowid FROM memories WHERE memory_id IS NULL").fetchone()[0]
    expected.rejects[("memories", f"rowid:{null_rowid}")] = "null_required"

    # trust log
    def trust(memory_id, **kw):
        row = {"memory_id": memory_id, "timestamp": ts, "old_trust": 0.8, "new_trust": 0.7, "reason": "test",
               "drift": 0.3, **kw}
        cursor = mem.execute("INSERT INTO trust_log (memory_id, timestamp, old_trust, new_trust, reason, drift) "
                             "VALUES (:memory_id, :timestamp, :old_trust, :new_trust, :reason, :drift)", row)
        return str(cursor.lastrowid)

    expected.rejects[("trust_log", trust("mem_does_not_exist"))] = "missing_memory"
    expected.rejects[("trust_log", trust("mem_awk_null_trust"))] = "missing_memory"
    expected.rejects[("trust_log", trust(regular[0], new_trust=None))] = "null_required"
    trust(regular[0], reason=None)  # NULL reason is kept

    # answer log
    cursor = mem.execute("INSERT INTO belief_speech (timestamp, query, response, is_belief, memory_ids_json, "
                         "trust_avg, source) VALUES (?,?,?,?,?,?,?)",
                         [ts, "Where do I work?", "At Initech.", 1, "[mem_a, mem_b", 0.7, "memory"])
    expected.rejects[("belief_speech", str(cursor.lastrowid))] = "bad_json"
    cursor = mem.execute("INSERT INTO belief_speech (timestamp, query, response, is_belief) VALUES (NULL,?,?,?)",
                         ["How old am I?", "I don't know.", 0])
    expected.rejects[("belief_speech", str(cursor.lastrowid))] = "null_required"

    # ledger
    def contradiction(ledger_id, old, new, **kw):
        row = dict(zip(LEDGER_COLUMNS, [ledger_id, ts, old, new, 0.4, None, 0.0, "open", "conflict", "employer",
                                        None, "Awkward case", None, None, None, None]))
        row.update(kw)
        led.execute(f"INSERT INTO contradictions ({','.join(LEDGER_COLUMNS)}) VALUES "
                    f"({','.join(':' + c for c in LEDGER_COLUMNS)})", row)
        return ledger_id

    a, b = regular[:2]
    expected.rejects[("contradictions", contradiction("contra_awk_missing_memory", a, "mem_does_not_exist"))] = \
        "missing_memory"
    expected.rejects[("contradictions", contradiction("contra_awk_rejected_memory", "mem_awk_null_trust", a))] = \
        "missing_memory"
    expected.rejects[("contradictions", contradiction("contra_awk_null_status", a, b, status=None))] = "null_required"
    expected.rejects[("contradictions", contradiction("contra_awk_weird_status", a, b, status="pending-ish"))] = \
        "unknown_value"
    expected.rejects[("contradictions", contradiction("contra_awk_weird_type", a, b, contradiction_type="sideways"))] = \
        "unknown_value"
    expected.rejects[("contradictions", contradiction("contra_awk_bad_metadata", a, b, metadata="{oops"))] = \
        "bad_json"
    pair_old = memory("mem_awk_pair_old", text="I live in Lisbon.")
    pair_new = memory("mem_awk_pair_new", text="I moved to Porto.")
    contradiction("contra_awk_null_type", pair_old, pair_new, contradiction_type=None, drift_mean=None,
                  affects_slots="location")
    first = led.execute("SELECT * FROM contradictions WHERE ledger_id NOT LIKE 'contra_awk%' "
                        "ORDER BY ledger_id LIMIT 1").fetchone()
    if first is not None:
        duplicate = dict(zip(LEDGER_COLUMNS, first))
        duplicate["ledger_id"] = first[0] + "_dup"
        led.execute(f"INSERT INTO contradictions ({','.join(LEDGER_COLUMNS)}) VALUES "
                    f"({','.join(':' + c for c in LEDGER_COLUMNS)})", duplicate)
        expected.rejects[("contradictions", duplicate["ledger_id"])] = "duplicate"
    led.execute(f"INSERT INTO contradictions ({','.join(LEDGER_COLUMNS)}) VALUES ({','.join('?' * 16)})",
                [None, ts, a, b, 0.3, None, 0.0, "open", "conflict", "employer", None, "no id", None, None, None, None])
    null_rowid = led.execute("SELECT rowid FROM contradictions WHERE ledger_id IS NULL").fetchone()[0]
    expected.rejects[("contradictions", f"rowid:{null_rowid}")] = "null_required"
    # folded rows: orphans, rows of rejected contradictions, bad rows of good contradictions
    led.execute("INSERT INTO conflict_resolutions VALUES (?,?,?,?,?)", ["contra_ghost", "keep_new", a, "", ts])
    expected.rejects[("conflict_resolutions", "contra_ghost")] = "orphan"
    led.execute("INSERT INTO conflict_resolutions VALUES (?,?,?,?,?)",
                ["contra_awk_missing_memory", "keep_new", a, "", ts])
    expected.rejects[("conflict_resolutions", "contra_awk_missing_memory")] = "parent_rejected"
    led.execute("INSERT INTO contradiction_worklog VALUES (?,?,?,?,?,?)", ["contra_ghost", ts, ts, 1, None, None])
    expected.rejects[("contradiction_worklog", "contra_ghost")] = "orphan"
    led.execute("INSERT INTO contradiction_worklog VALUES (?,?,?,?,?,?)",
                ["contra_awk_null_type", ts, ts, -3, None, None])
    expected.rejects[("contradiction_worklog", "contra_awk_null_type")] = "out_of_range"
    led.execute("INSERT INTO contradiction_lifecycle (ledger_id, state, detected_at) VALUES (?,?,?)",
                ["contra_awk_null_status", "active", ts])
    expected.rejects[("contradiction_lifecycle", "contra_awk_null_status")] = "parent_rejected"
    cursor = led.execute("INSERT INTO reflection_queue (timestamp, ledger_id, volatility, priority, context_json) "
                         "VALUES (?,?,?,?,?)", [ts, "contra_awk_null_type", 0.5, "medium", "{bad json"])
    expected.rejects[("reflection_queue", str(cursor.lastrowid))] = "bad_json"
    cursor = led.execute("INSERT INTO reflection_queue (timestamp, ledger_id, volatility, priority) VALUES (?,?,?,?)",
                         [ts, "contra_ghost", 0.5, "medium"])
    expected.rejects[("reflection_queue", str(cursor.lastrowid))] = "orphan"
    cursor = led.execute("INSERT INTO reflection_queue (timestamp, ledger_id, volatility, priority) VALUES (?,?,?,?)",
                         [ts, None, 0.5, "medium"])
    expected.rejects[("reflection_queue", str(cursor.lastrowid))] = "null_required"
    mem.commit()
    led.commit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write CRT v0.9 SQLite files (crt_memory.db, crt_ledger.db).")
    parser.add_argument("directory", help="where to write the two files (must not hold them yet)")
    parser.add_argument("--memories", type=int, default=2000, help="regular memories (default 2000)")
    parser.add_argument("--contradictions", type=int, default=None, help="target ledger rows (default ~7%%)")
    parser.add_argument("--awkward", action="store_true", help="add the awkward rows an import must handle")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    files = build_v09(args.directory, memories=args.memories, contradictions=args.contradictions,
                      awkward=args.awkward, seed=args.seed)
    print(f"wrote {files.memory_db} and {files.ledger_db}")
    for table, n in files.expected.rows.items():
        print(f"  {table:<24} {n:>9} rows")
    if files.expected.rejects:
        print(f"  {len(files.expected.rejects)} rows an import must reject, "
              f"{len(files.expected.reembedded)} vectors it must re-embed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
