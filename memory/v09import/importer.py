"""The import itself: batches in transactions, resume state, rejects, the vector index.

Order: memories (their provenance and facts), memories with a NULL id, the trust log, the answer
log (``belief_speech``), contradictions with the rows folded into them, contradictions with a
NULL id, then orphan rows of the folded tables; then the vector index is rebuilt if it was
dropped, and the import is verified (:mod:`.verify`).

Each batch is one transaction holding its rows, its rejects (:class:`~memory.models.ImportReject`)
and the run's resume state (``ImportRun.progress``: the last source key of each step). A crash
loses at most the batch in flight; the next run with the same owner and files finds the
unfinished :class:`~memory.models.ImportRun` and continues after the last committed key. Rows
already in CRT are skipped, so running the import again imports nothing (and a source that grew
since gets only its new rows). One import at a time: a PostgreSQL session advisory lock.

Memory stays bounded: one batch of source rows (``fetchmany``) plus counters; rejects go to the
database as they happen and are written to the rejects file at the end.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from ledger import importing as ledger_importing
from ledger.provenance import host_label
from memory import services as memory_services
from memory.embeddings import embed_texts
from memory.models import (
    BeliefSpeechEntry,
    ImportedMemory,
    ImportReject,
    ImportRun,
    ImportRunStatus,
    Memory,
    TrustLogEntry,
)
from memory.v09import import mapping, prepare
from memory.v09import.canonical import canonical_json, plain, unplain
from memory.v09import.errors import ImportBusy, OwnerError
from memory.v09import.schema import (
    BELIEF_SPEECH,
    CONTRADICTIONS,
    FOLDED,
    MEMORIES,
    TABLES,
    TRUST_LOG,
    Table,
)
from memory.v09import.source import ROWID, SourceFile, open_sources
from memory.v09import.verify import VerificationReport, verify_import

logger = logging.getLogger("memory.v09import")

#: PostgreSQL session advisory lock held for a whole import ("V09I", 1): one import at a time.
IMPORT_LOCK = (0x56303949, 1)
#: The memory table's HNSW index (``memory.models.Memory.Meta.indexes``).
HNSW_INDEX = "memory_embedding_hnsw"
#: ``--defer-vector-index auto`` drops the HNSW index for the load when at least this many memories
#: come in and they are at least a tenth of what CRT already holds. Measured here (bench/import.py,
#: docs/BENCHMARKS.md): inserting into the index costs milliseconds per row, building it afresh
#: a fraction of a millisecond per row, so a rebuild wins unless the table is much larger than
#: the import. Baseline choice on those measurements.
DEFER_INDEX_MIN_ROWS = 10_000
DEFER_INDEX_MIN_SHARE = 0.1
#: ``maintenance_work_mem`` for the index rebuild. pgvector builds HNSW fast while the graph fits
#: in it and very slowly once it does not: measured here (bench/import.py, 1,000,000 384-d
#: vectors, m=16) a 1GB build slowed from ~700 to ~100 vectors/s after ~550,000 vectors, i.e.
#: ~2,000 bytes per vector. So the rebuild asks for 2,000 B × rows × 1.25, at least
#: :data:`MAINTENANCE_WORK_MEM_MIN_MB` and at most ``CRT_IMPORT_MAINTENANCE_WORK_MEM_MAX_MB``
#: (default :data:`MAINTENANCE_WORK_MEM_MAX_MB`); ``CRT_IMPORT_MAINTENANCE_WORK_MEM`` (e.g. ``6GB``)
#: sets it outright. It is a per-session ceiling for this one build, not a reservation.
HNSW_BYTES_PER_VECTOR = 2000
MAINTENANCE_WORK_MEM_MIN_MB = 1024
MAINTENANCE_WORK_MEM_MAX_MB = 4096
#: Who imported events name as actor.
ACTOR_NAME = "CRT v0.9 (imported)"
#: Every table's count keys.
COUNT_KEYS = ("read", "imported", "already_present", "rejected")


@dataclass
class ImportOptions:
    """What ``manage.py import_crt_sqlite`` was asked to do (see its ``--help``)."""

    memory_db: str
    ledger_db: str
    owner: str | None
    create_owner: bool = False
    dry_run: bool = False
    batch_size: int = 1000
    rejects_path: str | None = None
    defer_vector_index: str = "auto"
    lock_timeout: float = 5.0
    progress: bool = True
    verify: bool = True


@dataclass
class ImportResult:
    """Outcome of :func:`run_import`: per-table counts (:data:`COUNT_KEYS`, plus ``reembedded``
    by vector status and ``vectors_rounded`` for memories), the rejects file and the verification."""

    run_id: str | None
    dry_run: bool
    resumed: bool
    counts: dict
    rejects_path: str
    rejected: int
    verification: VerificationReport | None
    vector_index: str
    seconds: float
    owner_created: bool = False


def resolve_owner(username: str | None, *, create: bool):
    """The CRT user who will own every imported thread. Returns (user, created).

    v0.9 had no users, so the import needs one. Raises :class:`OwnerError` when ``username`` is
    missing, or unknown and ``create`` is false.
    """
    if not username or not username.strip():
        raise OwnerError("--thread-owner is required: v0.9 had no user accounts, so name the CRT user who will "
                         "own every imported thread (add --create-owner to create that user).")
    User = get_user_model()
    try:
        return User.objects.get(**{User.USERNAME_FIELD: username}), False
    except User.DoesNotExist:
        if not create:
            raise OwnerError(f"No CRT user {username!r}. Create it first (./crt manage createsuperuser, or "
                             f"create_api_token {username} --create), or add --create-owner.") from None
    user = User.objects.create_user(**{User.USERNAME_FIELD: username})
    user.set_unusable_password()
    user.save(update_fields=["password"])
    logger.info("created CRT user %s to own the imported threads (no password: set one with changepassword)",
                username)
    return user, True


# ---------------------------------------------------------------------------------------------- vector index
def vector_index_state() -> str:
    """``valid``, ``invalid`` (a concurrent build that did not finish) or ``absent``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT i.indisvalid FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid "
                       "WHERE c.relname = %s", [HNSW_INDEX])
        row = cursor.fetchone()
    return "absent" if row is None else ("valid" if row[0] else "invalid")


