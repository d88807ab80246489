"""The rollup's week (WeekRates): each script's runs that ended on the local days week_of - 6 to
week_of, and how many succeeded, kept by the triggers for the runs of those days. The lists
sorted by 7-day success rate read a page of its index on `rate` instead of summing a week of
rollup rows for every script (bench rows 10p and 10w at 10,000 scripts).

A new local day moves the window: `roll(today)` recounts the week from the rollup rows, under
the rollup lock (so no writer moves it half-way), and records its last day. The counters' recount
of today (their first read on a new day) rolls it, as do the watcher's pass and refresh_stats;
until then the sorts sum the rollup rows, right and slower. A recount of a day's rollup rows
(the counters' reconcile, which bypasses the triggers) moves the week by what it changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F

from dashboard_app.models import DailyRuns, RollupZone, WeekRates
from dashboard_app.rollup import sql, zone
from scripts_app.dates import local_today
from scripts_app.models import ENDED_STATUSES

DAYS = 7
ENDED = [str(status) for status in ENDED_STATUSES]  # also the names of the rollup's columns
# (succeeded, ended, failed) runs of one script.
Figures = tuple[int, int, int]


def last_day(using: str = DEFAULT_DB_ALIAS) -> date | None:
    """The last day of the week the table counts (None: never rolled)."""
    return RollupZone.objects.using(using).filter(pk=1).values_list("week_of", flat=True).first()


def ready(first: date, today: date, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the table counts the days first..today (else a read sums the rollup rows)."""
    return first == today - timedelta(days=DAYS - 1) and last_day(using) == today


def keep_current(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Roll the week to today if the rollup is trusted and the week is an earlier one: the
    watcher's pass and the counters' recount of today (the first read of the counters on a new
    day, and every STATS_CACHE_TTL) call it, never a list (a read answered 4xx changes
    nothing). Returns whether it rolled."""
    today = local_today()
    if not zone.is_current(using) or last_day(using) == today:
        return False
    return roll(today, using)


def roll(today: date, using: str = DEFAULT_DB_ALIAS, *, force: bool = False) -> bool:
    """Recount the week ending `today` from the rollup rows, under the rollup lock, unless it is
    the week already counted (and not `force`). Returns whether it recounted."""
    with transaction.atomic(using=using):
        sql.lock(using)
        if not force and last_day(using) == today:
            return False
        WeekRates.objects.using(using).all().delete()
        with connections[using].cursor() as cursor:
            ops = connections[using].ops
            cursor.execute(_COUNT_WEEK, [ops.adapt_datefield_value(day) for day in _count_params(today)])
        RollupZone.objects.using(using).filter(pk=1).update(week_of=today)
    return True


def covers(day: date, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether `day` is one of the days the table counts."""
    end = last_day(using)
    return end is not None and end - timedelta(days=DAYS - 1) <= day <= end


def recounted_day(day: date, before: Mapping[int, Figures], after: Mapping[int, Figures], using: str) -> None:
    """Move the week by what a recount of `day`, one of its days, changed in the rollup rows
    (`before` and `after`: each script's figures that day). The caller holds the rollup lock."""
    end = last_day(using)
    rows = WeekRates.objects.using(using)
    for script_id in before.keys() | after.keys():
        old, new = before.get(script_id, (0, 0, 0)), after.get(script_id, (0, 0, 0))
        succeeded, ended = new[0] - old[0], new[1] - old[1]
        failed = new[2] - old[2] if day == end else 0
        if not (succeeded or ended or failed):
            continue
        moved = rows.filter(script_id=script_id).update(
            succeeded=F("succeeded") + succeeded, ended=F("ended") + ended,
            failures_today=F("failures_today") + failed,
        )  # fmt: skip
        if not moved:
            rows.create(script_id=script_id, succeeded=succeeded, ended=ended, failures_today=failed)


def figures(runs: Mapping[str, int]) -> Figures:
    """(succeeded, ended, failed) of one script's runs by status."""
    return runs.get("success", 0), sum(runs.get(status, 0) for status in ENDED), runs.get("error", 0)


def figures_of_day(day: date, using: str) -> dict[int, Figures]:
    """Each script's (succeeded, ended, failed) runs of `day` in the rollup rows."""
    rows = DailyRuns.objects.using(using).filter(day=day).values("script_id", *ENDED)
    return {row.pop("script_id"): figures(row) for row in rows}


def drift(using: str = DEFAULT_DB_ALIAS) -> list[tuple[int, Figures, Figures]]:
    """(script id, stored, counted from the rollup rows) for each script whose week differs
    from a fresh count (nothing before the week is first rolled)."""
    end = last_day(using)
    if end is None:
        return []
    with connections[using].cursor() as cursor:
        ops = connections[using].ops
        cursor.execute(_SUM_WEEK, [ops.adapt_datefield_value(day) for day in _count_params(end)])
        fresh = {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
    stored = {
        script_id: (succeeded, ended, failed)
        for script_id, succeeded, ended, failed in WeekRates.objects.using(using)
        .exclude(succeeded=0, ended=0, failures_today=0)
        .values_list("script_id", "succeeded", "ended", "failures_today")
    }
    return [
        (script_id, stored.get(script_id, (0, 0, 0)), fresh.get(script_id, (0, 0, 0)))
        for script_id in sorted(stored.keys() | fresh.keys())
        if stored.get(script_id, (0, 0, 0)) != fresh.get(script_id, (0, 0, 0))
    ]


def _count_params(end: date) -> list[date]:
    return [end, end - timedelta(days=DAYS - 1), end]


_SUM_WEEK = (
    f"SELECT script_id, SUM(success), SUM(success + error + cancelled), "
    f"SUM(CASE WHEN day = %s THEN error ELSE 0 END) FROM {sql.TABLE} "
    "WHERE day BETWEEN %s AND %s GROUP BY script_id HAVING SUM(success + error + cancelled) <> 0"
)
_COUNT_WEEK = f"INSERT INTO {sql.WEEK} (script_id, succeeded, ended, failures_today) {_SUM_WEEK}"
