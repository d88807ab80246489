"""Recounting the rollup from the executions: one day, every day, or only comparing.

For what the triggers cannot have kept true: writes that bypassed them (a restore of one
table, a trigger dropped or disabled, rows edited by hand) and a change of TIME_ZONE (every
day boundary moves). Each day is recounted in a transaction that holds the rollup lock
(sql.lock): a count made under it sees every committed run, and a run recorded meanwhile
moves the recounted row after it, so no change is lost or counted twice. One day at a time,
so that writers wait for one day's recount at most, and memory holds one day's rows at most.

Only `manage.py refresh_stats` (and the admin's "Recompute") rebuilds every day; the counters
reconcile today alone when their cache expires (counters.stats).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Count, Sum

from dashboard_app.models import DailyRuns, DailyTotals
from dashboard_app.rollup import sql, week, zone
from dashboard_app.rollup.sql import STATUS_COLUMNS
from scripts_app.dates import day_start, day_window, local_today
from scripts_app.models import EARLIEST_INSTANT, LATEST_INSTANT, ScriptExecution

Counts = dict[int, dict[str, int]]  # script id -> status -> runs, of one day


# ---------------------------------------------------------------- one day


def fresh_day(day: date, using: str = DEFAULT_DB_ALIAS) -> Counts:
    """The runs of each script on `day`, by status, counted from the executions."""
    counts: Counts = {}
    runs = ScriptExecution.objects.using(using)
    window = _window(day)
    if window is not None:
        start, end = window
        grouped = (
            runs.filter(started_at__gte=start, started_at__lt=end)
            .values_list("script_id", "status")
            .annotate(runs=Count("pk"))
            .order_by()
        )
        for script_id, status, number in grouped:
            counts.setdefault(script_id, {})[status] = number
        return counts
    # A day at the edge of the calendar, whose window cannot be written as
    # instants: read the runs around it and keep those whose local date it is.
    local = ZoneInfo(settings.TIME_ZONE)
    for script_id, status, started_at in runs.filter(started_at__range=_edge_range(day)).values_list(
        "script_id", "status", "started_at"
    ):
        if _local_date(started_at, local) == day:
            per_status = counts.setdefault(script_id, {})
            per_status[status] = per_status.get(status, 0) + 1
    return counts


def reconcile_day(day: date, using: str = DEFAULT_DB_ALIAS) -> Counts:
    """Replace the rollup rows of `day`, every level, with a fresh count. The caller holds the
    rollup lock in a transaction (locked())."""
    counts = fresh_day(day, using)
    in_week = week.covers(day, using)
    before = week.figures_of_day(day, using) if in_week else {}
    rows = DailyRuns.objects.using(using)
    rows.filter(day=day).delete()
    rows.bulk_create(DailyRuns(day=day, script_id=script, **runs) for script, runs in counts.items())
    totals = DailyTotals.objects.using(using)
    totals.filter(day=day).delete()
    if counts:
        totals.create(day=day, **day_totals_of(counts))
    if in_week:
        after = {script: week.figures(runs) for script, runs in counts.items()}
        week.recounted_day(day, before, after, using)
    return counts


def day_totals_of(counts: Counts) -> dict[str, int]:
    """A day's row of the per-day level from its runs per script and status."""
    summed = {status: sum(runs.get(status, 0) for runs in counts.values()) for status in STATUS_COLUMNS}
    failed = sum(1 for per_status in counts.values() if per_status.get("error"))
    return {**summed, "failed_scripts": failed}


