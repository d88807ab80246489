"""Runs per local day for the dashboard's history chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q

from scripts_app.dates import day_window, local_today
from scripts_app.models import ScriptExecution, Status

HISTORY_DAYS = 14


@dataclass(frozen=True)
class DayRuns:
    day: date
    success: int
    error: int


def runs_per_day(*, days: int = HISTORY_DAYS, today: date | None = None) -> list[DayRuns]:
    """Successful and failed runs on each of the last `days` local days, oldest first.

    One query of range conditions (one pair per local day), so a day with no
    runs is a zero rather than a gap, and the started_at index is used.
    """
    today = today or local_today()
    first = today - timedelta(days=days - 1)
    window_start, _ = day_window(first)
    _, window_end = day_window(today)
    counts = {}
    for offset in range(days):
        start, end = day_window(first + timedelta(days=offset))
        on_day = Q(started_at__gte=start, started_at__lt=end)
        counts[f"success_{offset}"] = Count("pk", filter=on_day & Q(status=Status.SUCCESS))
        counts[f"error_{offset}"] = Count("pk", filter=on_day & Q(status=Status.ERROR))
    totals = ScriptExecution.objects.filter(
        started_at__gte=window_start, started_at__lt=window_end
    ).aggregate(**counts)
    return [
        DayRuns(first + timedelta(days=offset), totals[f"success_{offset}"], totals[f"error_{offset}"])
        for offset in range(days)
    ]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class Column:
    runs: DayRuns
    label_x: float
    success: Bar
    error: Bar

    @property
    def bars(self) -> list[tuple[Bar, str]]:
        return [(self.success, "success"), (self.error, "error")]


@dataclass(frozen=True)
class Chart:
    """Geometry of a grouped bar chart in SVG user units; the template draws it."""

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


def bar_chart(history: list[DayRuns], *, width: int = 900, height: int = 240) -> Chart:
    left, top, bottom = 36.0, 12.0, height - 28.0
    slot = (width - left) / max(len(history), 1)
    bar_width = slot * 0.34
    top_value = _nice_ceiling(max([max(d.success, d.error) for d in history], default=0))
    scale = (bottom - top) / top_value

    def bar(x: float, value: int) -> Bar:
        return Bar(x=round(x, 2), y=round(bottom - value * scale, 2), height=round(value * scale, 2))

    columns = []
    for index, runs in enumerate(history):
        start = left + index * slot + slot * 0.14
        columns.append(
            Column(
                runs=runs,
                label_x=round(left + index * slot + slot / 2, 2),
                success=bar(start, runs.success),
                error=bar(start + bar_width, runs.error),
            )
        )
    return Chart(columns, width, height, bottom, round(bar_width, 2), top_value, top)


def _nice_ceiling(value: int) -> int:
    """The smallest of 2, 4, 10, 20, 40, 100, ... at least `value` (even, so the midline is whole)."""
    nice = 2
    while nice < value:
        nice = nice * 5 // 2 if str(nice).startswith("4") else nice * 2
    return nice