def _hnsw_index():
    return next(index for index in Memory._meta.indexes if index.name == HNSW_INDEX)


def drop_vector_index() -> None:
    """Drop the HNSW index without blocking readers (``DROP INDEX CONCURRENTLY``)."""
    with connection.schema_editor(atomic=False) as editor:
        editor.remove_index(Memory, _hnsw_index(), concurrently=True)


def maintenance_work_mem(vectors: int) -> str:
    """The ``maintenance_work_mem`` for an HNSW build over ``vectors`` rows (see the constants)."""
    explicit = os.environ.get("CRT_IMPORT_MAINTENANCE_WORK_MEM", "").strip()
    if explicit:
        return explicit
    cap = int(os.environ.get("CRT_IMPORT_MAINTENANCE_WORK_MEM_MAX_MB", MAINTENANCE_WORK_MEM_MAX_MB))
    needed = -(-vectors * HNSW_BYTES_PER_VECTOR * 5 // 4 // 2**20)
    return f"{max(MAINTENANCE_WORK_MEM_MIN_MB, min(needed, cap))}MB"


def build_vector_index() -> float:
    """(Re)build the HNSW index exactly as the memory migrations define it, concurrently (chat
    writes continue). Drops a leftover invalid index first. Returns the seconds it took."""
    started = time.perf_counter()
    if vector_index_state() == "invalid":
        drop_vector_index()
    if vector_index_state() == "absent":
        work_mem = maintenance_work_mem(Memory.objects.filter(embedding__isnull=False).count())
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('maintenance_work_mem', %s, false)", [work_mem])
        try:
            with connection.schema_editor(atomic=False) as editor:
                editor.add_index(Memory, _hnsw_index(), concurrently=True)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET maintenance_work_mem")
    return time.perf_counter() - started


def should_defer_index(mode: str, *, incoming: int) -> bool:
    """Whether to drop the HNSW index for the load (``mode`` ``auto``/``always``/``never``)."""
    if mode == "never" or connection.in_atomic_block or vector_index_state() != "valid":
        return False
    if mode == "always":
        return True
    return incoming >= DEFER_INDEX_MIN_ROWS and incoming >= DEFER_INDEX_MIN_SHARE * Memory.objects.count()


def _take_import_lock(timeout: float) -> bool:
    """Take this database's import advisory lock, retrying for up to ``timeout`` seconds.

    Waiting matters right after an import was killed: its PostgreSQL backend holds the lock until
    the server notices the dead client, which under load takes a moment (seen in the test suite).
    Returns False when another import still holds it after ``timeout``.
    """
    deadline = time.monotonic() + max(timeout, 0.0)
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", list(IMPORT_LOCK))
            if cursor.fetchone()[0]:
                return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)


