"""Every read of history made from the rollup: how many runs a filter selects, on which days,
runs per day and status, each script's figures of today and the week, and the scripts that
failed on a day.

This module is scripts_app's run history (scripts_app.run_history.RunHistory), registered by
dashboard_app.apps: the executions lists, the API, the admin and the scripts' health ask
through it. While `trusted()` is false (the rollup counts another zone's days until an
operator recounts it), run_history counts the executions table instead, and so does
scripts_failed_on() here.
"""

from __future__ import annotations

from datetime import date

from django.db import DEFAULT_DB_ALIAS
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
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from dashboard_app.models import DailyRuns, DailyTotals, WeekRates
from dashboard_app.rollup import sql, week, zone
from dashboard_app.rollup.sql import STATUS_COLUMNS
from scripts_app.models import ENDED_STATUSES, Script, ScriptExecution, Status
from scripts_app.run_filter import RunFilter
from scripts_app.run_history import Among, of_scripts_among


def trusted() -> bool:
    """Whether the rollup counts the days of TIME_ZONE, every day recounted."""
    return zone.is_current()


def count_runs(runs: RunFilter) -> int:
    """How many runs the filter selects: what counting the executions would answer."""
    columns = [runs.status] if runs.status else list(STATUS_COLUMNS)
    total = _rows(runs).aggregate(total=Sum(sum_of(columns)))["total"]
    return int(total or 0)


def days_with_runs(runs: RunFilter) -> list[date]:
    """The local days on which at least one run the filter selects started, in order."""
    columns = [runs.status] if runs.status else list(STATUS_COLUMNS)
    per_day = _rows(runs).values("day").annotate(runs=Sum(sum_of(columns))).filter(runs__gt=0)
    return list(per_day.order_by("day").values_list("day", flat=True))


def runs_per_day(runs: RunFilter) -> dict[date, dict[str, int]]:
    """Runs per status on each day the filter selects that has any (the caller fills the gaps)."""
    sums = {status: Sum(status) for status in STATUS_COLUMNS}
    totals = _rows(runs).values("day").annotate(**sums).order_by()
    per_day = {row.pop("day"): {status: int(row[status] or 0) for status in STATUS_COLUMNS} for row in totals}
    return {day: runs for day, runs in per_day.items() if any(runs.values())}


def annotate_figures(scripts: QuerySet[Script], *, today: date, first: date) -> QuerySet[Script]:
    """`scripts` with runs_today, failures_today, and succeeded_7d and ended_7d over the days
    first..today: each a subquery reading at most a week of one script's rollup rows."""
    on_today = DailyRuns.objects.filter(script=OuterRef("pk"), day=today)
    week = DailyRuns.objects.filter(script=OuterRef("pk"), day__gte=first, day__lte=today).order_by()
    week = week.values("script")
    zero = Value(0, output_field=IntegerField())
    return scripts.annotate(
        runs_today=Coalesce(Subquery(on_today.annotate(n=sum_of(list(Status.values))).values("n")[:1]), zero),
        failures_today=Coalesce(Subquery(on_today.values("error")[:1]), zero),
        succeeded_7d=Coalesce(Subquery(week.annotate(n=Sum("success")).values("n")), zero),
        ended_7d=Coalesce(Subquery(week.annotate(n=Sum(sum_of(list(ENDED_STATUSES)))).values("n")), zero),
    )


def failed_script_count(day: date, among: Among = None) -> int:
    """How many scripts failed on `day`: the day's totals (a few rows); of `among`, its failed
    rollup rows whose script is among them."""
    if among is None:
        return sql.day_totals(day, DEFAULT_DB_ALIAS)[1]
    return of_scripts_among(DailyRuns.objects.filter(day=day, error__gt=0), among).count()


def most_failed(day: date, page: slice, among: Among = None) -> list[tuple[int, int]]:
    """(script id, failed runs) of a slice of `day`'s failed scripts, most failures first: a
    page of the partial index on the day's failed rollup rows."""
    failed = of_scripts_among(DailyRuns.objects.filter(day=day, error__gt=0), among)
    return list(failed.order_by("-error", "script_id").values_list("script_id", "error")[page])


def failed_on(day: date) -> Exists:
    """True for a script (OuterRef("pk")) that failed on `day`: one probe of the (day, script)
    unique index."""
    return Exists(DailyRuns.objects.filter(day=day, script=OuterRef("pk"), error__gt=0))


def _week(first: date, today: date, among: Among = None) -> QuerySet:
    """Per script (of `among`) with a run that ended on the days first..today: succeeded, ended
    and failures today, summed from its (at most 7) rollup rows."""
    rows = of_scripts_among(DailyRuns.objects.filter(day__gte=first, day__lte=today), among)
    rows = rows.order_by().values("script_id")
    sums = rows.annotate(
        succeeded=Sum("success"),
        ended=Sum(sum_of(list(ENDED_STATUSES))),
        failures=Coalesce(Sum("error", filter=Q(day=today)), Value(0, output_field=IntegerField())),
    )
    return sums.filter(ended__gt=0)


