"""The rollup's per-day level (dashboard_daily_totals), kept by the same triggers in the same
statement: every script's runs of a day by status, and how many scripts had a failed run that
day. A read of a day (today's counters, the chart, the history API, a list's total) then sums a
few rows whatever the number of scripts, where it summed one row per script.

The triggers of 0004 are replaced by these (fixed SQL again: `sqlmigrate dashboard_app 0005`),
under the same locks, and the totals are counted from the per-script rows already there: the
per-script rows themselves are not recounted.

A run deleted with its script no longer moves anything here (PostgreSQL skips scripts whose
rollup rows are gone, as SQLite's delete trigger did already): dashboard_app.receivers takes
the deleted script's rows out of both levels before its runs go.
"""

import importlib

from django.db import migrations, models

from dashboard_app.migrations._vendor_sql import RunSQLOn

_0004 = importlib.import_module("dashboard_app.migrations.0004_rollup_triggers_as_sql")
TRIGGERS = _0004.TRIGGERS
_local_day = _0004._local_day

# ---------------------------------------------------------------- PostgreSQL
# The per-script upsert of 0004, then the day's totals from what it moved: a script's failed
# runs of a day going from none to some adds one to the day's failed scripts, from some to none
# takes one away (its error count before the move is the count after it less the move). The
# totals' row is the writing backend's stripe: concurrent writers rarely wait for each other.


def _move(changed_runs: str, *, only_scripts_with_rows: bool = False) -> str:
    guard = (
        " AND EXISTS (SELECT 1 FROM dashboard_daily_runs kept WHERE kept.script_id = grouped.script_id)"
        if only_scripts_with_rows
        else ""
    )
    return f"""
        WITH moves AS (
            SELECT day, script_id, running, success, error, cancelled FROM (
                SELECT (started_at AT TIME ZONE zone)::date AS day, script_id,
                       coalesce(sum(step) FILTER (WHERE status = 'running'), 0) AS running,
                       coalesce(sum(step) FILTER (WHERE status = 'success'), 0) AS success,
                       coalesce(sum(step) FILTER (WHERE status = 'error'), 0) AS error,
                       coalesce(sum(step) FILTER (WHERE status = 'cancelled'), 0) AS cancelled
                FROM ({changed_runs}) AS changed
                WHERE (started_at AT TIME ZONE zone) >= '0001-01-01'
                  AND (started_at AT TIME ZONE zone) < '10000-01-01'
                GROUP BY 1, 2
            ) AS grouped
            WHERE (running <> 0 OR success <> 0 OR error <> 0 OR cancelled <> 0){guard}
        ), moved AS (
            INSERT INTO dashboard_daily_runs AS r (day, script_id, running, success, error, cancelled)
            SELECT day, script_id, running, success, error, cancelled FROM moves ORDER BY day, script_id
            ON CONFLICT (day, script_id) DO UPDATE SET
                running = r.running + excluded.running, success = r.success + excluded.success,
                error = r.error + excluded.error, cancelled = r.cancelled + excluded.cancelled
            RETURNING r.day, r.script_id, r.error
        )
        INSERT INTO dashboard_daily_totals AS t (day, stripe, running, success, error, cancelled, failed_scripts)
        SELECT moves.day, pg_backend_pid() % 64, sum(moves.running), sum(moves.success),
               sum(moves.error), sum(moves.cancelled),
               sum(CASE WHEN moved.error > 0 AND moved.error - moves.error <= 0 THEN 1
                        WHEN moved.error <= 0 AND moved.error - moves.error > 0 THEN -1 ELSE 0 END)
        FROM moves JOIN moved ON moved.day = moves.day AND moved.script_id = moves.script_id
        GROUP BY moves.day ORDER BY moves.day
        ON CONFLICT (day, stripe) DO UPDATE SET
            running = t.running + excluded.running, success = t.success + excluded.success,
            error = t.error + excluded.error, cancelled = t.cancelled + excluded.cancelled,
            failed_scripts = t.failed_scripts + excluded.failed_scripts;"""


_ENTERED = "SELECT started_at, script_id, status, 1 AS step FROM new_rows"
_LEFT = "SELECT started_at, script_id, status, -1 AS step FROM old_rows"

# No exception block, as in 0004 (it says why). Without a zone recorded nothing is counted.
POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION dashboard_rollup_move() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    zone text := (SELECT time_zone FROM dashboard_rollup_zone WHERE id = 1);
BEGIN
    IF zone IS NULL THEN
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN{_move(_ENTERED)}
    ELSIF TG_OP = 'UPDATE' THEN{_move(_ENTERED + " UNION ALL " + _LEFT)}
    ELSIF TG_OP = 'DELETE' THEN{_move(_LEFT, only_scripts_with_rows=True)}
    END IF;
    RETURN NULL;
