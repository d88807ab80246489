"""The dashboard's four counters and the policy for caching them.

This is the one place that defines what each counter counts (and so the list
behind it) and when a cached value may be served. The API view, the pages,
the admin, the signal receivers and the commands all call it.

Cache policy
- The day's counters (runs today, scripts failed today) come from today's
  rows of the rollup (dashboard_app.rollup), which the database's triggers
  move inside every statement that writes executions: their rows in dashboard_stats hold the
  value counted when the day was last reconciled with the executions and
  the rollup's total then; a read serves that value plus what the rollup
  moved since. So they are served, exact, from one small read however fast
  runs are recorded: a write never makes a read recount, and a row edited
  by hand is served (within the TTL) and caught by `refresh_stats --check`
  like any other.
- When those rows are STATS_CACHE_TTL seconds old (or from the future),
  count an earlier day, are marked stale (an upkeep statement failed) or the
  caller asks for a fresh count, today is reconciled: its rollup rows are
  recounted from the executions, catching writes made outside Django, under
  the rollup lock. Readers arriving together wait for the first one, find
  the day reconciled and count nothing.
- The scripts' counters (total, inactive) are served from their rows in
  dashboard_stats while not marked stale, computed less than STATS_CACHE_TTL
  seconds ago (and not in the future) and not negative. Every ORM write of a
  script marks the counters it touched stale once its transaction commits
  (dashboard_app.receivers, transaction_batch.py); a read recounts them (a count of the
  scripts table) safely against concurrent writers (recount.py).
- While the rollup cannot be trusted (it counts the days of another zone until
  `refresh_stats` recounts it), the day's counters are counted from the
  executions on every read, served as `live` with a notice saying why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from django.conf import settings
from django.db import DatabaseError, models, router
from django.db.models import F
from django.utils import timezone

from dashboard_app.counters import recount, stat_rows
from dashboard_app.counters.recount import mark_stale_after_write
from dashboard_app.counters.transaction_batch import settle, unsettled_keys
from dashboard_app.models import DashboardStat
from dashboard_app.rollup import rebuild, sql, week, zone
from dashboard_app.rollup.reads import scripts_failed_on
from scripts_app.dates import local_today, local_zone
from scripts_app.models import Script, ScriptExecution, Status

logger = logging.getLogger(__name__)

TOTAL_SCRIPTS = "total_scripts"
TODAY_EXECUTIONS = "today_executions"
TODAY_FAILED_SCRIPTS = "today_failed_scripts"
INACTIVE_SCRIPTS = "inactive_scripts"


@dataclass(frozen=True)
class Counter:
    key: str
    daily: bool
    rows: Callable[[date], models.QuerySet]  # what it counts, read from the tables
    # The list behind it on its page: the same rows, read where that is cheap
    # (the rollup) and annotated for the page. Defaults to `rows`.
    listed: Callable[[date], models.QuerySet] | None = None

    def count(self, day: date) -> int:
        """A fresh count from the tables (the cache is checked against it)."""
        return self.rows(day).count()

    def list(self, day: date) -> models.QuerySet:
        return (self.listed or self.rows)(day)


COUNTERS: dict[str, Counter] = {
    counter.key: counter
    for counter in (
        Counter(TOTAL_SCRIPTS, daily=False, rows=lambda day: Script.objects.all()),
        Counter(TODAY_EXECUTIONS, daily=True, rows=lambda day: ScriptExecution.objects.started_on(day)),
        Counter(
            TODAY_FAILED_SCRIPTS,
            daily=True,
            rows=lambda day: Script.objects.failed_on(day),
            listed=scripts_failed_on,
        ),
        Counter(INACTIVE_SCRIPTS, daily=False, rows=lambda day: Script.objects.inactive()),
    )
}
KEYS: tuple[str, ...] = tuple(COUNTERS)
DAILY_KEYS: frozenset[str] = frozenset(key for key, c in COUNTERS.items() if c.daily)
SCRIPT_KEYS: tuple[str, ...] = tuple(key for key in KEYS if key not in DAILY_KEYS)


def daily_values(runs: int, failed_scripts: int) -> dict[str, int]:
    """The day's counters from a day's totals (runs; scripts with a failed run)."""
    return {TODAY_EXECUTIONS: runs, TODAY_FAILED_SCRIPTS: failed_scripts}


def totals_of(counts: rebuild.Counts) -> tuple[int, int]:
    """A day's totals (runs; scripts with a failed run) from its runs per script and status."""
    runs = sum(sum(per_status.values()) for per_status in counts.values())
    return runs, sum(1 for per_status in counts.values() if per_status.get(Status.ERROR))


