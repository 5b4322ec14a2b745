"""The hash-chain rules, the CSV cell rule and the timeline layout: pure Python, no servers."""

import datetime as dt

import pytest

from ledger import chain
from ledger.export import csv_cell
from ledger.timeline import MAX_DAYS, build_chart


def _rows(n):
    rows, prev = [], chain.GENESIS_HASH
    for seq in range(1, n + 1):
        row = {"a": f"value {seq}", "b": seq * 0.5, "seq": seq, "prev_hash": prev}
        row["row_hash"] = chain.row_hash(table="t", seq=seq, prev_hash=prev, fields=row, names=("a", "b"))
        rows.append(row)
        prev = row["row_hash"]
    return rows


def test_canonical_text_gives_one_string_per_value_type():
    when = dt.datetime(2026, 11, 21, 19, 0, 0, 5, tzinfo=dt.timezone.utc)
    assert chain.canonical_text(None) == ""
    assert chain.canonical_text(True) == "true"
    assert chain.canonical_text(12) == "12"
    assert chain.canonical_text(0.1) == "0.1"
    assert chain.canonical_text(when) == "2026-11-21T19:00:00.000005Z"
    assert chain.canonical_text({"b": 1, "a": "é"}) == '{"a":"é","b":1}'


def test_canonical_text_of_a_float_survives_a_json_round_trip():
    import json

    for value in (0.1 + 0.2, 1e-05, 1763750000.123456, 0.85):
        assert chain.canonical_text(json.loads(json.dumps(value))) == chain.canonical_text(value)


def test_naive_datetimes_are_refused():
    with pytest.raises(TypeError):
        chain.canonical_text(dt.datetime(2026, 1, 1))


def test_an_intact_chain_has_no_break():
    assert chain.find_break(_rows(5), table="t", names=("a", "b")) is None


def test_an_altered_field_is_named_as_a_row_hash_mismatch():
    rows = _rows(5)
    rows[2]["a"] = "tampered"
    broken = chain.find_break(rows, table="t", names=("a", "b"))
    assert (broken["seq"], broken["problem"]) == (3, "row_hash_mismatch")


def test_a_removed_row_is_named_as_a_sequence_gap():
    rows = _rows(5)
    del rows[1]
    broken = chain.find_break(rows, table="t", names=("a", "b"))
    assert (broken["seq"], broken["problem"], broken["expected_seq"]) == (3, "seq_gap", 2)


def test_a_rehashed_row_breaks_the_link_to_its_successor():
    rows = _rows(4)
    rows[1]["a"] = "rewritten"
    rows[1]["row_hash"] = chain.row_hash(table="t", seq=2, prev_hash=rows[1]["prev_hash"], fields=rows[1],
                                         names=("a", "b"))
    broken = chain.find_break(rows, table="t", names=("a", "b"))
    assert (broken["seq"], broken["problem"]) == (3, "prev_hash_mismatch")


def test_csv_cells_that_look_like_formulas_get_one_leading_quote():
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell("'quoted") == "''quoted"
    assert csv_cell("Amazon") == "Amazon"
    assert csv_cell(None) == ""


def test_csv_cells_of_numbers_and_objects_are_their_canonical_text_guarded_the_same_way():
    import datetime as dt

    assert csv_cell(-0.5) == "'-0.5" and csv_cell(0.25) == "0.25" and csv_cell(-3) == "'-3" and csv_cell(7) == "7"
    assert csv_cell(True) == "true" and csv_cell({"b": 1, "a": [1.5]}) == '{"a":[1.5],"b":1}'
    assert csv_cell(dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)) == "2026-01-02T03:04:05.000000Z"


def test_timeline_stacks_types_per_day_and_totals_them():
    start = dt.date(2026, 11, 1)
    counts = {start: {"CONFLICT": 2, "TEMPORAL": 1}, dt.date(2026, 11, 3): {"DENIAL": 4}}
    chart = build_chart(counts, start=start, end=dt.date(2026, 11, 7), types=["CONFLICT", "TEMPORAL", "DENIAL"])
    assert chart.days == 7 and chart.total == 7 and chart.peak == 4
    assert chart.totals == {"CONFLICT": 2, "TEMPORAL": 1, "DENIAL": 4}
    first_day = [bar for bar in chart.bars if bar.title.startswith("2026-11-01")]
    assert len(first_day) == 2
    conflict, temporal = first_day
    assert temporal.y + temporal.height == pytest.approx(conflict.y)  # stacked on top
    assert conflict.y + conflict.height == pytest.approx(chart.plot_bottom)
    tallest = [bar for bar in chart.bars if bar.title.startswith("2026-11-03")][0]
    assert tallest.height == pytest.approx(2 * conflict.height)


def test_timeline_refuses_reversed_or_overlong_periods():
    day = dt.date(2026, 11, 1)
    with pytest.raises(ValueError):
        build_chart({}, start=day, end=day - dt.timedelta(days=1), types=["CONFLICT"])
    with pytest.raises(ValueError):
        build_chart({}, start=day, end=day + dt.timedelta(days=MAX_DAYS), types=["CONFLICT"])
