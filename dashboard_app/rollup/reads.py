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

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from dashboard_app.models import DailyRuns
from dashboard_app.rollup import zone
from dashboard_app.rollup.sql import STATUS_COLUMNS
from scripts_app.models import ENDED_STATUSES, Script, ScriptExecution, Status
from scripts_app.run_filter import RunFilter


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
    found = _rows(runs).filter(Q(**{f"{runs.status}__gt": 0}) if runs.status else _any_runs())
    return list(found.values_list("day", flat=True).distinct().order_by("day"))


def runs_per_day(runs: RunFilter) -> dict[date, dict[str, int]]:
    """Runs per status on each day the filter selects that has any (the caller fills the gaps)."""
    sums = {status: Sum(status) for status in STATUS_COLUMNS}
    totals = _rows(runs).values("day").annotate(**sums).order_by()
    return {row.pop("day"): {status: int(row[status] or 0) for status in STATUS_COLUMNS} for row in totals}


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


def scripts_failed_on(day: date) -> QuerySet[Script]:
    """Scripts with at least one failed run started on `day` (what Script.objects.failed_on
    counts), each with `failed_runs` that day and its last failure's `last_error_message` and
    `last_error_at`: read from the rollup, or from the executions while it cannot be trusted."""
    failures = ScriptExecution.objects.failed_on(day).filter(script=OuterRef("pk"))
    last_failure = failures.order_by("-started_at", "-id")
    if trusted():
        failed = DailyRuns.objects.filter(day=day, error__gt=0)
        scripts = Script.objects.filter(pk__in=failed.values("script_id"))
        failed_runs = Subquery(failed.filter(script=OuterRef("pk")).values("error")[:1])
    else:
        scripts = Script.objects.failed_on(day)
        failed_runs = Subquery(failures.order_by().values("script").annotate(n=Count("pk")).values("n")[:1])
    return scripts.annotate(
        failed_runs=failed_runs,
        last_error_message=Subquery(last_failure.values("error_message")[:1]),
        last_error_at=Subquery(last_failure.values("started_at")[:1]),
    )


def sum_of(columns: list[str]):
    """The SQL sum of some status columns of a rollup row."""
    expression = F(columns[0])
    for column in columns[1:]:
        expression = expression + F(column)
    return expression


def _rows(runs: RunFilter) -> QuerySet[DailyRuns]:
    """The rollup rows of the filter's days and script (its status picks columns, not rows)."""
    found = DailyRuns.objects.all()
    if runs.first is not None:
        found = found.filter(day__gte=runs.first)
    if runs.last is not None:
        found = found.filter(day__lte=runs.last)
    if runs.script_id is not None:
        found = found.filter(script_id=runs.script_id)
    return found


def _any_runs() -> Q:
    condition = Q()
    for status in STATUS_COLUMNS:
        condition |= Q(**{f"{status}__gt": 0})
    return condition
