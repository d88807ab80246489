"""The geometry of a runs-per-day chart: one stacked column per day, one segment per status,
so a column is as tall as the day's runs. The templates draw it as SVG
(scripts_app/history_chart.html); the dashboard and each script's page show one."""

from __future__ import annotations

from dataclasses import dataclass

from scripts_app.history import DayRuns

# Bottom to top in each day's column: the chart's colours, in this order, in its legend too.
STACKED = ("success", "error", "cancelled", "running")


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


def _nice_ceiling(value: int) -> int:
    """The smallest of 2, 4, 10, 20, 40, 100, ... at least `value` (even, so the midline is whole)."""
    nice = 2
    while nice < value:
        nice = nice * 5 // 2 if str(nice).startswith("4") else nice * 2
    return nice
