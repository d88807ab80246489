"""The rollup's hot statements in plain SQL: the per-write upsert and today's totals.

Every recorded execution runs add() and every cached read runs day_totals().
Like stat_rows.py, they are written out rather than built through the ORM,
whose query compiler would cost more than the database spends on them. Only
dashboard_app.rollup calls these.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.db import connections

from dashboard_app.models import DailyRuns

TABLE = DailyRuns._meta.db_table
STATUS_COLUMNS = ("running", "success", "error", "cancelled")

Moves = dict[tuple[date, int], dict[str, int]]  # (day, script id) -> status -> change


def add(moves: Moves, connection) -> None:
    """Add each change to its (day, script) row, creating the row where there is none.

    Rows are written in (day, script) order, so that concurrent multi-row
    upserts on PostgreSQL lock them in one order and cannot deadlock.
    """
    if not moves:
        return
    params: list = []
    for (day, script_id), change in sorted(moves.items()):
        params += [connection.ops.adapt_datefield_value(day), script_id]
        params += [change.get(status, 0) for status in STATUS_COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute(_add_sql(len(moves)), params)


def day_totals(day: date, using: str) -> tuple[int, int]:
    """(runs started on `day`, scripts with a failed run on `day`): one indexed read."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(_DAY_TOTALS_SQL, [connection.ops.adapt_datefield_value(day)] * 2)
        runs, failed_scripts = cursor.fetchone()
    return int(runs), int(failed_scripts)


def lock(using: str) -> None:
    """Hold off every other writer of the rollup until this transaction ends.

    PostgreSQL: SHARE ROW EXCLUSIVE conflicts with the ROW EXCLUSIVE lock each
    upsert takes, and with itself, so it waits for every transaction that has
    moved the rollup to finish and stops new ones until this one commits; a
    count made after it sees every committed run, and every later run's change
    lands on top of it. SQLite: IMMEDIATE transactions already hold the
    database's write lock from their start.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")


# A day's totals as two scalar subqueries, each taking the day as its parameter.
DAY_RUNS_SQL = f"(SELECT COALESCE(SUM({' + '.join(STATUS_COLUMNS)}), 0) FROM {TABLE} WHERE day = %s)"
DAY_FAILED_SCRIPTS_SQL = f"(SELECT COUNT(*) FROM {TABLE} WHERE day = %s AND error > 0)"
_DAY_TOTALS_SQL = f"SELECT {DAY_RUNS_SQL}, {DAY_FAILED_SCRIPTS_SQL}"


@lru_cache(maxsize=64)
def _add_sql(row_count: int) -> str:
    columns = ("day", "script_id", *STATUS_COLUMNS)
    row = f"({', '.join(['%s'] * len(columns))})"
    additions = ", ".join(f"{column} = r.{column} + excluded.{column}" for column in STATUS_COLUMNS)
    return (
        f"INSERT INTO {TABLE} AS r ({', '.join(columns)}) VALUES {', '.join([row] * row_count)} "
        f"ON CONFLICT (day, script_id) DO UPDATE SET {additions}"
    )
