"""Layout of the admin timeline chart: contradictions per day by type as a stacked-bar SVG.

Pure Python (no Django): :func:`build_chart` turns ``{date: {type: count}}`` into rectangles,
axis ticks and totals that the template ``admin/ledger/timeline.html`` draws as inline SVG —
no JavaScript, nothing fetched from a CDN, readable with scripts disabled.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

#: Colour per contradiction type (colour-blind-safe Okabe–Ito palette).
TYPE_COLOURS = {
    "CONFLICT": "#D55E00",
    "REVISION": "#0072B2",
    "TEMPORAL": "#009E73",
    "DENIAL": "#CC79A7",
    "REFINEMENT": "#999999",
}
#: Longest period the page draws, in days (a bar stays ≥ 1 px wide on a 1,100 px chart).
MAX_DAYS = 366
WIDTH, HEIGHT = 1100, 320
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 48, 40, 12


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass
class Chart:
    """What the template draws: bars, y ticks ``(y, label)``, x labels ``(x, label)``, totals."""

    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    total: int = 0
    days: int = 0
    peak: int = 0
    legend: list[tuple[str, str]] = field(default_factory=list)
    plot_bottom: float = 0
    plot_left: float = 0
    plot_right: float = 0


def _nice_step(peak: int) -> int:
    """Tick step giving at most ~5 ticks: 1, 2, 5 × 10^k."""
    if peak <= 5:
        return 1
    raw = peak / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return int(factor * magnitude)
    return int(10 * magnitude)


def build_chart(counts: dict[dt.date, dict[str, int]], *, start: dt.date, end: dt.date,
                types: list[str]) -> Chart:
    """Stacked bars for every day in [start, end] (inclusive), types stacked in ``types`` order.

    Raises ``ValueError`` if ``end < start`` or the period exceeds :data:`MAX_DAYS`.
    """
    days = (end - start).days + 1
    if days < 1:
        raise ValueError("the period ends before it starts")
    if days > MAX_DAYS:
        raise ValueError(f"the period is longer than {MAX_DAYS} days")
    chart = Chart(width=WIDTH, height=HEIGHT, days=days)
    chart.plot_left, chart.plot_right = MARGIN_LEFT, WIDTH - 8
    chart.plot_bottom = HEIGHT - MARGIN_BOTTOM
    plot_height = chart.plot_bottom - MARGIN_TOP
    per_day = [(start + dt.timedelta(days=i)) for i in range(days)]
    chart.peak = max((sum(counts.get(day, {}).values()) for day in per_day), default=0)
    step = _nice_step(chart.peak)
    top = max(step, math.ceil(chart.peak / step) * step)
    slot_width = (chart.plot_right - chart.plot_left) / days
    bar_width = max(slot_width * 0.8, 1.0)
    label_every = max(1, math.ceil(days / 12))
    for index, day in enumerate(per_day):
        x = chart.plot_left + index * slot_width + (slot_width - bar_width) / 2
        y = chart.plot_bottom
        for kind in types:
            n = counts.get(day, {}).get(kind, 0)
            if not n:
                continue
            height = plot_height * n / top
            y -= height
            chart.bars.append(Bar(x=round(x, 2), y=round(y, 2), width=round(bar_width, 2), height=round(height, 2),
                                  colour=TYPE_COLOURS.get(kind, "#444444"), title=f"{day.isoformat()}: {n} {kind}"))
            chart.totals[kind] = chart.totals.get(kind, 0) + n
        if index % label_every == 0:
            chart.x_labels.append((round(x + bar_width / 2, 2), day.strftime("%b %d")))
    chart.y_ticks = [(round(chart.plot_bottom - plot_height * v / top, 2), v) for v in range(0, top + 1, step)]
    chart.total = sum(chart.totals.values())
    chart.legend = [(kind, TYPE_COLOURS.get(kind, "#444444")) for kind in types]
    return chart
