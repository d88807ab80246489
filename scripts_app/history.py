"""Runs per local day and status, the numbers the runs-per-day charts draw and the history
API gives: read through run_history (the dashboard's rollup where it is registered)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from scripts_app import run_history
from scripts_app.dates import local_today
from scripts_app.models import Status
from scripts_app.run_filter import RunFilter

HISTORY_DAYS = 14
RANGES = (7, 14, 30)  # the dashboard's range switch


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
    script or all, a day with no runs a zero rather than a gap."""
    today = today or local_today()
    first = today - timedelta(days=days - 1)
    found = run_history.runs_per_day(RunFilter(first=first, last=today, script_id=script_id))
    empty = dict.fromkeys(Status.values, 0)
    return [
        DayRuns(day=day, **found.get(day, empty))
        for day in (first + timedelta(days=offset) for offset in range(days))
    ]


def runs_on(day: date) -> dict[str, int]:
    """Runs started on one local day, per status, zeros included."""
    return run_history.runs_per_day(RunFilter.of(day=day)).get(day, dict.fromkeys(Status.values, 0))


def days_asked(value: str | None, *, default: int = HISTORY_DAYS) -> int:
    """The chart range from a page's ?days=, one of RANGES; anything else is the default."""
    return int(value) if value in {str(days) for days in RANGES} else default