def _already_imported_memories(job) -> int:
    """How many memories of this source file (same SHA-256) earlier runs already imported.

    A re-run or a resumed run only loads the rest, so the HNSW index is dropped only when that rest
    is a bulk load (``should_defer_index``); without this, an idempotent second run of a
    1,000,000-memory file dropped and rebuilt the index (~18 min, docs/BENCHMARKS.md) for nothing.
    """
    if job.run is None:
        return 0
    return ImportedMemory.objects.filter(run__memory_db_sha256=job.run.memory_db_sha256).count()


# ---------------------------------------------------------------------------------------------- bookkeeping
def _empty_counts() -> dict:
    counts = {table.name: dict.fromkeys(COUNT_KEYS, 0) for table in TABLES}
    counts[MEMORIES.name].update({"reembedded": {}, "vectors_rounded": 0})
    return counts


def _add(counts: dict, table: str, **values) -> None:
    for key, value in values.items():
        counts[table][key] = counts[table].get(key, 0) + value
    counts[table]["read"] = sum(counts[table][k] for k in ("imported", "already_present", "rejected"))


class _Rejects:
    """Rejects of a dry run, written to the file as they come (a real run keeps them in the database)."""

    def __init__(self, path: Path):
        self.path = path
        self.handle = open(path, "w", encoding="utf-8")

    def write(self, items: Iterable[prepare.Rejected]) -> None:
        for item in items:
            self.handle.write(_reject_line(item.table, item.source_id, item.reason.code, item.reason.detail,
                                           item.row))

    def close(self) -> None:
        self.handle.close()


def _reject_line(table, source_id, code, detail, row) -> str:
    return json.dumps({"table": table, "id": source_id, "code": code, "detail": detail, "row": row},
                      ensure_ascii=False, sort_keys=True) + "\n"


def default_rejects_path(run_id: str | None) -> Path:
    """``<var>/imports/crt-import-rejects-<run id>.jsonl`` (``<var>`` is ``$CRT_VAR_DIR`` or
    ``./var``, CRT's local state directory, outside version control); a dry run's is named by time."""
    from crtproject.embedded import var_dir

    name = (f"crt-import-rejects-{run_id}.jsonl" if run_id
            else f"crt-import-dry-run-rejects-{timezone.now().strftime('%Y%m%dT%H%M%SZ')}.jsonl")
    return var_dir() / "imports" / name


def write_rejects_file(run: ImportRun, path: Path) -> int:
    """Write the run's rejects as JSON lines (``table``, ``id``, ``code``, ``detail``, ``row``)."""
    n = 0
    with open(path, "w", encoding="utf-8") as handle:
        for reject in run.rejects.order_by("id").iterator(chunk_size=2000):
            handle.write(_reject_line(reject.table, reject.source_id, reject.code, reject.detail,
                                      json.loads(reject.row)))
            n += 1
    return n