@contextmanager
def locked(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """A transaction (a savepoint inside another) holding the rollup lock."""
    with transaction.atomic(using=using):
        sql.lock(using)
        yield


# ---------------------------------------------------------------- every day


def rebuild(using: str = DEFAULT_DB_ALIAS) -> int:
    """Recount every day from the executions, one day per transaction, counting the days of
    TIME_ZONE. Returns the number of days recounted."""
    # The zone first: from then on the triggers move runs on its days, so a day recounted
    # below stays true as runs arrive; reads use the executions until every day is done.
    with locked(using):
        zone.begin_recount(settings.TIME_ZONE, using)
    recounted, after = 0, None
    for day in _days_with_runs(using):
        with locked(using):
            _clear_between(after, day, using)
            reconcile_day(day, using)
        recounted, after = recounted + 1, day
    with locked(using):
        _clear_between(after, None, using)
        zone.finish_recount(using)
    week.roll(local_today(), using, force=True)
    return recounted


@dataclass(frozen=True)
class CellDrift:
    day: date
    script_id: int | None  # None: the day's totals (every script)
    stored: dict[str, int]
    fresh: dict[str, int]


def compare(using: str = DEFAULT_DB_ALIAS) -> list[CellDrift]:
    """Every (day, script) row, and every day's totals, whose counts differ from a fresh count,
    changing nothing."""
    drift: list[CellDrift] = []
    after = None
    for day in [*_days_with_runs(using), None]:
        # The rows of this day, and of the days since the last one with runs (which must have none).
        stored_rows = _between(after, day, using, including_last=True)
        stored = {
            (row.pop("day"), row.pop("script_id")): _nonzero(row)
            for row in stored_rows.values("day", "script_id", *STATUS_COLUMNS)
        }
        fresh = {} if day is None else fresh_day(day, using)
        fresh_cells = {(day, script_id): _nonzero(per_status) for script_id, per_status in fresh.items()}
        for key in sorted(stored.keys() | fresh_cells.keys()):
            if stored.get(key, {}) != fresh_cells.get(key, {}):
                drift.append(CellDrift(key[0], key[1], stored.get(key, {}), fresh_cells.get(key, {})))
        drift += _totals_drift(after, day, fresh, using)
        after = day
    return drift


def _totals_drift(after: date | None, day: date | None, fresh: Counts, using: str) -> list[CellDrift]:
    """The days' totals (their stripes summed) against the fresh count of `day` (and nothing on
    the days between `after` and it)."""
    stored_totals = _between(after, day, using, including_last=True, rows=DailyTotals)
    summed = stored_totals.values("day").annotate(
        **{column: Sum(column) for column in (*STATUS_COLUMNS, "failed_scripts")}
    )
    stored = {row.pop("day"): _nonzero(row) for row in summed.order_by()}
    expected = {} if day is None or not fresh else {day: _nonzero(day_totals_of(fresh))}
    return [
        CellDrift(key, None, stored.get(key, {}), expected.get(key, {}))
        for key in sorted(stored.keys() | expected.keys())
        if stored.get(key, {}) != expected.get(key, {})
    ]


# ---------------------------------------------------------------- helpers


def _days_with_runs(using: str) -> Iterator[date]:
    """Each local day with at least one run, in order, found by jumping over empty ones."""
    local = ZoneInfo(settings.TIME_ZONE)
    runs = ScriptExecution.objects.using(using).order_by("started_at")
    start = runs.values_list("started_at", flat=True).first()
    while start is not None:
        day = _local_date(start, local)
        if day is None:  # a start whose local date is before year 1 or after 9999
            if start.year > 1:
                return  # and so is every later one
            day = date.min  # fresh_day() leaves out the runs before it
        yield day
        if day == date.max:
            return
        next_day_starts = day_start(day + timedelta(days=1))
        start = runs.filter(started_at__gte=next_day_starts).values_list("started_at", flat=True).first()


def _between(
    after: date | None, last: date | None, using: str, *, including_last=False, rows=DailyRuns
):  # fmt: skip
    """Rollup rows of the days after `after` up to `last` (None: no bound on that side)."""
    rows = rows.objects.using(using).all()
    if after is not None:
        rows = rows.filter(day__gt=after)
    if last is not None:
        rows = rows.filter(day__lte=last) if including_last else rows.filter(day__lt=last)
    return rows


def _clear_between(after: date | None, before: date | None, using: str) -> None:
    """Remove rollup rows (both levels) of days strictly between two days with runs: they have none."""
    _between(after, before, using).delete()
    _between(after, before, using, rows=DailyTotals).delete()


def _local_date(instant: datetime, local: ZoneInfo) -> date | None:
    """The local date of an instant; None where it falls outside years 1 to 9999."""
    try:
        return instant.astimezone(local).date()
    except OverflowError:
        return None


def _window(day: date) -> tuple[datetime, datetime] | None:
    try:
        return day_window(day)
    except OverflowError:
        return None


def _edge_range(day: date) -> tuple[datetime, datetime]:
    """Instants that include every run whose local date is `day`, a day at the calendar's
    edge (only there can a day's window not be written as instants)."""
    if day.year == 1:
        return EARLIEST_INSTANT, EARLIEST_INSTANT + timedelta(days=3)
    return LATEST_INSTANT - timedelta(days=3), LATEST_INSTANT


def _nonzero(per_status: dict[str, int]) -> dict[str, int]:
    return {status: number for status, number in per_status.items() if number}
