"""The rollup's hot statements in plain SQL: a day's totals, and the lock of a recount.

Every cached read of the counters runs the totals (as part of counters.stat_rows' one
statement). They are written out rather than built through the ORM, whose query compiler
would cost more than the database spends on them.
"""

from __future__ import annotations

from datetime import date

from django.db import connections

from dashboard_app.models import DailyRuns
from scripts_app.models import Status

TABLE = DailyRuns._meta.db_table
# One column per status, named after it.
STATUS_COLUMNS: tuple[str, ...] = tuple(Status.values)


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
