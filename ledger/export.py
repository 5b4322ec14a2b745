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
import json
import logging
from typing import Iterable, Iterator

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
    text = chain.canonical_text(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _entry_rows(entries: QuerySet) -> Iterator[dict]:
    fields = [c if c != "owner_username" else "owner__username" for c in ENTRY_COLUMNS]
    for row in entries.order_by("seq").values(*fields).iterator(chunk_size=CHUNK_ROWS):
        row["owner_username"] = row.pop("owner__username")
        yield row


def _event_rows(entries: QuerySet) -> Iterator[dict]:
    events = ResolutionEvent.objects.filter(entry_id__in=entries.order_by().values("pk"))
    yield from events.order_by("seq").values(*EVENT_COLUMNS).iterator(chunk_size=CHUNK_ROWS)


class _Line:
    """File-like object whose write() returns the text (csv.writer into a generator)."""

    def write(self, value: str) -> str:
        return value


def stream_csv(entries: QuerySet, *, records: str = "entries", label: str = "") -> Iterator[str]:
    """CSV text chunks: a header and one row per entry (or per event of those entries)."""
    columns, rows = (ENTRY_COLUMNS, _entry_rows(entries)) if records == "entries" else \
        (EVENT_COLUMNS, _event_rows(entries))
    writer = csv.writer(_Line())
    yield writer.writerow(columns)
    count, batch = 0, []
    for row in rows:
        batch.append(writer.writerow([csv_cell(row[c]) for c in columns]))
        count += 1
        if len(batch) >= CHUNK_ROWS:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)
    logger.info("ledger export finished: csv %s, %d rows%s", records, count, f" ({label})" if label else "")


def _json_value(value):
    if isinstance(value, dt.datetime):
        return chain.canonical_text(value)
    return value


def _json_rows(rows: Iterable[dict], columns) -> Iterator[str]:
    first = True
    batch = []
    for row in rows:
        text = json.dumps({c: _json_value(row[c]) for c in columns}, ensure_ascii=False)
        batch.append(text if first else "," + text)
        first = False
        if len(batch) >= CHUNK_ROWS:
            yield "\n".join(batch) + "\n"
            batch = []
    if batch:
        yield "\n".join(batch) + "\n"


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
