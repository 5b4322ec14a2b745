"""Streaming compliance exports (CSV and JSON) with provenance and hashes.

Rows are read with a server-side cursor (``QuerySet.iterator(chunk_size=…)``) and written in
batches, so memory stays bounded whatever the number of rows (measured: ``bench/ledger.py``,
docs/BENCHMARKS.md). Rows come in ``seq`` order, so an auditor can re-link the chain
(``docs/verify_export.py``).

CSV cells are :func:`ledger.chain.canonical_text` of the value — the exact text that was
hashed — with one spreadsheet-safety rule: a cell starting with ``= + - @ ' TAB CR`` gets one
leading ``'`` (so Excel never runs it as a formula); the verifier removes exactly one leading
``'``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
from typing import Iterator

from django.db import DatabaseError, connections
from django.db.models import QuerySet

from ledger import chain
from ledger.models import ResolutionEvent
from ledger.selectors import chain_heads

logger = logging.getLogger(__name__)

#: Rows per database round trip and per chunk written to the response.
CHUNK_ROWS = 1000
#: Export format identifier written into JSON exports.
EXPORT_FORMAT = "crt-ledger-export/1"

ENTRY_COLUMNS = ("seq", "ledger_id", "owner_id", "owner_username", "thread_id", "status", *(
    name for name in chain.ENTRY_HASHED_FIELDS if name not in ("ledger_id", "owner_id", "thread_id")),
    "prev_hash", "row_hash")
EVENT_COLUMNS = ("seq", "event_id", "entry_id", *(
    name for name in chain.EVENT_HASHED_FIELDS if name not in ("event_id", "entry_id")), "prev_hash", "row_hash")
_FORMULA_START = ("=", "+", "-", "@", "'", "\t", "\r")


def csv_cell(value) -> str:
    """The CSV text of one value: canonical text, with a ``'`` before formula-like starts."""
    if value.__class__ is str:  # most cells: canonical text of a str is the str itself
        return "'" + value if value.startswith(_FORMULA_START) else value
    text = chain.canonical_text(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _planned_for_all_rows(queryset: QuerySet) -> Iterator[tuple]:
    """Iterate ``queryset`` through a server-side cursor planned for reading *every* row.

    PostgreSQL plans a cursor for its first 10 % of rows (``cursor_tuple_fraction``): for an export
    filtered by date in ``seq`` order it walked the whole ``seq`` index and skipped the 900,000
    entries outside the range (EXPLAIN at 1M entries) instead of reading the range through the
    ``created_at`` index and sorting it. An export reads every row, so the cursor is planned with
    the fraction at 1.0 for its duration (outside a transaction Django's cursor is ``WITH HOLD``:
    PostgreSQL computes the whole result at once anyway). Reset afterwards, also when the client
    goes away mid-stream.
    """
    connection = connections[queryset.db]
    with connection.cursor() as cursor:
        cursor.execute("SET cursor_tuple_fraction = 1.0")
    try:
        yield from queryset.iterator(chunk_size=CHUNK_ROWS)
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET cursor_tuple_fraction")
        except DatabaseError:  # the connection or transaction already failed: keep that error
            logger.warning("could not reset cursor_tuple_fraction after an export", exc_info=True)


def _entry_rows(entries: QuerySet) -> Iterator[tuple]:
    """Tuples in :data:`ENTRY_COLUMNS` order, ``seq`` order, read ``CHUNK_ROWS`` at a time."""
    fields = [c if c != "owner_username" else "owner__username" for c in ENTRY_COLUMNS]
    return _planned_for_all_rows(entries.order_by("seq").values_list(*fields))


def _event_rows(entries: QuerySet) -> Iterator[tuple]:
    """Tuples in :data:`EVENT_COLUMNS` order: the events of ``entries``, ``seq`` order."""
    events = ResolutionEvent.objects.filter(entry_id__in=entries.order_by().values("pk"))
    return _planned_for_all_rows(events.order_by("seq").values_list(*EVENT_COLUMNS))


def _batches(rows: Iterator[tuple]) -> Iterator[list[tuple]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def stream_csv(entries: QuerySet, *, records: str = "entries", label: str = "") -> Iterator[str]:
    """CSV text chunks: a header and one row per entry (or per event of those entries).

    Each chunk is ``CHUNK_ROWS`` rows written by one ``writerows`` call; string cells (most of
    them) skip the canonical-text conversion. Timings: docs/BENCHMARKS.md (bench/ledger.py).
    """
    columns, rows = (ENTRY_COLUMNS, _entry_rows(entries)) if records == "entries" else \
        (EVENT_COLUMNS, _event_rows(entries))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    yield buffer.getvalue()
    count = 0
    for batch in _batches(rows):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(map(csv_cell, row) for row in batch)
        count += len(batch)
        yield buffer.getvalue()
    logger.info("ledger export finished: csv %s, %d rows%s", records, count, f" ({label})" if label else "")


def _json_default(value):
    if isinstance(value, dt.datetime):
        return chain.canonical_text(value)
    raise TypeError(f"cannot export {type(value).__name__} as JSON")


#: One encoder for every row (``json.dumps`` with options builds a new one per call); datetimes
#: become their canonical text, everything else is native JSON.
_encode = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode


def _json_rows(rows: Iterator[tuple], columns) -> Iterator[str]:
    """The rows as JSON objects (keys in ``columns`` order), one per line, comma-separated."""
    separator = ""
    for batch in _batches(rows):
        yield separator + "\n,".join([_encode(dict(zip(columns, row))) for row in batch]) + "\n"
        separator = ","


def stream_json(entries: QuerySet, *, meta: dict, label: str = "") -> Iterator[str]:
    """One JSON document: ``meta`` (format, hash rules, chain heads at export time, filters),
    ``entries`` (seq order) and ``events`` (of those entries, seq order)."""
    header = {
        "format": EXPORT_FORMAT,
        "hash": {"algorithm": "sha256", "version": chain.HASH_VERSION, "genesis": chain.GENESIS_HASH,
                 "entry_fields": list(chain.ENTRY_HASHED_FIELDS), "event_fields": list(chain.EVENT_HASHED_FIELDS),
                 "rules": "docs/LEDGER.md#hash-chain"},
        "chain_heads": chain_heads(),
        **meta,
    }
    yield '{"meta": ' + json.dumps(header, ensure_ascii=False, default=str) + ',\n"entries": [\n'
    yield from _json_rows(_entry_rows(entries), ENTRY_COLUMNS)
    yield '],\n"events": [\n'
    yield from _json_rows(_event_rows(entries), EVENT_COLUMNS)
    yield "]}\n"
    logger.info("ledger export finished: json%s", f" ({label})" if label else "")
