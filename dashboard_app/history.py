"""Runs per local day for the dashboard's history chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dashboard_app import rollup
from scripts_app.dates import local_today

HISTORY_DAYS = 14


@dataclass(frozen=True)
class DayRuns:
    day: date
    running: int
    success: int
    error: int
    cancelled: int

    @property
    def total(self) -> int:
        return self.running + self.success + self.error + self.cancelled


def runs_per_day(
    *, days: int = HISTORY_DAYS, today: date | None = None, script_id: int | None = None
) -> list[DayRuns]:
    """Runs per status on each of the last `days` local days, oldest first, of one
    script or all: summed from the rollup (at most days x scripts rows), a day
    with no runs a zero rather than a gap."""
    today = today or local_today()
    first = today - timedelta(days=days - 1)
    found = rollup.runs_per_day(first=first, last=today, script_id=script_id)
    empty = dict.fromkeys(rollup.STATUS_COLUMNS, 0)
    return [
        DayRuns(day=day, **found.get(day, empty))
        for day in (first + timedelta(days=offset) for offset in range(days))
    ]


# Bottom to top in each day's column: the chart's colours, in this order, in its legend too.
STACKED = ("success", "error", "cancelled", "running")
RANGES = (7, 14, 30)  # the dashboard's range switch


@dataclass(frozen=True)
class Segment:
    status: str
    y: float
    height: float


@dataclass(frozen=True)
class Column:
    runs: DayRuns
    x: float
    label_x: float
    labelled: bool  # long ranges label every few days only
    segments: list[Segment]


@dataclass(frozen=True)
class Chart:
    """Geometry of a stacked bar chart in SVG user units (one column per day, one segment
    per status, so a column is as tall as the day's runs); the template draws it."""

    columns: list[Column]
    width: int
    height: int
    baseline: float
    bar_width: float
    top_value: int
    top_y: float

    @property
    def middle_value(self) -> float:
        return self.top_value / 2

    @property
    def middle_y(self) -> float:
        return (self.top_y + self.baseline) / 2

    @property
    def statuses(self) -> tuple[str, ...]:
        return STACKED


def bar_chart(history: list[DayRuns], *, width: int = 900, height: int = 240) -> Chart:
    left, top, bottom = 36.0, 12.0, height - 28.0
    slot = (width - left) / max(len(history), 1)
    bar_width = slot * 0.62
    top_value = _nice_ceiling(max([day.total for day in history], default=0))
    scale = (bottom - top) / top_value
    label_every = -(-len(history) // 15)  # at most about 15 labels
    columns = []
    for index, runs in enumerate(history):
        segments, y = [], bottom
        for status in STACKED:
            value = getattr(runs, status)
            if value:
                y -= value * scale
                segments.append(Segment(status, round(y, 2), round(value * scale, 2)))
        columns.append(
            Column(
                runs=runs,
                x=round(left + index * slot + (slot - bar_width) / 2, 2),
                label_x=round(left + index * slot + slot / 2, 2),
                labelled=(len(history) - 1 - index) % label_every == 0,  # today always
                segments=segments,
            )
        )
    return Chart(columns, width, height, bottom, round(bar_width, 2), top_value, top)


def days_asked(value: str | None, *, default: int = HISTORY_DAYS) -> int:
    """The chart range from a page's ?days=, one of RANGES; anything else is the default."""
    return int(value) if value in {str(days) for days in RANGES} else default


def _nice_ceiling(value: int) -> int:
    """The smallest of 2, 4, 10, 20, 40, 100, ... at least `value` (even, so the midline is whole)."""
    nice = 2
    while nice < value:
        nice = nice * 5 // 2 if str(nice).startswith("4") else nice * 2
    return nice