@dataclass(frozen=True)
class Stats:
    values: dict[str, int]
    day: date
    time_zone: str
    computed_at: datetime
    source: Literal["cache", "live"]
    # Why the values were not read from the rollup (it counts another zone's days), or None.
    notice: str | None = None


# ---------------------------------------------------------------- reading


def get_stats(*, use_cache: bool = True) -> Stats:
    """The four counters for today: cached where the policy allows, else recomputed."""
    using = router.db_for_write(DashboardStat)
    now = timezone.now()
    today = now.astimezone(local_zone()).date()
    if not zone.is_current(using):
        return _counted_from_executions(today, now, using)
    rows, day_totals = stat_rows.read_rows_and_day_totals(KEYS, today)
    # This connection's own uncommitted writes are not in the cache yet.
    untrusted = set(KEYS)
    if use_cache:
        untrusted = unsettled_keys(using, mark_stale_after_write) | recount.unconfirmed_keys

    def servable(key: str) -> bool:
        return key not in untrusted and key in rows and is_servable(rows[key], today=today, now=now)

    computed = [rows[key].updated_at for key in SCRIPT_KEYS if servable(key)]
    values = {key: rows[key].stat_value for key in SCRIPT_KEYS if servable(key)}
    stale = [key for key in SCRIPT_KEYS if key not in values]
    if stale:
        values |= recount.recount_and_store(
            stale, rows, count=lambda key: COUNTERS[key].count(today), day=today, now=now, using=using
        )
    if all(servable(key) for key in DAILY_KEYS):
        values |= _served_daily(rows, day_totals)
        computed += [rows[key].updated_at for key in DAILY_KEYS]
        recounted_today = False
    else:
        # Forced when this process cannot trust the day's rows whatever they say.
        force = not use_cache or bool(untrusted & DAILY_KEYS)
        today_values, reconciled_at, recounted_today = _reconcile_today(today, using, force=force)
        values |= today_values
        computed.append(reconciled_at)
    return Stats(
        values={key: values[key] for key in KEYS},
        day=today,
        time_zone=settings.TIME_ZONE,
        computed_at=min([*computed, now]).astimezone(local_zone()),
        source="live" if stale or recounted_today else "cache",
    )


def _counted_from_executions(today: date, now: datetime, using: str) -> Stats:
    """All four counted from the tables, storing nothing: while the rollup counts another
    zone's days, neither it nor the day's cached rows (counted by it) can be served."""
    return Stats(
        values={key: COUNTERS[key].count(today) for key in KEYS},
        day=today,
        time_zone=settings.TIME_ZONE,
        computed_at=now.astimezone(local_zone()),
        source="live",
        notice=zone.notice(using),
    )


def is_servable(row: DashboardStat, *, today: date, now: datetime) -> bool:
    age = now - row.updated_at
    return (
        not row.stale
        and row.stat_value >= 0
        and timedelta(0) <= age < timedelta(seconds=settings.STATS_CACHE_TTL)
        and (not COUNTERS[row.stat_key].daily or row.day == today)
    )


