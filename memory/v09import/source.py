"""Reading a CRT v0.9 SQLite file strictly read-only.

The file is opened as ``file:<path>?mode=ro`` (SQLite refuses every write on that connection),
after checking that it exists, is a regular file and starts with the SQLite header. One read
transaction is held for the whole import, so every table is read from the same snapshot even if
v0.9 is still running (in WAL mode writers continue on their side; in rollback-journal mode they
wait until the import ends). Text that is not valid UTF-8 is returned as :class:`InvalidText`
instead of aborting the read, so the row can be rejected with its id.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import urllib.parse
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from memory.v09import.errors import SourceError
from memory.v09import.schema import Table, tables_of

#: First 16 bytes of every SQLite 3 database file (https://www.sqlite.org/fileformat.html §1.3).
SQLITE_HEADER = b"SQLite format 3\x00"
#: Column added to every streamed row: SQLite's rowid, the source id of a row whose key is NULL.
ROWID = "__rowid__"
#: Seconds to wait for a lock held by another process before giving up (baseline choice).
DEFAULT_LOCK_TIMEOUT_S = 5.0
#: Hint printed with every "is it really v0.9?" error.
_KIND_HINT = {"memory": "the v0.9 memory database (crt_memory.db)", "ledger": "the v0.9 ledger database (crt_ledger.db)"}


class InvalidText:
    """A TEXT value whose bytes are not UTF-8 (``raw`` keeps them)."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes):
        self.raw = raw

    def __eq__(self, other) -> bool:
        return isinstance(other, InvalidText) and other.raw == self.raw

    def __hash__(self) -> int:
        return hash(self.raw)

    def __repr__(self) -> str:
        return f"InvalidText({self.raw!r})"


def _text(raw: bytes):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return InvalidText(raw)