# ---------------------------------------------------------------------------------------------- the run
class _Import:
    """One run (see module doc); :func:`run_import` drives it."""

    def __init__(self, options: ImportOptions, owner, memory_source: SourceFile, ledger_source: SourceFile,
                 log: Callable[[str], None]):
        self.options = options
        self.owner = owner
        self.memory_source = memory_source
        self.ledger_source = ledger_source
        self.log = log
        self.ctx = prepare.Context(owner=owner, memory_source=memory_source, ledger_source=ledger_source,
                                   dry_run=options.dry_run)
        self.run: ImportRun | None = None
        self.counts = _empty_counts()
        self.progress: dict = {}
        self.dry_rejects: _Rejects | None = None
        self.resumed = False

    # ------------------------------------------------------------------ run record
    def start(self) -> None:
        if self.options.dry_run:
            return
        self.run = (ImportRun.objects.filter(owner=self.owner, memory_db=str(self.memory_source.path),
                                             ledger_db=str(self.ledger_source.path),
                                             status__in=[ImportRunStatus.RUNNING, ImportRunStatus.FAILED])
                    .order_by("-started_at").first())
        if self.run is not None:
            self.resumed = True
            self.run.attempts += 1
            self.run.status = ImportRunStatus.RUNNING
            self.run.error = ""
            self.run.save(update_fields=["attempts", "status", "error", "updated_at"])
            self.counts = self.run.counts or _empty_counts()
            self.progress = self.run.progress or {}
            self.log(f"Resuming import {self.run.run_id} (attempt {self.run.attempts}) after its last committed "
                     f"batch.")
            return
        hashes = {}
        for source in (self.memory_source, self.ledger_source):
            from tqdm import tqdm

            with tqdm(total=source.size(), desc=f"sha256 {source.path.name}", unit="B", unit_scale=True,
                      disable=not self.options.progress or None) as bar:
                hashes[source.kind] = source.sha256(tick=bar.update)
        self.run = ImportRun.objects.create(
            owner=self.owner, memory_db=str(self.memory_source.path), ledger_db=str(self.ledger_source.path),
            memory_db_sha256=hashes["memory"], ledger_db_sha256=hashes["ledger"],
            memory_db_bytes=self.memory_source.size(), ledger_db_bytes=self.ledger_source.size(),
            counts=self.counts, host=host_label(),
            options={"batch_size": self.options.batch_size, "defer_vector_index": self.options.defer_vector_index},
        )
        self.log(f"Import {self.run.run_id}: {self.memory_source.path} (sha256 {hashes['memory'][:16]}…) and "
                 f"{self.ledger_source.path} (sha256 {hashes['ledger'][:16]}…) for CRT user "
                 f"{self.owner.get_username()}.")

    def _commit(self, step: str, position: dict, prepared: prepare.Prepared, write: Callable[[], None]) -> None:
        """Write one batch, its rejects and the resume position atomically (nothing in a dry run)."""
        if self.options.dry_run:
            self.dry_rejects.write(prepared.rejected)
            return
        with transaction.atomic():
            write()
            ImportReject.objects.bulk_create(
                ImportReject(run=self.run, table=r.table, source_id=r.source_id, code=r.reason.code,
                             detail=r.reason.detail, row=canonical_json(r.row)) for r in prepared.rejected)
            self.progress[step] = position
            self.run.progress = self.progress
            self.run.counts = self.counts
            self.run.phase = step
            self.run.save(update_fields=["progress", "counts", "phase", "updated_at"])

    def _count_rejects(self, prepared: prepare.Prepared, skip: Iterable[str] = ()) -> None:
        for item in prepared.rejected:
            if item.table not in skip:
                _add(self.counts, item.table, rejected=1)

    # ------------------------------------------------------------------ steps
    def _keyed(self, step: str, source: SourceFile, table: Table) -> Iterator[tuple[list[dict], dict]]:
        """Batches of a table in key order after the step's resume key, then its NULL-key rows."""
        state = self.progress.get(step, {})
        if not state.get("keys_done"):
            after = unplain(state.get("after"))
            for batch in source.stream(table, after=after, batch_size=self.options.batch_size):
                yield batch, {"after": plain(batch[-1][table.key]), "keys_done": False}
            state = {"after": None, "keys_done": True, "after_rowid": 0}
        for batch in source.null_key_rows(table, after_rowid=state.get("after_rowid", 0),
                                          batch_size=self.options.batch_size):
            yield batch, {"after": None, "keys_done": True, "after_rowid": batch[-1][ROWID]}

    def _bar(self, table: Table, source: SourceFile):
        from tqdm import tqdm

        return tqdm(total=source.count(table), initial=self.counts[table.name]["read"], desc=table.name, unit="row",
                    disable=not self.options.progress or None)

    def import_memories(self) -> None:
        step = MEMORIES.name
        if self.progress.get(step, {}).get("done"):
            return
        with self._bar(MEMORIES, self.memory_source) as bar:
            for batch, position in self._keyed(step, self.memory_source, MEMORIES):
                prepared = prepare.prepare_memories(self.ctx, batch, map_present=False)
                reembed = [r for r in prepared.new if r.vector is None]
                if reembed and not self.options.dry_run:
                    vectors = embed_texts([r.text for r in reembed])
                    for record, vector in zip(reembed, vectors):
                        record.vector = vector
                by_status = self.counts[step].setdefault("reembedded", {})
                for record in reembed:
                    by_status[record.vector_status] = by_status.get(record.vector_status, 0) + 1
                self.counts[step]["vectors_rounded"] = (self.counts[step].get("vectors_rounded", 0)
                                                        + sum(r.vector_rounded for r in prepared.new))
                _add(self.counts, step, imported=len(prepared.new), already_present=len(prepared.present))
                self._count_rejects(prepared)
                self._commit(step, position, prepared, lambda: memory_services.import_memories(
                    owner=self.owner, records=prepared.new, run_id=self.run.run_id))
                bar.update(len(batch))
        self._done(step)

    def import_trust_log(self) -> None:
        step = TRUST_LOG.name
        if self.progress.get(step, {}).get("done"):
            return

        def write(records):
            TrustLogEntry.objects.bulk_create(
                TrustLogEntry(memory_id=r.memory_id, owner=self.owner, timestamp=r.timestamp, old_trust=r.old_trust,
                              new_trust=r.new_trust, reason=r.reason, drift=r.drift, v09_log_id=r.log_id,
                              import_run=self.run, v09_extra=canonical_json(r.extra) if r.extra else "")
                for r in records)

        with self._bar(TRUST_LOG, self.memory_source) as bar:
            for batch, position in self._keyed(step, self.memory_source, TRUST_LOG):
                prepared = prepare.prepare_trust_log(self.ctx, batch, TRUST_LOG)
                _add(self.counts, step, imported=len(prepared.new), already_present=len(prepared.present))
                self._count_rejects(prepared)
                self._commit(step, position, prepared, lambda: write(prepared.new))
                bar.update(len(batch))
        self._done(step)

    def import_belief_speech(self) -> None:
        step = BELIEF_SPEECH.name
        if self.progress.get(step, {}).get("done"):
            return

        def write(records):
            BeliefSpeechEntry.objects.bulk_create(
                BeliefSpeechEntry(owner=self.owner, v09_entry_id=r.entry_id, timestamp=r.timestamp, query=r.query,
                                  response=r.response, is_belief=r.is_belief, memory_ids=r.memory_ids,
                                  trust_avg=r.trust_avg, source=r.source, import_run=self.run,
                                  v09_extra=canonical_json(r.extra) if r.extra else "")
                for r in records)

        with self._bar(BELIEF_SPEECH, self.memory_source) as bar:
            for batch, position in self._keyed(step, self.memory_source, BELIEF_SPEECH):
                prepared = prepare.prepare_belief_speech(self.ctx, batch, BELIEF_SPEECH)
                _add(self.counts, step, imported=len(prepared.new), already_present=len(prepared.present))
                self._count_rejects(prepared)
                self._commit(step, position, prepared, lambda: write(prepared.new))
                bar.update(len(batch))
        self._done(step)

    def _entry(self, item: prepare.LedgerItem) -> ledger_importing.ImportedEntry:
        record = item.record
        evidence = {
            "rule": mapping.RULE, "detector_version": mapping.DETECTOR_VERSION, "confidence": None,
            "confidence_note": "v0.9 recorded no detector confidence; its rules flagged this pair outright",
            "slots": record.slots, "metadata": record.metadata,
            "imported_from": {"file": self.ledger_source.path.name, "sha256": self.run.ledger_db_sha256,
                              "run_id": self.run.run_id},
            "v09": mapping.folded_evidence(record, item.folded),
        }
        return ledger_importing.ImportedEntry(
            ledger_id=record.ledger_id, owner_id=self.owner.pk, thread_id=item.thread_id,
            memory_a_id=record.old_memory_id, memory_b_id=record.new_memory_id, timestamp=record.timestamp,
            status=mapping.final_status(item.events), confidence=1.0, drift_mean=record.drift_mean,
            old_text=item.old_text, new_text=item.new_text, summary=record.summary, evidence=evidence,
            detector_version=mapping.DETECTOR_VERSION, **item.fields,
            events=tuple(item.events),
        )

    def import_contradictions(self) -> None:
        step = CONTRADICTIONS.name
        if self.progress.get(step, {}).get("done"):
            return
        folded_names = [t.name for t in FOLDED]
        with self._bar(CONTRADICTIONS, self.ledger_source) as bar:
            for batch, position in self._keyed(step, self.ledger_source, CONTRADICTIONS):
                prepared = prepare.prepare_contradictions(self.ctx, batch)
                _add(self.counts, step, imported=len(prepared.new), already_present=len(prepared.present))
                self._count_rejects(prepared, skip=folded_names)
                for name, counts in prepared.folded.items():
                    _add(self.counts, name, **{k: v for k, v in counts.items() if k != "read"})
                entries = [] if self.options.dry_run else [self._entry(item) for item in prepared.new]
                self._commit(step, position, prepared, lambda: ledger_importing.append_imported_entries(
                    entries=entries, recorded_by=mapping.RECORDED_BY, request_id=self.run.run_id,
                    actor_name=ACTOR_NAME))
                bar.update(len(batch))
        self._done(step)

    def import_orphans(self) -> None:
        for table in FOLDED:
            step = f"{table.name}:orphans"
            state = self.progress.get(step, {})
            if state.get("done"):
                continue
            for batch in self.ledger_source.orphans(table, CONTRADICTIONS, after_rowid=state.get("after_rowid", 0),
                                                    batch_size=self.options.batch_size):
                prepared = prepare.prepare_orphans(table, batch)
                self._count_rejects(prepared)
                self._commit(step, {"after_rowid": batch[-1][ROWID]}, prepared, lambda: None)
            self._done(step)

    def _done(self, step: str) -> None:
        self.progress[step] = {**self.progress.get(step, {}), "done": True}
        if self.run is not None:
            self.run.progress = self.progress
            self.run.counts = self.counts
            self.run.save(update_fields=["progress", "counts", "updated_at"])
        table = step.split(":")[0]
        counts = self.counts.get(table, {})
        logger.info("%s: %s", step, counts)


