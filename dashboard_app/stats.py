"""The dashboard's four counters and the policy for caching them.

This is the one place that defines what each counter counts (and so the list
behind it) and when a cached value may be served. The API view, the pages,
the admin, the signal receivers and the commands all call it.

Cache policy
- A row of dashboard_stats is served while it is not marked stale, counts
  today's local date (daily counters), was computed less than STATS_CACHE_TTL
  seconds ago (and not in the future) and is not negative. Anything else is
  recomputed on read, so the day rolls over by itself, with or without cron.
- Every ORM write marks the counters it touched stale once its transaction
  commits (receivers.py, transaction_batch.py): one UPDATE that also bumps the
  row's version, unless the row is stale already. That is O(1) whatever the
  table size, and idempotent.
- A recompute first claims its rows (not stale, a negative value so nobody
  serves them, version bumped), then reads their versions, counts, and stores a
  value only where the version is unchanged and the row still claimed. A
  write that commits after the claim finds the row not stale and bumps the
  version (store refused, row stays stale) or bumps it after the store (row
  marked stale again); a write whose mark found the row stale committed
  before the claim, so the count sees it. An older count can never overwrite
  a newer state, and no Python read-modify-write is involved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.utils import timezone

from dashboard_app import stat_rows
from dashboard_app.models import DashboardStat
from dashboard_app.transaction_batch import settle, unsettled_keys
from scripts_app.dates import local_today, local_zone
from scripts_app.models import Script, ScriptExecution

logger = logging.getLogger(__name__)

TOTAL_SCRIPTS = "total_scripts"
TODAY_EXECUTIONS = "today_executions"
TODAY_FAILED_SCRIPTS = "today_failed_scripts"
INACTIVE_SCRIPTS = "inactive_scripts"


@dataclass(frozen=True)
class Counter:
    key: str
    daily: bool
    rows: Callable[[date], models.QuerySet]  # the list behind the counter

    def count(self, day: date) -> int:
        return self.rows(day).count()


COUNTERS: dict[str, Counter] = {
    counter.key: counter
    for counter in (
        Counter(TOTAL_SCRIPTS, daily=False, rows=lambda day: Script.objects.all()),
        Counter(TODAY_EXECUTIONS, daily=True, rows=lambda day: ScriptExecution.objects.started_on(day)),
        Counter(TODAY_FAILED_SCRIPTS, daily=True, rows=lambda day: Script.objects.failed_on(day)),
        Counter(INACTIVE_SCRIPTS, daily=False, rows=lambda day: Script.objects.inactive()),
    )
}
KEYS: tuple[str, ...] = tuple(COUNTERS)
DAILY_KEYS: frozenset[str] = frozenset(key for key, c in COUNTERS.items() if c.daily)


@dataclass(frozen=True)
class Stats:
    values: dict[str, int]
    day: date
    time_zone: str
    computed_at: datetime
    source: Literal["cache", "live"]


# ---------------------------------------------------------------- reading


def get_stats(*, use_cache: bool = True, using: str = DEFAULT_DB_ALIAS) -> Stats:
    """The four counters for today: cached where the policy allows, else recomputed."""
    now = timezone.now()
    today = now.astimezone(local_zone()).date()
    rows = _read_rows(KEYS)
    servable: dict[str, DashboardStat] = {}
    if use_cache:
        # This connection's own uncommitted writes are not in the cache yet.
        unsettled = unsettled_keys(using) | _unconfirmed_keys
        servable = {
            key: row
            for key, row in rows.items()
            if key not in unsettled and is_servable(row, today=today, now=now)
        }
    values = {key: row.stat_value for key, row in servable.items()}
    stale_keys = [key for key in KEYS if key not in servable]
    if stale_keys:
        values.update(_recompute_and_store(stale_keys, rows, day=today, now=now, using=using))
    computed_at = min([row.updated_at for row in servable.values()], default=now)
    return Stats(
        values={key: values[key] for key in KEYS},
        day=today,
        time_zone=settings.TIME_ZONE,
        computed_at=computed_at.astimezone(local_zone()),
        source="live" if stale_keys else "cache",
    )


def is_servable(row: DashboardStat, *, today: date, now: datetime) -> bool:
    age = now - row.updated_at
    return (
        not row.stale
        and row.stat_value >= 0
        and timedelta(0) <= age < timedelta(seconds=settings.STATS_CACHE_TTL)
        and (not COUNTERS[row.stat_key].daily or row.day == today)
    )


def refresh_stats() -> Stats:
    """Recompute all four counters from the tables and store them."""
    return get_stats(use_cache=False)


def reset_daily_stats() -> dict[str, int]:
    """Start today's daily counters: zero plus whatever today already recorded."""
    today = local_today()
    keys = sorted(DAILY_KEYS)
    return _recompute_and_store(keys, _read_rows(keys), day=today, now=timezone.now())