def file_sha256(path: Path, *, tick: Callable[[int], None] | None = None, chunk: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file, read in 1 MiB chunks; ``tick(n)`` gets the bytes read."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
            if tick:
                tick(len(block))
    return digest.hexdigest()


class SourceFile:
    """One v0.9 SQLite file (``kind`` ``memory`` or ``ledger``), opened read-only.

    Raises :class:`SourceError` from :meth:`open` when the path is missing, not a regular file,
    not SQLite, locked by another process for longer than ``lock_timeout`` seconds, or lacks a
    v0.9 table or column. Use as a context manager.
    """

    def __init__(self, path: str | os.PathLike, *, kind: str, lock_timeout: float = DEFAULT_LOCK_TIMEOUT_S):
        self.given = str(path)
        self.path = Path(path).expanduser().absolute()
        self.kind = kind
        self.lock_timeout = lock_timeout
        self.conn: sqlite3.Connection | None = None
        self._columns: dict[str, list[str]] = {}

    # ------------------------------------------------------------------ opening
    def __enter__(self) -> "SourceFile":
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def label(self) -> str:
        return f"{self.kind} database {self.given!r}"

    def open(self) -> None:
        """Check the file and open it read-only inside one read transaction (see class doc)."""
        if not self.path.exists():
            raise SourceError(f"The {self.label} does not exist.")
        if not self.path.is_file():
            raise SourceError(f"The {self.label} is not a regular file.")
        try:
            with open(self.path, "rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise SourceError(f"The {self.label} cannot be read: {exc.strerror}.") from None
        if not header:
            raise SourceError(f"The {self.label} is empty (0 bytes): it is not {_KIND_HINT[self.kind]}.")
        if header != SQLITE_HEADER:
            raise SourceError(f"The {self.label} is not an SQLite database (wrong file header): "
                              f"expected {_KIND_HINT[self.kind]}.")
        uri = f"file:{urllib.parse.quote(str(self.path))}?mode=ro"
        try:
            self.conn = sqlite3.connect(uri, uri=True, timeout=self.lock_timeout, isolation_level=None,
                                        check_same_thread=False)
            self.conn.text_factory = _text
            self.conn.execute("BEGIN")
            # The first read takes the shared lock / WAL snapshot: this is where a lock shows.
            names = {row[0] for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.OperationalError as exc:
            self.close()
            message = str(exc)
            if "locked" in message or "busy" in message:
                raise SourceError(
                    f"The {self.label} is locked by another process (waited {self.lock_timeout:g} s). Stop CRT v0.9 "
                    f"(or copy the file while it is stopped) and run the import again.") from None
            raise SourceError(f"The {self.label} cannot be opened read-only: {message}.") from None
        except sqlite3.DatabaseError as exc:
            self.close()
            raise SourceError(f"The {self.label} is not a usable SQLite database: {exc}.") from None
        self._check_tables(names)

    def _check_tables(self, names: set[str]) -> None:
        expected = tables_of(self.kind)
        missing = [table.name for table in expected if table.name not in names]
        if missing:
            found = ", ".join(sorted(names)) or "no tables"
            self.close()
            raise SourceError(f"The {self.label} has no table {', '.join(missing)} (found: {found}). "
                              f"Is it {_KIND_HINT[self.kind]}?")
        for table in expected:
            columns = [row[1] for row in self.conn.execute(f'PRAGMA table_info("{table.name}")')]
            absent = [column for column in table.columns if column not in columns]
            if absent:
                self.close()
                raise SourceError(f"Table {table.name} of the {self.label} lacks the v0.9 column(s) "
                                  f"{', '.join(absent)}: not a CRT v0.9 schema.")
            self._columns[table.name] = columns

    def close(self) -> None:
        """End the read transaction and close the connection (idempotent)."""
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None

    # ------------------------------------------------------------------ facts about the file
    def size(self) -> int:
        """Size of the database file in bytes (without a -wal file)."""
        return self.path.stat().st_size

    def sha256(self, *, tick: Callable[[int], None] | None = None) -> str:
        """SHA-256 of the database file as it is on disk (provenance of the imported rows)."""
        return file_sha256(self.path, tick=tick)

    def columns(self, table: Table) -> list[str]:
        """The table's columns in file order (the v0.9 ones and any extra ones)."""
        return self._columns[table.name]

    def extra_columns(self, table: Table) -> list[str]:
        """Columns beyond the v0.9 schema (imported verbatim)."""
        return [column for column in self.columns(table) if column not in table.columns]

    def count(self, table: Table) -> int:
        """Rows in the table."""
        return self.conn.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]

    # ------------------------------------------------------------------ reading
    def _select(self, table: Table) -> str:
        return f'SELECT rowid AS {ROWID}, * FROM "{table.name}"'

    def _dicts(self, cursor: sqlite3.Cursor, batch_size: int) -> Iterator[list[dict]]:
        names = [d[0] for d in cursor.description]
        while rows := cursor.fetchmany(batch_size):
            yield [dict(zip(names, row)) for row in rows]

    def stream(self, table: Table, *, after=None, batch_size: int = 1000) -> Iterator[list[dict]]:
        """Rows with a non-NULL key in key order, ``batch_size`` at a time, after key ``after``.

        Memory stays bounded: one batch of dicts at a time (``fetchmany``).
        """
        sql = f'{self._select(table)} WHERE "{table.key}" IS NOT NULL'
        params: list = []
        if after is not None:
            sql += f' AND "{table.key}" > ?'
            params.append(after)
        cursor = self.conn.execute(f'{sql} ORDER BY "{table.key}"', params)
        try:
            yield from self._dicts(cursor, batch_size)
        finally:
            cursor.close()

    def null_key_rows(self, table: Table, *, after_rowid: int = 0, batch_size: int = 1000) -> Iterator[list[dict]]:
        """Rows whose key is NULL (possible for a TEXT primary key in SQLite), by rowid."""
        if table.integer_key:
            return iter(())
        cursor = self.conn.execute(f'{self._select(table)} WHERE "{table.key}" IS NULL AND rowid > ? ORDER BY rowid',
                                   [after_rowid])
        return self._dicts(cursor, batch_size)

    def by_column(self, table: Table, column: str, values: Sequence) -> list[dict]:
        """Rows of ``table`` whose ``column`` is one of ``values`` (chunks of 500 parameters)."""
        rows: list[dict] = []
        values = list(values)
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            marks = ",".join("?" * len(chunk))
            cursor = self.conn.execute(f'{self._select(table)} WHERE "{column}" IN ({marks}) ORDER BY "{table.key}"',
                                       chunk)
            names = [d[0] for d in cursor.description]
            rows.extend(dict(zip(names, row)) for row in cursor.fetchall())
        return rows

    def orphans(self, table: Table, parent: Table, *, after_rowid: int = 0,
                batch_size: int = 1000) -> Iterator[list[dict]]:
        """Rows of a folded ``table`` whose ``ledger_id`` matches no row of ``parent`` (same file), by rowid."""
        cursor = self.conn.execute(
            f'{self._select(table)} AS t WHERE t.rowid > ? AND (t.ledger_id IS NULL OR NOT EXISTS '
            f'(SELECT 1 FROM "{parent.name}" AS p WHERE p."{parent.key}" = t.ledger_id)) ORDER BY t.rowid',
            [after_rowid])
        return self._dicts(cursor, batch_size)


def open_sources(memory_db, ledger_db, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT_S) -> tuple[SourceFile, SourceFile]:
    """Open both files (memory first); closes the first if the second fails. Raises :class:`SourceError`."""
    memory = SourceFile(memory_db, kind="memory", lock_timeout=lock_timeout)
    memory.open()
    ledger = SourceFile(ledger_db, kind="ledger", lock_timeout=lock_timeout)
    try:
        ledger.open()
    except SourceError:
        memory.close()
        raise
    return memory, ledger


def keys_of(rows: Iterable[dict], table: Table) -> list:
    """The key values of a batch, in order."""
    return [row[table.key] for row in rows]