def run_import(options: ImportOptions, *, log: Callable[[str], None] | None = None) -> ImportResult:
    """Import (or with ``dry_run`` only check) a v0.9 installation; see the module doc.

    Raises :class:`~memory.v09import.errors.SourceError` (bad file: nothing written),
    :class:`~memory.v09import.errors.OwnerError`, :class:`~memory.v09import.errors.ImportBusy`
    (another import runs) and database errors (the batch in flight is rolled back; the run is
    marked failed and the next run resumes it).
    """
    log = log or logger.info
    started = time.perf_counter()
    if options.batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    memory_source, ledger_source = open_sources(options.memory_db, options.ledger_db,
                                                lock_timeout=options.lock_timeout)
    locked = False
    job: _Import | None = None
    try:
        locked = _take_import_lock(options.lock_timeout)
        if not locked:
            raise ImportBusy("Another import_crt_sqlite is running on this database; wait for it to finish.")
        if options.dry_run:
            owner, created = _dry_owner(options.owner, create=options.create_owner)
        else:
            owner, created = resolve_owner(options.owner, create=options.create_owner)
        job = _Import(options, owner, memory_source, ledger_source, log)
        job.start()
        rejects_path = Path(options.rejects_path or job.run and job.run.rejects_path
                            or default_rejects_path(job.run.run_id if job.run else None)).absolute()
        rejects_path.parent.mkdir(parents=True, exist_ok=True)
        if job.run is not None and job.run.rejects_path != str(rejects_path):
            job.run.rejects_path = str(rejects_path)
            job.run.save(update_fields=["rejects_path", "updated_at"])
        if options.dry_run:
            job.dry_rejects = _Rejects(rejects_path)

        index_note = "kept"
        incoming = memory_source.count(MEMORIES) - _already_imported_memories(job)
        if job.run is not None and not job.progress.get(MEMORIES.name, {}).get("done") and not job.run.vector_index_deferred \
                and should_defer_index(options.defer_vector_index, incoming=incoming):
            drop_vector_index()
            job.run.vector_index_deferred = True
            job.run.save(update_fields=["vector_index_deferred", "updated_at"])
            log(f"Dropped the HNSW index {HNSW_INDEX} for the bulk load of {incoming} memories; it is rebuilt "
                f"after them.")
            logger.info("dropped %s for the bulk load", HNSW_INDEX)
        logger.info("import %s: importing memories", job.run.run_id if job.run else "dry-run")
        try:
            job.import_memories()
        finally:
            if job.run is not None and job.run.vector_index_deferred and job.progress.get(MEMORIES.name, {}).get("done"):
                seconds = build_vector_index()
                job.run.vector_index_deferred = False
                job.run.save(update_fields=["vector_index_deferred", "updated_at"])
                index_note = f"rebuilt in {seconds:.1f} s"
                log(f"Rebuilt the HNSW index {HNSW_INDEX} in {seconds:.1f} s.")
                logger.info("rebuilt %s in %.1f s", HNSW_INDEX, seconds)
        job.import_trust_log()
        job.import_belief_speech()
        job.import_contradictions()
        job.import_orphans()

        report = None
        logger.info("import %s: all tables read (%s)", job.run.run_id if job.run else "dry-run",
                    {t.name: job.counts[t.name]["read"] for t in TABLES})
        if job.run is not None and options.verify:
            log("Verifying: every table of both files against CRT (counts and checksums).")
            report = _verify(job, options)
            job.run.verification = report.as_dict()
            job.run.status = ImportRunStatus.COMPLETED if report.ok else ImportRunStatus.MISMATCH
        elif job.run is not None:
            job.run.status = ImportRunStatus.COMPLETED
        rejected = sum(job.counts[t.name]["rejected"] for t in TABLES)
        if job.run is not None:
            job.run.phase = "finished"
            job.run.finished_at = timezone.now()
            job.run.save(update_fields=["verification", "status", "phase", "finished_at", "updated_at"])
            write_rejects_file(job.run, rejects_path)
            logger.info("import %s finished: %s; rejects in %s", job.run.run_id, job.run.status, rejects_path)
        return ImportResult(run_id=job.run.run_id if job.run else None, dry_run=options.dry_run,
                            resumed=job.resumed, counts=job.counts, rejects_path=str(rejects_path), rejected=rejected,
                            verification=report, vector_index=index_note, seconds=time.perf_counter() - started,
                            owner_created=created)
    except BaseException as exc:
        if job is not None and job.run is not None:
            _mark_failed(job, exc)
            if job.run.vector_index_deferred:
                logger.warning("the HNSW index %s is still dropped (semantic search over all memories is slower "
                               "meanwhile); run the import again to finish it and rebuild the index", HNSW_INDEX)
        raise
    finally:
        if job is not None and job.dry_rejects is not None:
            job.dry_rejects.close()
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", list(IMPORT_LOCK))
        memory_source.close()
        ledger_source.close()


