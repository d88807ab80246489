"""The rollup: runs per (local day, script, status), and every read of history made from it.

Reads of history sum these rows (dashboard_app.models.DailyRuns) instead of
counting executions, so what they cost depends on the number of scripts and
days shown, never on how many executions the table holds.

How it stays true
- The database moves it: triggers on script_executions add each inserted,
  deleted or moved run to its (local day, script) row inside the writing
  statement, so the change commits with the write or not at all, and raw SQL
  is counted like the ORM (rollup_triggers.py; rollup_triggers_sqlite.py).
- A script's deletion removes its rollup rows with it.
- Concurrent writers touch only the (day, script) rows of their own runs: no
  row every writer locks.
- What no trigger sees (rollup rows edited by hand, a restore of one table, a
  trigger dropped or disabled) is caught by recounting: stats.py reconciles
  today when its cache expires, `refresh_stats` rebuilds every day
  (rollup_rebuild.py), and a change of TIME_ZONE rebuilds it on the next read.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from dashboard_app import rollup_sql
from dashboard_app.models import DailyRuns
from dashboard_app.rollup_sql import STATUS_COLUMNS
from scripts_app.models import Script, ScriptExecution

State = dict  # ScriptExecution.tracked_fields: script_id, status, started_at
Cell = tuple[date, int, str]  # (local day, script id, status)


def cell_of(state: State | None, zone: ZoneInfo) -> Cell | None:
    """The cell a run in `state` is counted in; None for no run, or a start whose
    local date does not exist (year 1 or 9999 seen from a far zone)."""
    if state is None:
        return None
    started_at = state["started_at"]
    if timezone.is_naive(started_at):
        started_at = timezone.make_aware(started_at, zone)
    try:
        day = started_at.astimezone(zone).date()
    except OverflowError:
        return None
    return day, state["script_id"], state["status"]


# ---------------------------------------------------------------- reading
# Every read makes sure first that the rollup counts days of TIME_ZONE.


def counting_in_time_zone(using: str = DEFAULT_DB_ALIAS) -> None:
    """Rebuild the rollup if it counts the days of another zone than TIME_ZONE (once per
    process and zone: a set lookup after the first time)."""
    from dashboard_app import rollup_rebuild  # which builds on this module

    if (using, settings.TIME_ZONE) not in rollup_rebuild.zone_checked:
        rollup_rebuild.ensure_zone(using)


def day_totals(day: date, using: str) -> tuple[int, int]:
    """(runs started on `day`, distinct scripts with a failed run on `day`)."""
    counting_in_time_zone(using)
    return rollup_sql.day_totals(day, using)


def rows(*, first: date, last: date, script_id: int | None = None) -> QuerySet[DailyRuns]:
    """The rollup rows of the local days first..last, of one script or all."""
    counting_in_time_zone()
    found = DailyRuns.objects.filter(day__gte=first, day__lte=last)
    return found if script_id is None else found.filter(script_id=script_id)


def runs_per_day(*, first: date, last: date, script_id: int | None = None) -> dict[date, dict[str, int]]:
    """Runs per status on each day first..last that has any (the caller fills the gaps)."""
    sums = {status: Sum(status) for status in STATUS_COLUMNS}
    totals = rows(first=first, last=last, script_id=script_id).values("day").annotate(**sums).order_by()
    return {row.pop("day"): {status: int(row[status] or 0) for status in STATUS_COLUMNS} for row in totals}


def runs_on(day: date) -> dict[str, int]:
    """Runs started on one local day, per status, zeros included (one read of that day's rows)."""
    return runs_per_day(first=day, last=day).get(day, dict.fromkeys(STATUS_COLUMNS, 0))


def count_runs(
    *,
    first: date | None = None,
    last: date | None = None,
    script_id: int | None = None,
    status: str | None = None,
) -> int:
    """How many runs started on the local days first..last (None: unbounded), of one script
    and one status or all: what counting the executions would answer, read from the rollup."""
    counting_in_time_zone()
    found = DailyRuns.objects.all()
    if first is not None:
        found = found.filter(day__gte=first)
    if last is not None:
        found = found.filter(day__lte=last)
    if script_id is not None:
        found = found.filter(script_id=script_id)
    columns = [status] if status else list(STATUS_COLUMNS)
    total = found.aggregate(total=Sum(sum_of(columns)))["total"]
    return int(total or 0)


def days_with_runs(
    *, first: date, last: date, script_id: int | None = None, status: str | None = None
) -> list[date]:
    """The local days first..last on which at least one matching run started, in order."""
    found = rows(first=first, last=last, script_id=script_id)
    found = found.filter(Q(**{f"{status}__gt": 0}) if status else _any_runs())
    return list(found.values_list("day", flat=True).distinct().order_by("day"))


def scripts_failed_on(day: date) -> QuerySet[Script]:
    """Scripts with at least one failed run started on `day` (what Script.objects.failed_on
    counts), read from the rollup, each with `failed_runs` that day and its last failure's
    `last_error_message` and `last_error_at`."""
    counting_in_time_zone()
    failed = DailyRuns.objects.filter(day=day, error__gt=0)
    last_failure = (
        ScriptExecution.objects.failed_on(day).filter(script=OuterRef("pk")).order_by("-started_at", "-id")
    )
    return Script.objects.filter(pk__in=failed.values("script_id")).annotate(
        failed_runs=Subquery(failed.filter(script=OuterRef("pk")).values("error")[:1]),
        last_error_message=Subquery(last_failure.values("error_message")[:1]),
        last_error_at=Subquery(last_failure.values("started_at")[:1]),
    )


def sum_of(columns: list[str]):
    """The SQL sum of some status columns of a rollup row."""
    expression = F(columns[0])
    for column in columns[1:]:
        expression = expression + F(column)
    return expression


def _any_runs() -> Q:
    condition = Q()
    for status in STATUS_COLUMNS:
        condition |= Q(**{f"{status}__gt": 0})
    return condition
