"""Recounting the rollup from the executions: one day, every day, or only comparing.

For what ORM writes cannot have kept true: writes from outside Django (raw
SQL, a restore), a change of TIME_ZONE (every day boundary moves), an upkeep
statement that failed. Each day is recounted in a transaction that holds the
rollup lock (rollup_sql.lock): a count made under it sees every committed
run, and a run recorded meanwhile moves the recounted row after it, so no
change is lost or counted twice. One day at a time, so that writers wait for
one day's recount at most, and memory holds one day's rows at most.

The functions take the models as arguments so that the migration that builds
the rollup can pass its historical models.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count
from django.dispatch import receiver
from django.utils import timezone

from dashboard_app import rollup_sql, rollup_triggers
from dashboard_app.rollup import cell_of
from dashboard_app.rollup_sql import STATUS_COLUMNS
from scripts_app.dates import day_start, day_window
from scripts_app.models import EARLIEST_INSTANT, LATEST_INSTANT

logger = logging.getLogger(__name__)

Counts = dict[int, dict[str, int]]  # script id -> status -> runs, of one day


@dataclass(frozen=True)
class Models:
    executions: type
    rollup: type
    zone: type

    @classmethod
    def live(cls) -> Models:
        return cls(
            apps.get_model("scripts_app", "ScriptExecution"),
            apps.get_model("dashboard_app", "DailyRuns"),
            apps.get_model("dashboard_app", "RollupZone"),
        )


# ---------------------------------------------------------------- one day


def fresh_day(day: date, using: str, models: Models | None = None) -> Counts:
    """The runs of each script on `day`, by status, counted from the executions."""
    models = models or Models.live()
    counts: Counts = {}
    window = _window(day)
    runs = models.executions._default_manager.using(using)
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
    zone = ZoneInfo(settings.TIME_ZONE)
    for state in runs.filter(started_at__range=_edge_range(day)).values("script_id", "status", "started_at"):
        cell = cell_of(state, zone)
        if cell is not None and cell[0] == day:
            per_status = counts.setdefault(cell[1], {})
            per_status[cell[2]] = per_status.get(cell[2], 0) + 1
    return counts


def reconcile_day(day: date, using: str = DEFAULT_DB_ALIAS, models: Models | None = None) -> Counts:
    """Replace the rollup rows of `day` with a fresh count. The caller holds the rollup
    lock in a transaction (locked())."""
    models = models or Models.live()
    counts = fresh_day(day, using, models)
    rows = models.rollup._default_manager.using(using)
    rows.filter(day=day).delete()
    rows.bulk_create(models.rollup(day=day, script_id=script, **runs) for script, runs in counts.items())
    return counts


@contextmanager
def locked(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """A transaction (a savepoint inside another) holding the rollup lock."""
    with transaction.atomic(using=using):
        rollup_sql.lock(using)
        yield


# ---------------------------------------------------------------- every day


def rebuild(using: str = DEFAULT_DB_ALIAS, models: Models | None = None) -> int:
    """Recount every day from the executions, one day per transaction, and record the
    time zone counted in. Returns the number of days recounted."""
    models = models or Models.live()
    # The zone first: from now on runs are moved on its days (on PostgreSQL the
    # triggers are installed again to count them), so a day recounted below
    # stays true as runs arrive.
    with locked(using):
        models.zone._default_manager.using(using).update_or_create(
            pk=1, defaults={"time_zone": settings.TIME_ZONE, "rebuilt_at": timezone.now()}
        )
        if rollup_triggers.moves_rollup(connections[using]):
            rollup_triggers.install(connections[using], settings.TIME_ZONE)
    recounted, after = 0, None
    for day in _days_with_runs(using, models):
        with locked(using):
            _clear_between(after, day, using, models)
            reconcile_day(day, using, models)
        recounted, after = recounted + 1, day
    with locked(using):
        _clear_between(after, None, using, models)
    zone_checked.add((using, settings.TIME_ZONE))
    return recounted


@dataclass(frozen=True)
class CellDrift:
    day: date
    script_id: int
    stored: dict[str, int]
    fresh: dict[str, int]


def compare(using: str = DEFAULT_DB_ALIAS, models: Models | None = None) -> list[CellDrift]:
    """Every (day, script) row whose counts differ from a fresh count, changing nothing."""
    models = models or Models.live()
    drift: list[CellDrift] = []
    after = None
    for day in [*_days_with_runs(using, models), None]:
        # The rows of this day, and of the days since the last one with runs (which must have none).
        stored_rows = _between(after, day, using, models, including_last=True)
        stored = {
            (row.pop("day"), row.pop("script_id")): _nonzero(row)
            for row in stored_rows.values("day", "script_id", *STATUS_COLUMNS)
        }
        fresh = {} if day is None else fresh_day(day, using, models)
        fresh_cells = {(day, script_id): _nonzero(per_status) for script_id, per_status in fresh.items()}
        for key in sorted(stored.keys() | fresh_cells.keys()):
            if stored.get(key, {}) != fresh_cells.get(key, {}):
                drift.append(CellDrift(key[0], key[1], stored.get(key, {}), fresh_cells.get(key, {})))
        after = day
    return drift


def zone_of_rollup(using: str = DEFAULT_DB_ALIAS) -> str | None:
    row = Models.live().zone._default_manager.using(using).filter(pk=1).first()
    return row.time_zone if row else None


# Zones this process has found the rollup counting in, per database: a change of
# TIME_ZONE needs a restart (or a test's settings override, which clears it).
zone_checked: set[tuple[str, str]] = set()


def ensure_zone(using: str = DEFAULT_DB_ALIAS) -> None:
    """Rebuild the rollup if it counts days of another time zone than TIME_ZONE."""
    if (using, settings.TIME_ZONE) in zone_checked:
        return
    counted_in = zone_of_rollup(using)
    if counted_in != settings.TIME_ZONE:
        logger.warning(
            "The rollup counts local days of %s but TIME_ZONE is %s: rebuilding it.",
            counted_in,
            settings.TIME_ZONE,
        )
        rebuild(using)
    zone_checked.add((using, settings.TIME_ZONE))


@receiver(setting_changed)
def _forget_checked_zones(setting: str, **kwargs) -> None:
    if setting in {"TIME_ZONE", "DATABASES"}:
        zone_checked.clear()


# ---------------------------------------------------------------- helpers


def _days_with_runs(using: str, models: Models) -> Iterator[date]:
    """Each local day with at least one run, in order, found by jumping over empty ones."""
    zone = ZoneInfo(settings.TIME_ZONE)
    runs = models.executions._default_manager.using(using).order_by("started_at")
    start = runs.values_list("started_at", flat=True).first()
    while start is not None:
        try:
            day = start.astimezone(zone).date()
        except OverflowError:  # a start whose local date is before year 1 or after 9999
            if start.year > 1:
                return  # and so is every later one
            day = date.min  # fresh_day() leaves out the runs before it
        yield day
        if day == date.max:
            return
        next_day_starts = day_start(day + timedelta(days=1))
        start = runs.filter(started_at__gte=next_day_starts).values_list("started_at", flat=True).first()


def _between(after: date | None, last: date | None, using: str, models: Models, *, including_last=False):
    """Rollup rows of the days after `after` up to `last` (None: no bound on that side)."""
    rows = models.rollup._default_manager.using(using).all()
    if after is not None:
        rows = rows.filter(day__gt=after)
    if last is not None:
        rows = rows.filter(day__lte=last) if including_last else rows.filter(day__lt=last)
    return rows


def _clear_between(after: date | None, before: date | None, using: str, models: Models) -> None:
    """Remove rollup rows of days strictly between two days with runs: they have none."""
    _between(after, before, using, models).delete()


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
