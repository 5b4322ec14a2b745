"""Recompute the ledger's hash chains from the database and find the first row that breaks them.

Used by ``manage.py verify_ledger``. Reads in ``seq`` order with a server-side cursor (bounded
memory: ``CHUNK`` rows at a time). Besides the chains it checks that each entry's denormalized
``status`` equals its last event's ``to_status`` and that every event starts from the status the
previous event of its entry left (``open`` for the first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator

from ledger import chain
from ledger.models import ContradictionEntry, LedgerStatus, ResolutionEvent

#: Rows fetched per round trip while verifying.
CHUNK = 5000

PROBLEMS = {
    "seq_gap": "a row before it is missing (deleted?)",
    "prev_hash_mismatch": "its prev_hash does not match the previous row's hash (row removed or chain rewritten)",
    "row_hash_mismatch": "its content does not match its hash (altered after it was written)",
    "status_mismatch": "its status differs from the status its resolution events lead to",
    "transition_mismatch": "it starts from a status its entry was not in",
}


@dataclass
class Break:
    """The first problem found in one table."""

    table: str
    row_id: str
    seq: int
    problem: str

    def describe(self) -> str:
        noun = "entry" if self.table == chain.ENTRY_TABLE else "event"
        return f"{noun} {self.row_id} (seq {self.seq}): {PROBLEMS[self.problem]} [{self.problem}]"


@dataclass
class Report:
    """Outcome of a verification: rows checked per table and the breaks found (first per check)."""

    checked: dict[str, int] = field(default_factory=dict)
    heads: dict[str, str | None] = field(default_factory=dict)
    breaks: list[Break] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.breaks


def _rows(model, names, extra=()) -> Iterator[dict]:
    columns = list(dict.fromkeys(["seq", "prev_hash", "row_hash", *names, *extra]))
    yield from model.objects.order_by("seq").values(*columns).iterator(chunk_size=CHUNK)


def _walk(rows: Iterator[dict], *, table: str, names, id_field: str, report: Report,
          tick: Callable[[int], None] | None, sink: Callable[[dict], None] | None = None) -> None:
    counted = {"n": 0, "head": None}

    def counting():
        for row in rows:
            counted["n"] += 1
            counted["head"] = row["row_hash"]
            if tick:
                tick(1)
            if sink:
                sink(row)
            yield row

    broken = chain.find_break(counting(), table=table, names=names)
    report.checked[table] = counted["n"]
    report.heads[table] = counted["head"]
    if broken:
        row = broken["row"]
        report.breaks.append(Break(table=table, row_id=row[id_field], seq=broken["seq"], problem=broken["problem"]))


def verify_chains(*, tick: Callable[[int], None] | None = None) -> Report:
    """Verify both chains and the status derivation. ``tick(n)`` is called per row (progress bars)."""
    report = Report()
    last_status: dict[str, str] = {}
    transition_break: list[Break] = []

    def follow(event: dict) -> None:
        previous = last_status.get(event["entry_id"], LedgerStatus.OPEN)
        if event["from_status"] != previous and not transition_break:
            transition_break.append(Break(table=chain.EVENT_TABLE, row_id=event["event_id"], seq=event["seq"],
                                          problem="transition_mismatch"))
        last_status[event["entry_id"]] = event["to_status"]

    _walk(_rows(ResolutionEvent, chain.EVENT_HASHED_FIELDS), table=chain.EVENT_TABLE,
          names=chain.EVENT_HASHED_FIELDS, id_field="event_id", report=report, tick=tick, sink=follow)
    report.breaks.extend(transition_break)

    status_break: list[Break] = []

    def compare(entry: dict) -> None:
        if not status_break and entry["status"] != last_status.get(entry["ledger_id"], LedgerStatus.OPEN):
            status_break.append(Break(table=chain.ENTRY_TABLE, row_id=entry["ledger_id"], seq=entry["seq"],
                                      problem="status_mismatch"))

    _walk(_rows(ContradictionEntry, chain.ENTRY_HASHED_FIELDS, extra=("status",)), table=chain.ENTRY_TABLE,
          names=chain.ENTRY_HASHED_FIELDS, id_field="ledger_id", report=report, tick=tick, sink=compare)
    report.breaks.extend(status_break)
    return report


def row_counts() -> dict[str, int]:
    """Rows per chain table (for progress bar totals)."""
    return {chain.ENTRY_TABLE: ContradictionEntry.objects.count(), chain.EVENT_TABLE: ResolutionEvent.objects.count()}
