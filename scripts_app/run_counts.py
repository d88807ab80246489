"""How many runs match a list's filters, and on which days, without counting the executions.

Counting a million rows to draw one page of them is what made every list
slow. Something that keeps counts of runs per local day, script and status
(the dashboard's rollup) registers itself here when it starts; scripts_app
asks through this module and never imports it. With nothing registered, the
executions table is counted.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Protocol

from django.core.paginator import Paginator
from django.db.models import QuerySet

from scripts_app.dates import day_window, local_zone
from scripts_app.models import ScriptExecution


class RunCounts(Protocol):
    def count_runs(
        self, *, first: date | None, last: date | None, script_id: int | None, status: str | None
    ) -> int: ...

    def days_with_runs(
        self, *, first: date, last: date, script_id: int | None, status: str | None
    ) -> list[date]: ...


_source: RunCounts | None = None


def register(source: RunCounts | None) -> None:
    global _source
    _source = source


def count_runs(
    *,
    first: date | None = None,
    last: date | None = None,
    script_id: int | None = None,
    status: str | None = None,
) -> int:
    """Runs started on the local days first..last (None: unbounded), of a script and a status or all."""
    if _source is not None:
        return _source.count_runs(first=first, last=last, script_id=script_id, status=status)
    return _matching(first=first, last=last, script_id=script_id, status=status).count()


def days_with_runs(
    *, first: date, last: date, script_id: int | None = None, status: str | None = None
) -> list[date]:
    """The local days first..last on which a matching run started, in order."""
    if _source is not None:
        return _source.days_with_runs(first=first, last=last, script_id=script_id, status=status)
    matching = _matching(first=first, last=last, script_id=script_id, status=status)
    zone = local_zone()
    return sorted({instant.date() for instant in matching.datetimes("started_at", "day", tzinfo=zone)})


class KnownCountPaginator(Paginator):
    """A Paginator told how many objects there are, instead of counting them."""

    def __init__(self, object_list, per_page, *args, count: int, **kwargs) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def _matching(*, first, last, script_id, status) -> QuerySet[ScriptExecution]:
    runs = ScriptExecution.objects.all()
    if first is not None:
        runs = runs.filter(started_at__gte=day_window(first)[0])
    if last is not None:
        runs = runs.filter(started_at__lt=day_window(last)[1])
    if script_id is not None:
        runs = runs.filter(script_id=script_id)
    if status:
        runs = runs.filter(status=status)
    return runs