def _reconcile_today(today: date, using: str, *, force: bool) -> tuple[dict[str, int], datetime, bool]:
    """Today's counters after recounting today's rollup rows from the executions,
    unless (not forced) another reader did so while this one waited for the lock.

    Returns the values, when they were counted and whether this call counted.
    """
    try:
        with rebuild.locked(using):
            now = timezone.now()
            markers = stat_rows.read_rows(DAILY_KEYS)
            if not force and all(
                key in markers and is_servable(markers[key], today=today, now=now) for key in DAILY_KEYS
            ):
                reconciled_at = min(markers[key].updated_at for key in DAILY_KEYS)
                return _served_daily(markers, sql.day_totals(today, using)), reconciled_at, False
            values = daily_values(*totals_of(rebuild.reconcile_day(today, using)))
            week.keep_current(using)  # a new day: the sorts by success rate count its week
            _store_markers(values, today, now, using)
            settle(using, DAILY_KEYS, mark_stale_after_write)
    except DatabaseError:
        # Serve a count straight from the tables; the next read tries again.
        logger.exception("Could not reconcile today's rollup rows")
        return {key: COUNTERS[key].count(today) for key in DAILY_KEYS}, timezone.now(), True
    recount.unconfirmed_keys.difference_update(DAILY_KEYS)
    return values, now, True


def _served_daily(rows: dict[str, DashboardStat], day_totals: tuple[int, int]) -> dict[str, int]:
    """Each day's counter as its row in dashboard_stats holds it, plus what the
    rollup moved since that value was counted (day_totals: the rollup's now)."""
    now_in_rollup = daily_values(*day_totals)
    return {key: rows[key].stat_value + now_in_rollup[key] - rows[key].rollup_total for key in DAILY_KEYS}


def _store_markers(values: dict[str, int], today: date, now: datetime, using: str) -> None:
    """Record today's counters as just reconciled (the version counts reconciliations);
    the rollup holds the same totals now."""
    for key, value in values.items():
        fields = {"stat_value": value, "rollup_total": value, "day": today, "stale": False, "updated_at": now}
        rows = DashboardStat.objects.using(using).filter(stat_key=key)
        if not rows.update(version=F("version") + 1, **fields):
            DashboardStat.objects.using(using).create(stat_key=key, **fields)


def refresh_stats() -> Stats:
    """Recount everything from the tables: the whole rollup (in TIME_ZONE's days), then the
    four counters."""
    rebuild.rebuild(router.db_for_write(DashboardStat))
    return get_stats(use_cache=False)


def reset_daily_stats() -> dict[str, int]:
    """Start today's daily counters: zero plus whatever today already recorded."""
    today, using = local_today(), router.db_for_write(DashboardStat)
    if not zone.is_current(using):
        return {key: COUNTERS[key].count(today) for key in DAILY_KEYS}  # stored nowhere: see get_stats
    values, _, _ = _reconcile_today(today, using, force=True)
    return values


@dataclass(frozen=True)
class Drift:
    key: str
    cached: int | None
    fresh: int
    served: bool  # whether a cached read would serve `cached` as it stands


def check_drift() -> list[Drift]:
    """Compare each cached counter with a fresh count, changing nothing.

    Only values the cache holds out as current can drift: a row marked stale
    or counting an earlier day is already known to need a recompute.
    """
    today = local_today()
    rows = stat_rows.read_rows(KEYS)

    def current(key: str) -> bool:
        row = rows.get(key)
        return (
            row is not None
            and not row.stale
            and row.stat_value != stat_rows.CLAIMED  # a recompute is under way
            and (not COUNTERS[key].daily or row.day == today)
        )

    cached = {key: row.stat_value for key, row in rows.items()}
    if all(current(key) for key in DAILY_KEYS):
        # Read as they stand: a check must not rebuild a rollup counted in another zone.
        cached |= _served_daily(rows, sql.day_totals(today, router.db_for_read(DashboardStat)))
    return [
        Drift(key=key, cached=cached.get(key), fresh=COUNTERS[key].count(today), served=current(key))
        for key in KEYS
    ]


def drifted(report: Iterable[Drift]) -> list[str]:
    return [item.key for item in report if item.served and item.cached != item.fresh]
