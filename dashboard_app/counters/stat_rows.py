"""The statements that every cached read and every write run on dashboard_stats, in plain SQL.

Every cached read runs read_rows() and every write runs mark_stale(). Built
through the ORM, each spent far longer composing its SQL than the database
spent running it (pyinstrument: ~0.3-0.5 ms against ~0.03 ms), which kept the
cached read at half the framework's floor and made a recorded execution 3x
slower with upkeep than without (docs/benchmarks.md). Only counters.stats
calls these; the policy stays there.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, connections, router

from dashboard_app.models import DashboardStat
from dashboard_app.rollup.sql import DAY_FAILED_SCRIPTS_SQL, DAY_RUNS_SQL, day_totals

# The value of a row that a recompute has claimed: negative, so never served,
# and unlike any value a bug or a hand edit would leave.
CLAIMED = -(2**62)

_COLUMNS = [field.name for field in DashboardStat._meta.concrete_fields]


def read_rows(keys: Iterable[str]) -> dict[str, DashboardStat]:
    """The rows of `keys` that exist, as model instances (one SELECT)."""
    rows, _ = _select(keys)
    return rows


def read_rows_and_day_totals(
    keys: Iterable[str], day: date
) -> tuple[dict[str, DashboardStat], tuple[int, int]]:
    """read_rows() and the rollup's day_totals(day) in one statement: the cached read's only one."""
    rows, totals = _select(keys, day=day)
    if totals is None:  # no row came back to carry them
        totals = day_totals(day, router.db_for_read(DashboardStat))
    return rows, totals


def _select(keys: Iterable[str], *, day: date | None = None):
    keys = sorted(keys)
    if not keys:
        return {}, None
    connection = connections[router.db_for_read(DashboardStat)]
    sql, columns, converters = _plan(connection, len(keys), day is not None)
    params = [] if day is None else [connection.ops.adapt_datefield_value(day)] * 2
    with connection.cursor() as cursor:
        cursor.execute(sql, params + keys)
        fetched = cursor.fetchall()
    rows, totals = {}, None
    for values in fetched:
        if day is not None:
            *values, runs, failed_scripts = values
            totals = (int(runs), int(failed_scripts))
        converted = []
        for value, column, column_converters in zip(values, columns, converters, strict=True):
            for convert in column_converters:
                value = convert(value, column, connection)
            converted.append(value)
        row = DashboardStat.from_db(connection.alias, _COLUMNS, converted)
        rows[row.stat_key] = row
    return rows, totals


@lru_cache(maxsize=32)
def _plan(connection, key_count: int, with_day_totals: bool) -> tuple[str, list, list]:
    """The SELECT, its columns and what converts each value, once per connection and shape
    (composing them cost more than the database spends on the statement)."""
    quote = connection.ops.quote_name
    meta = DashboardStat._meta
    fields = [meta.get_field(name) for name in _COLUMNS]
    # What the ORM's compiler would apply: e.g. SQLite returns datetimes as text.
    columns = [field.get_col(meta.db_table) for field in fields]
    converters = [[*connection.ops.get_db_converters(c), *c.get_db_converters(connection)] for c in columns]
    selected = ", ".join(quote(field.column) for field in fields)
    if with_day_totals:
        # The day's totals as two more columns (the database computes them once).
        selected += f", {DAY_RUNS_SQL}, {DAY_FAILED_SCRIPTS_SQL}"
    sql = (
        f"SELECT {selected} FROM {quote(meta.db_table)} "
        f"WHERE {quote(meta.get_field('stat_key').column)} IN ({', '.join(['%s'] * key_count)})"
    )
    return sql, columns, converters


def mark_stale(keys: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> int:
    """Mark the rows of `keys` stale and bump their versions, where not stale already (one statement).

    A row already stale needs nothing: a recompute claims a row (claim()) before
    it counts, so a write that finds the row stale committed before any count
    that could be stored. Skipping it spares a busy write path the hot row's
    lock and a WAL flush per write (docs/benchmarks.md, row 6).
    """
    keys = sorted(keys)
    if not keys:
        return 0
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(_mark_stale_sql(connection.vendor, len(keys)), keys)
        return cursor.rowcount


def claim(keys: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> None:
    """Take the rows of `keys` for a recompute, before it counts: not stale (so the
    next write bumps the version again), CLAIMED (negative: nobody serves the
    row meanwhile), version bumped (so an older recompute's store is refused)."""
    keys = sorted(keys)
    if not keys:
        return
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(_claim_sql(connection.vendor, len(keys)), keys)


def _update_sql(vendor: str, key_count: int, assignments: str, condition: str = "") -> str:
    """UPDATE dashboard_stats SET <assignments> for the given keys (and condition).

    On PostgreSQL several rows are first locked in key order: a plain
    multi-row UPDATE locks them in the order its scan meets them, which differs
    between concurrent statements, and two of them deadlocked
    (test_concurrent_invalidations.py). One row has no order to keep, and
    SQLite locks the whole database for a write.
    """
    table = DashboardStat._meta.db_table
    keys = ", ".join(["%s"] * key_count)
    where = f"stat_key IN ({keys}){condition}"
    if vendor == "postgresql" and key_count > 1:
        return (
            f"WITH locked AS MATERIALIZED (SELECT stat_key FROM {table} WHERE {where} "
            f"ORDER BY stat_key FOR UPDATE) "
            f"UPDATE {table} SET {assignments} WHERE stat_key IN (SELECT stat_key FROM locked)"
        )
    return f"UPDATE {table} SET {assignments} WHERE {where}"


# The keys are the only parameters: the constants are written into the SQL.


@lru_cache(maxsize=32)
def _mark_stale_sql(vendor: str, key_count: int) -> str:
    return _update_sql(vendor, key_count, "stale = true, version = version + 1", " AND NOT stale")


@lru_cache(maxsize=32)
def _claim_sql(vendor: str, key_count: int) -> str:
    return _update_sql(vendor, key_count, f"stale = false, stat_value = {CLAIMED}, version = version + 1")