def _dry_owner(username: str | None, *, create: bool):
    """The owner of a dry run: the existing user, or with ``--create-owner`` an unsaved stand-in
    (a dry run creates nothing). Raises :class:`OwnerError` like :func:`resolve_owner`."""
    User = get_user_model()
    existing = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    if existing is not None or not create:
        return resolve_owner(username, create=False)
    return User(**{User.USERNAME_FIELD: username}, pk=-1), False


def _mark_failed(job: _Import, exc: BaseException) -> None:
    try:
        if connection.in_atomic_block:
            return
        job.run.status = ImportRunStatus.FAILED
        job.run.error = f"{type(exc).__name__}: {exc}"[:4000] or type(exc).__name__
        job.run.save(update_fields=["status", "error", "updated_at"])
        rejects = job.run.rejects_path
        if rejects:
            write_rejects_file(job.run, Path(rejects))
    except Exception:  # the database may be what failed; the run stays "running" and resumes anyway
        logger.warning("could not record the failure of import %s", job.run.run_id, exc_info=True)


def _verify(job: _Import, options: ImportOptions) -> VerificationReport:
    from tqdm import tqdm

    total = sum((job.memory_source if t.file == "memory" else job.ledger_source).count(t)
                for t in (MEMORIES, TRUST_LOG, BELIEF_SPEECH, CONTRADICTIONS))
    with tqdm(total=total, desc="verifying", unit="row", disable=not options.progress or None) as bar:
        return verify_import(owner=job.owner, memory_source=job.memory_source, ledger_source=job.ledger_source,
                             batch_size=options.batch_size, tick=lambda table, n: bar.update(n))


def verify_only(*, memory_db: str, ledger_db: str, owner: str, batch_size: int = 1000, progress: bool = True,
                lock_timeout: float = 5.0) -> VerificationReport:
    """``--verify-only``: verify an earlier import of these files for ``owner`` without importing.

    Raises :class:`~memory.v09import.errors.SourceError` / :class:`~memory.v09import.errors.OwnerError`.
    """
    memory_source, ledger_source = open_sources(memory_db, ledger_db, lock_timeout=lock_timeout)
    try:
        user, _ = resolve_owner(owner, create=False)
        job = _Import(ImportOptions(memory_db=memory_db, ledger_db=ledger_db, owner=owner, batch_size=batch_size,
                                    progress=progress), user, memory_source, ledger_source, log=logger.info)
        return _verify(job, job.options)
    finally:
        memory_source.close()
        ledger_source.close()
