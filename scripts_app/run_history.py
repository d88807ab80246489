"""What is known of the runs a filter selects: how many, on which local days, how many per day
and status, and each script's figures of today and the last week.

Counting a million rows to draw one page of them is what made every list slow. Something
that keeps runs counted per local day, script and status (the dashboard's rollup) registers
itself here when it starts; scripts_app asks through this module and never imports it.
With nothing registered, or while the registered counts cannot be trusted (the rollup
counts the days of another time zone until an operator recounts it), the executions table
itself is counted: slower, and right.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import Protocol

from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, TruncDate

from scripts_app.dates import day_window, local_zone
from scripts_app.models import ENDED_STATUSES, Script, ScriptExecution, Status
from scripts_app.run_filter import RunFilter

PerStatus = dict[str, int]  # status -> runs, every status present
Among = QuerySet[Script] | None  # some scripts (a list's filters), or None: all of them


def of_scripts_among(rows: QuerySet, among: Among, script_field: str = "script_id") -> QuerySet:
    """`rows` whose script is in `among` (each row's script probed by id: a page of rows costs
    a probe a row, not a read of every script `among` holds), or all of them."""
    if among is None:
        return rows
    return rows.filter(Exists(among.filter(pk=OuterRef(script_field))))


class RunHistory(Protocol):
    def trusted(self) -> bool:
        """Whether its counts are those of the executions, in today's TIME_ZONE."""

    def count_runs(self, runs: RunFilter) -> int: ...

    def days_with_runs(self, runs: RunFilter) -> list[date]:
        """The local days, in order, on which a run the filter selects started."""

    def runs_per_day(self, runs: RunFilter) -> dict[date, PerStatus]:
        """Runs per status on each local day that has any."""

    def annotate_figures(self, scripts: QuerySet[Script], *, today: date, first: date) -> QuerySet[Script]:
        """`scripts` with runs_today, failures_today, and succeeded_7d and ended_7d: the runs
        started on the days first..today that succeeded, and that ended."""

    # `among`, where a method takes it: only the scripts of that queryset (a list's filters).

    def failed_script_count(self, day: date, among: Among = None) -> int:
        """How many scripts have a failed run started on `day`."""

    def most_failed(self, day: date, page: slice, among: Among = None) -> list[tuple[int, int]]:
        """(script id, failed runs) of a slice of `day`'s failed scripts, most failures first
        (then by id)."""

    def failed_on(self, day: date) -> Exists:
        """True for a script (OuterRef("pk")) with a failed run started on `day`."""

    def rated_count(self, first: date, today: date, among: Among = None) -> int:
        """How many scripts have a run started on the days first..today that ended."""

    def lowest_rates(self, first: date, today: date, page: slice, among: Among = None) -> list[int]:
        """Ids of a slice of those scripts, lowest success rate over those days first, then
        most failures today, then by id."""

    def rated(self, first: date, today: date) -> Exists:
        """True for a script (OuterRef("pk")) with a run started on the days first..today that
        ended."""


