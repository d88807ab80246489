"""The rollup's hot statements in plain SQL: a day's totals, and the lock of a recount.

Every cached read of the counters runs the totals (as part of counters.stat_rows' one
statement). They are written out rather than built through the ORM, whose query compiler
would cost more than the database spends on them.
"""

from __future__ import annotations

from datetime import date

from django.db import connections

from dashboard_app.models import DailyRuns, DailyTotals, WeekRates
from scripts_app.models import Status

TABLE = DailyRuns._meta.db_table
TOTALS = DailyTotals._meta.db_table
WEEK = WeekRates._meta.db_table
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
    lands on top of it. (Every level: a trigger moves the per-script rows, the week's
    and the day's totals in one statement, and every writer locks the tables in one order,
    totals, per-script rows, week: migrations 0007 and 0010 say why.) SQLite: IMMEDIATE transactions
    already hold the database's write lock from their start.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {TOTALS}, {TABLE}, {WEEK} IN SHARE ROW EXCLUSIVE MODE")


def take_out_script(script_id: int, using: str) -> None:
    """Take a script's runs out of the rollup's days, both levels, before the script and its runs are
    deleted: the triggers then find nothing of it to move (one index probe per run).

    PostgreSQL: one statement locks the script's rows in day order, deletes them and takes
    exactly what it deleted (a run recorded meanwhile included) from the day's totals, at this
    backend's stripe and in day order, as the triggers do, so that two deletes of scripts, or a
    delete and the writers, do not lock the same rows in opposite orders. SQLite has one writer
    at a time: a sum, then the delete."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {TOTALS}, {TABLE}, {WEEK} IN ROW EXCLUSIVE MODE")  # in order: 0007
            cursor.execute(_TAKE_OUT_POSTGRESQL, [script_id, script_id])
        else:
            cursor.execute(_TAKE_OUT_SQLITE, [script_id])
            cursor.execute(f"DELETE FROM {TABLE} WHERE script_id = %s", [script_id])
    # Its week's row goes with the script (the foreign key's cascade): nothing moves it meanwhile.


_NEGATED = ", ".join(f"-{c}" for c in STATUS_COLUMNS)
_SUMS = ", ".join(f"{c} = {TOTALS}.{c} + excluded.{c}" for c in (*STATUS_COLUMNS, "failed_scripts"))
_INTO_TOTALS = f"INSERT INTO {TOTALS} (day, stripe, {', '.join(STATUS_COLUMNS)}, failed_scripts) "
_UPSERT = f" ON CONFLICT (day, stripe) DO UPDATE SET {_SUMS}"
_TAKE_OUT_SQLITE = (
    f"{_INTO_TOTALS}SELECT day, 0, {_NEGATED}, CASE WHEN error > 0 THEN -1 ELSE 0 END "
    f"FROM {TABLE} WHERE script_id = %s{_UPSERT}"
)
_TAKE_OUT_POSTGRESQL = (
    f"WITH doomed AS (SELECT day FROM {TABLE} WHERE script_id = %s ORDER BY day FOR UPDATE), "
    f"gone AS (DELETE FROM {TABLE} AS kept USING doomed "
    f"WHERE kept.script_id = %s AND kept.day = doomed.day RETURNING kept.*) "
    f"{_INTO_TOTALS}SELECT day, pg_backend_pid() %% 64, {_NEGATED}, CASE WHEN error > 0 THEN -1 ELSE 0 END "
    f"FROM gone ORDER BY day{_UPSERT}"
)


# A day's totals as two scalar subqueries, each taking the day as its parameter: a few rows of
# the per-day level (its stripes), however many scripts ran that day.
DAY_RUNS_SQL = f"(SELECT COALESCE(SUM({' + '.join(STATUS_COLUMNS)}), 0) FROM {TOTALS} WHERE day = %s)"
DAY_FAILED_SCRIPTS_SQL = f"(SELECT COALESCE(SUM(failed_scripts), 0) FROM {TOTALS} WHERE day = %s)"
_DAY_TOTALS_SQL = f"SELECT {DAY_RUNS_SQL}, {DAY_FAILED_SCRIPTS_SQL}"
