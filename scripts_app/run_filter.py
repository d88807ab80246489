"""Which runs a list shows, written once: the executions page, the API and its CSV export,
the admin's counts and the rollup's counts all narrow runs with a RunFilter.

A filter is a range of whole local days in TIME_ZONE (either end open), a script and a
status. `executions()` selects the matching rows of the executions table through indexed
ranges of started_at (never `__date`, which no index serves); run_history counts what the
same filter selects, from the rollup where one is registered.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from django.db.models import QuerySet

from scripts_app.dates import day_window
from scripts_app.models import ScriptExecution


@dataclass(frozen=True)
class RunFilter:
    first: date | None = None  # the first local day, None: no lower bound
    last: date | None = None  # the last local day, None: no upper bound
    script_id: int | None = None
    status: str | None = None

    @classmethod
    def of(
        cls, *, day: date | None = None, script_id: int | None = None, status: str | None = None
    ) -> RunFilter:
        """The runs of one local day (None: any day), of one script and one status (None: all)."""
        return cls(first=day, last=day, script_id=script_id, status=status or None)

    def narrowed(self, first: date | None, last: date | None) -> RunFilter:
        """The runs this filter selects that also fall on the days first..last."""
        return replace(self, first=_bound(max, self.first, first), last=_bound(min, self.last, last))

    @property
    def selects_nothing(self) -> bool:
        return self.first is not None and self.last is not None and self.first > self.last

    def executions(self, runs: QuerySet[ScriptExecution] | None = None) -> QuerySet[ScriptExecution]:
        """The matching executions (of `runs`, default all), newest first."""
        runs = ScriptExecution.objects.all() if runs is None else runs
        if self.selects_nothing:
            return runs.none()
        if (start := _first_instant(self.first)) is not None:
            runs = runs.filter(started_at__gte=start)
        if (end := _end_instant(self.last)) is not None:
            runs = runs.filter(started_at__lt=end)
        if self.script_id is not None:
            runs = runs.filter(script_id=self.script_id)
        if self.status:
            runs = runs.filter(status=self.status)
        return runs


def _bound(pick, mine: date | None, other: date | None) -> date | None:
    """The tighter of two bounds, None being no bound."""
    if mine is None or other is None:
        return other if mine is None else mine
    return pick(mine, other)


# A day at the very edge of the calendar has no window an instant can express: such a
# bound excludes nothing that can be stored, so it is left open.


def _first_instant(day: date | None) -> datetime | None:
    try:
        return None if day is None else day_window(day)[0]
    except OverflowError:
        return None


def _end_instant(day: date | None) -> datetime | None:
    try:
        return None if day is None else day_window(day)[1]
    except OverflowError:
        return None