END
$$"""

POSTGRESQL_FORWARD = [
    "LOCK TABLE script_executions IN SHARE MODE",
    POSTGRESQL_FUNCTION,  # the triggers of 0004 call it: replacing it is enough
]
POSTGRESQL_BACKWARD = [_0004.POSTGRESQL_FUNCTION]

# ---------------------------------------------------------------- SQLite
# Row-level: after a run's per-script row moved, the day's totals move too (stripe 0: SQLite
# has one writer at a time). The failed scripts change when the run's script's error count of
# that day has just become 1 (from 0) or 0 (from 1).

_STATUSES = ("running", "success", "error", "cancelled")


def _add_totals(run: str) -> str:
    day = _local_day(run)
    return (
        "INSERT INTO dashboard_daily_totals (day, stripe, running, success, error, cancelled, failed_scripts) "
        f"SELECT day, 0, {', '.join(f'{run}.status = {status!r}' for status in _STATUSES)}, "
        f"{run}.status = 'error' AND (SELECT error FROM dashboard_daily_runs "
        f"WHERE day = d.day AND script_id = {run}.script_id) = 1 "
        f"FROM (SELECT {day} AS day) AS d WHERE day IS NOT NULL "
        "ON CONFLICT (day, stripe) DO UPDATE SET "
        + ", ".join(f"{c} = {c} + excluded.{c}" for c in (*_STATUSES, "failed_scripts"))
        + ";"
    )


def _take_totals(run: str) -> str:
    day = _local_day(run)
    return (
        "UPDATE dashboard_daily_totals SET "
        + ", ".join(f"{status} = {status} - ({run}.status = {status!r})" for status in _STATUSES)
        + f", failed_scripts = failed_scripts - ({run}.status = 'error' AND (SELECT error FROM "
        f"dashboard_daily_runs WHERE day = {day} AND script_id = {run}.script_id) = 0) "
        f"WHERE day = {day} AND stripe = 0;"
    )


SQLITE_FORWARD = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    "CREATE TRIGGER dashboard_rollup_on_insert AFTER INSERT ON script_executions "
    f"BEGIN {_0004._ADD_NEW} {_add_totals('NEW')} END",
    "CREATE TRIGGER dashboard_rollup_on_update AFTER UPDATE OF started_at, script_id, status "
    "ON script_executions WHEN OLD.started_at IS NOT NEW.started_at OR OLD.script_id IS NOT NEW.script_id "
    f"OR OLD.status IS NOT NEW.status BEGIN {_0004._TAKE_OLD} {_take_totals('OLD')} "
    f"{_0004._ADD_NEW} {_add_totals('NEW')} END",
    "CREATE TRIGGER dashboard_rollup_on_delete AFTER DELETE ON script_executions WHEN EXISTS "
    "(SELECT 1 FROM dashboard_daily_runs WHERE script_id = OLD.script_id) "
    f"BEGIN {_0004._TAKE_OLD} {_take_totals('OLD')} END",
]
SQLITE_BACKWARD = [*(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS), *_0004.SQLITE_FORWARD[1:]]

# Both databases: the totals counted from the per-script rows, under the locks taken above.
COUNT_TOTALS = """
INSERT INTO dashboard_daily_totals (day, stripe, running, success, error, cancelled, failed_scripts)
SELECT day, 0, SUM(running), SUM(success), SUM(error), SUM(cancelled),
       SUM(CASE WHEN error > 0 THEN 1 ELSE 0 END)
FROM dashboard_daily_runs GROUP BY day"""


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard_app', '0004_rollup_triggers_as_sql'),
    ]

    operations = [
        migrations.CreateModel(
            name='DailyTotals',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='day')),
                ('stripe', models.SmallIntegerField(default=0, verbose_name='stripe')),
                ('running', models.BigIntegerField(default=0, verbose_name='running')),
                ('success', models.BigIntegerField(default=0, verbose_name='success')),
                ('error', models.BigIntegerField(default=0, verbose_name='error')),
                ('cancelled', models.BigIntegerField(default=0, verbose_name='cancelled')),
                ('failed_scripts', models.BigIntegerField(default=0, verbose_name='scripts with a failed run')),
            ],
            options={
                'verbose_name': 'runs per day, all scripts',
                'verbose_name_plural': 'runs per day, all scripts',
                'db_table': 'dashboard_daily_totals',
                'constraints': [models.UniqueConstraint(fields=('day', 'stripe'), name='daily_totals_day_stripe')],
            },
        ),
        migrations.AddIndex(
            model_name='dailyruns',
            index=models.Index(condition=models.Q(('error__gt', 0)), fields=['day', '-error', 'script'], name='daily_runs_day_failures'),
        ),
        RunSQLOn("postgresql", POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
        RunSQLOn("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
        migrations.RunSQL(COUNT_TOTALS, migrations.RunSQL.noop),
    ]