@dataclass(frozen=True)
class Drift:
    key: str
    cached: int | None
    fresh: int
    served: bool  # whether a cached read would serve `cached` as it stands


def check_drift() -> list[Drift]:
    """Compare each cached counter with a fresh count, changing nothing.

    Only rows the cache holds out as current can drift: a row marked stale
    or counting an earlier day is already known to need a recompute.
    """
    today = local_today()
    rows = _read_rows(KEYS)
    report = []
    for key in KEYS:
        row = rows.get(key)
        current = (
            row is not None
            and not row.stale
            and row.stat_value != stat_rows.CLAIMED  # a recompute is under way
            and (not COUNTERS[key].daily or row.day == today)
        )
        report.append(
            Drift(
                key=key,
                cached=row.stat_value if row else None,
                fresh=COUNTERS[key].count(today),
                served=current,
            )
        )
    return report


def drifted(report: Iterable[Drift]) -> list[str]:
    return [item.key for item in report if item.served and item.cached != item.fresh]


def _read_rows(keys: Iterable[str]) -> dict[str, DashboardStat]:
    return stat_rows.read_rows(keys)


def _recompute_and_store(
    keys: Iterable[str],
    rows: dict[str, DashboardStat],
    *,
    day: date,
    now: datetime,
    using: str = DEFAULT_DB_ALIAS,
) -> dict[str, int]:
    """Count `keys` and store each value unless a write bumped its version meanwhile.

    `rows` are the rows as the caller read them; missing ones are created first.
    """
    keys = list(keys)
    absent = [key for key in keys if key not in rows]
    try:
        if absent:
            # Create the rows first (stale), so that there is a row to claim.
            with _own_savepoint(using):
                DashboardStat.objects.bulk_create(
                    [DashboardStat(stat_key=key, stale=True, day=day) for key in absent],
                    ignore_conflicts=True,
                )
    except DatabaseError:
        logger.exception("Could not create dashboard_stats rows %s", absent)
    rows = _claim(keys, using) or {}
    values = {key: COUNTERS[key].count(day) for key in keys}
    # Stored in key order, the order mark_stale locks in, so that a recompute
    # inside a caller's transaction cannot deadlock with it.
    stored = [
        key
        for key in sorted(keys)
        if key in rows
        and not rows[key].stale
        and _store(key, values[key], version=rows[key].version, day=day, now=now, using=using)
    ]
    settle(using, stored)
    return values


def _own_savepoint(using: str):
    """A savepoint inside the caller's transaction, so that a failed upkeep
    statement is rolled back alone instead of dooming the caller's writes
    (Django marks the whole transaction for rollback otherwise). Outside a
    transaction each statement commits on its own and needs none."""
    return transaction.atomic(using=using) if connections[using].in_atomic_block else nullcontext()


def _claim(keys: list[str], using: str) -> dict[str, DashboardStat] | None:
    """Claim the rows, then read the versions that guard their stores (None: do not store)."""
    try:
        with _own_savepoint(using):
            stat_rows.claim(keys, using)
        return _read_rows(keys)
    except DatabaseError:
        logger.exception("Could not claim dashboard counters %s", keys)
        return None


def _store(
    key: str, value: int, *, version: int, day: date, now: datetime, using: str = DEFAULT_DB_ALIAS
) -> bool:
    try:
        with _own_savepoint(using):
            stored = DashboardStat.objects.filter(stat_key=key, version=version).update(
                stat_value=value, day=day, stale=False, updated_at=now
            )
    except DatabaseError:
        # The value we serve is still right; the row stays as it was and the
        # next read recomputes it.
        logger.exception("Could not store dashboard counter %s", key)
        return False
    if stored:
        _unconfirmed_keys.discard(key)
    return bool(stored)


# ---------------------------------------------------------------- writing

# Keys whose invalidation failed in this process: until this process stores
# them again it does not trust the cache for them (other processes rely on
# the TTL).
_unconfirmed_keys: set[str] = set()


def mark_stale(keys: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> int:
    """Mark cached counters stale and bump their versions, unless stale already (one statement)."""
    return stat_rows.mark_stale(keys, using)


def mark_stale_after_write(keys: set[str]) -> None:
    """Upkeep after a committed write. Never raises: the user's write stands."""
    for attempt in (1, 2):
        try:
            mark_stale(keys)
            return
        except Exception:
            logger.exception("Marking dashboard counters %s stale failed (attempt %d)", keys, attempt)
    _unconfirmed_keys.update(keys)