class CountedFromExecutions:
    """The run history read from the executions table itself."""

    def trusted(self) -> bool:
        return True

    def count_runs(self, runs: RunFilter) -> int:
        return runs.executions().count()

    def days_with_runs(self, runs: RunFilter) -> list[date]:
        starts = runs.executions().datetimes("started_at", "day", tzinfo=local_zone())
        return sorted({start.date() for start in starts})

    def runs_per_day(self, runs: RunFilter) -> dict[date, PerStatus]:
        per_day: dict[date, PerStatus] = {}
        counted = (
            runs.executions()
            .annotate(day=TruncDate("started_at", tzinfo=local_zone()))
            .values_list("day", "status")
            .annotate(runs=Count("pk"))
            .order_by()
        )
        for day, status, number in counted:
            per_day.setdefault(day, dict.fromkeys(Status.values, 0))[status] = number
        return per_day

    def annotate_figures(self, scripts: QuerySet[Script], *, today: date, first: date) -> QuerySet[Script]:
        def runs(days: RunFilter, *statuses: str):
            matching = days.executions().filter(script=OuterRef("pk"))
            if statuses:
                matching = matching.filter(status__in=statuses)
            counted = matching.order_by().values("script").annotate(n=Count("pk")).values("n")
            return Coalesce(Subquery(counted[:1]), Value(0, output_field=IntegerField()))

        on_today, week = RunFilter(first=today, last=today), RunFilter(first=first, last=today)
        return scripts.annotate(
            runs_today=runs(on_today),
            failures_today=runs(on_today, Status.ERROR),
            succeeded_7d=runs(week, Status.SUCCESS),
            ended_7d=runs(week, *ENDED_STATUSES),
        )

    def failed_script_count(self, day: date, among: Among = None) -> int:
        return of_scripts_among(Script.objects.failed_on(day), among, "pk").count()

    def most_failed(self, day: date, page: slice, among: Among = None) -> list[tuple[int, int]]:
        failed = of_scripts_among(ScriptExecution.objects.failed_on(day), among)
        counted = failed.values("script_id").annotate(n=Count("pk"))
        return list(counted.order_by("-n", "script_id").values_list("script_id", "n")[page])

    def failed_on(self, day: date) -> Exists:
        return Exists(ScriptExecution.objects.failed_on(day).filter(script=OuterRef("pk")))

    def _week(self, first: date, today: date) -> QuerySet:
        ended = RunFilter(first=first, last=today).executions().filter(status__in=ENDED_STATUSES)
        return ended.order_by().values("script_id")

    def rated_count(self, first: date, today: date, among: Among = None) -> int:
        return of_scripts_among(self._week(first, today), among).distinct().count()

    def lowest_rates(self, first: date, today: date, page: slice, among: Among = None) -> list[int]:
        start, end = day_window(today)
        rates = of_scripts_among(self._week(first, today), among).annotate(
            rate=Cast(Count("pk", filter=Q(status=Status.SUCCESS)), FloatField())
            / Cast(Count("pk"), FloatField()),
            failures=Count("pk", filter=Q(status=Status.ERROR, started_at__gte=start, started_at__lt=end)),
        )
        ordered = rates.order_by("rate", F("failures").desc(), "script_id")
        return list(ordered.values_list("script_id", flat=True)[page])

    def rated(self, first: date, today: date) -> Exists:
        return Exists(self._week(first, today).filter(script=OuterRef("pk")))


COUNTED_FROM_EXECUTIONS = CountedFromExecutions()
_registered: RunHistory | None = None


def register(source: RunHistory | None) -> None:
    global _registered
    _registered = source


def source() -> RunHistory:
    """The registered history while it can be trusted, else the executions table."""
    if _registered is not None and _registered.trusted():
        return _registered
    return COUNTED_FROM_EXECUTIONS


def count_runs(runs: RunFilter) -> int:
    """How many runs the filter selects."""
    return 0 if runs.selects_nothing else source().count_runs(runs)


def days_with_runs(runs: RunFilter) -> list[date]:
    """The local days, in order, on which a run the filter selects started."""
    return [] if runs.selects_nothing else source().days_with_runs(runs)


def runs_per_day(runs: RunFilter) -> dict[date, PerStatus]:
    """Runs per status on each local day the filter selects that has any (the caller fills gaps)."""
    return {} if runs.selects_nothing else source().runs_per_day(runs)


def annotate_figures(scripts: QuerySet[Script], *, today: date, first: date) -> QuerySet[Script]:
    """`scripts` with runs_today, failures_today, succeeded_7d and ended_7d (days first..today)."""
    return source().annotate_figures(scripts, today=today, first=first)


def failed_script_count(day: date, among: Among = None) -> int:
    """How many scripts (of `among`) have a failed run started on `day`."""
    return source().failed_script_count(day, among)


def most_failed(day: date, page: slice, among: Among = None) -> list[tuple[int, int]]:
    """(script id, failed runs) of a slice of `day`'s failed scripts (of `among`), most
    failures first."""
    return source().most_failed(day, page, among)


def failed_on(day: date) -> Exists:
    """An expression true for a script (OuterRef("pk")) with a failed run started on `day`."""
    return source().failed_on(day)


def rated_count(first: date, today: date, among: Among = None) -> int:
    """How many scripts (of `among`) have a run started on the days first..today that ended."""
    return source().rated_count(first, today, among)


def lowest_rates(first: date, today: date, page: slice, among: Among = None) -> list[int]:
    """Ids of a slice of the scripts (of `among`) with a rate over first..today, lowest first
    (then most failures today, then id)."""
    return source().lowest_rates(first, today, page, among)


def rated(first: date, today: date) -> Exists:
    """An expression true for a script (OuterRef("pk")) with a rate over first..today."""
    return source().rated(first, today)


class KnownCountPaginator(Paginator):
    """A Paginator told how many objects there are, instead of counting them."""

    def __init__(self, object_list, per_page, *args, count: int, **kwargs) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count