def rated_count(first: date, today: date, among: Among = None) -> int:
    """How many scripts (of `among`) have a run that ended on the days first..today."""
    if week.ready(first, today):
        return of_scripts_among(WeekRates.objects.filter(ended__gt=0), among).count()
    return _week(first, today, among).count()


def lowest_rates(first: date, today: date, page: slice, among: Among = None) -> list[int]:
    """Ids of a slice of those scripts, lowest success rate first, then most failures today,
    then id: a page of the week's index on rates (rollup.week), or for another window one
    aggregate of its rollup rows."""
    if week.ready(first, today):
        rates = of_scripts_among(WeekRates.objects.filter(ended__gt=0), among)
        ordered = rates.order_by("rate", F("failures_today").desc(), "script_id")
        return list(ordered.values_list("script_id", flat=True)[page])
    rates = _week(first, today, among)
    rates = rates.annotate(rate=Cast("succeeded", FloatField()) / Cast("ended", FloatField()))
    ordered = rates.order_by("rate", F("failures").desc(), "script_id")
    return list(ordered.values_list("script_id", flat=True)[page])


def rated(first: date, today: date) -> Exists:
    """True for a script (OuterRef("pk")) with a run that ended on the days first..today: a
    probe of its week's row, or of its (script, day) index."""
    if week.ready(first, today):
        return Exists(WeekRates.objects.filter(script=OuterRef("pk"), ended__gt=0))
    days = DailyRuns.objects.filter(script=OuterRef("pk"), day__gte=first, day__lte=today)
    return Exists(days.alias(ended=sum_of(list(ENDED_STATUSES))).filter(ended__gt=0))


def scripts_failed_on(day: date):
    """Scripts with at least one failed run started on `day` (what Script.objects.failed_on
    counts), most failures first, each with `failed_runs` that day and its last failure's
    `last_error_message` and `last_error_at`: read page by page from the rollup, or from the
    executions while the rollup cannot be trusted."""
    if trusted():
        return FailedScripts(day)
    failures = ScriptExecution.objects.failed_on(day).filter(script=OuterRef("pk"))
    counted = failures.order_by().values("script").annotate(n=Count("pk")).values("n")[:1]
    return _with_last_failure(Script.objects.failed_on(day), day).annotate(failed_runs=Subquery(counted))


class FailedScripts:
    """A day's failed scripts as a Paginator takes them (count() and slices): a page is a page of
    the partial index on the day's failed rollup rows (most failures first) and its scripts read
    by id, the count is the day's totals'. So a page costs the same however many scripts failed."""

    model = Script

    def __init__(self, day: date) -> None:
        self.day = day

    def count(self) -> int:
        return failed_script_count(self.day)

    def __getitem__(self, page: slice) -> list[Script]:
        rows = most_failed(self.day, page)
        scripts = _with_last_failure(Script.objects.filter(pk__in=[pk for pk, _ in rows]), self.day)
        found = scripts.in_bulk()
        listed = []
        for pk, failed_runs in rows:
            if pk in found:
                found[pk].failed_runs = failed_runs
                listed.append(found[pk])
        return listed


def _with_last_failure(scripts: QuerySet[Script], day: date) -> QuerySet[Script]:
    """`scripts` with the message and start of their last failed run of `day` (one probe each of
    the partial index on failed runs)."""
    last = ScriptExecution.objects.failed_on(day).filter(script=OuterRef("pk")).order_by("-started_at", "-id")
    return scripts.annotate(
        last_error_message=Subquery(last.values("error_message")[:1]),
        last_error_at=Subquery(last.values("started_at")[:1]),
    )


def sum_of(columns: list[str]):
    """The SQL sum of some status columns of a rollup row."""
    expression = F(columns[0])
    for column in columns[1:]:
        expression = expression + F(column)
    return expression


def _rows(runs: RunFilter) -> QuerySet:
    """The rollup rows of the filter's days and script (its status picks columns, not rows):
    of one script, its per-script rows; of every script, the days' totals (a few rows a day,
    however many scripts there are). Each day's figures are the sum of its rows."""
    found = DailyRuns.objects.all() if runs.script_id is not None else DailyTotals.objects.all()
    if runs.first is not None:
        found = found.filter(day__gte=runs.first)
    if runs.last is not None:
        found = found.filter(day__lte=runs.last)
    if runs.script_id is not None:
        found = found.filter(script_id=runs.script_id)
    return found
