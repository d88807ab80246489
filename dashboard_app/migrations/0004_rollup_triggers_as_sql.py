"""The rollup's triggers as fixed SQL, and the zone they count in as data they read.

`manage.py sqlmigrate dashboard_app 0004` shows what the triggers do, and no later edit of
the product's code can change what this migration did. (0002 and 0003 created them from
Python, with the zone written into PostgreSQL's function: a change of TIME_ZONE re-created
them.) Now PostgreSQL's function reads the zone from dashboard_rollup_zone at each statement,
and SQLite's triggers read the zone's UTC offsets from dashboard_rollup_zone_offsets, so a
change of TIME_ZONE rewrites rows (`manage.py refresh_stats`), never functions.

Where a rollup exists, the old triggers give way to these while the table of runs is locked
(PostgreSQL: SHARE until this migration commits; SQLite's migration holds the write lock):
no run is missed or counted twice, and nothing is recounted. Where none exists yet (0002
creates the tables only), the rollup is counted here, under the same lock, by one statement.

dashboard_app.rollup.triggers replays the forward SQL of this migration when `refresh_stats`
finds a trigger missing or disabled.
"""

from django.db import migrations, models

from dashboard_app.migrations._vendor_sql import RunSQLOn

TRIGGERS = ("dashboard_rollup_on_insert", "dashboard_rollup_on_update", "dashboard_rollup_on_delete")

# ---------------------------------------------------------------- PostgreSQL
# Statement-level: one upsert per statement, summed per (local day, script) row from the
# statement's transition tables (+1 where a run entered a cell, -1 where it left one), rows in
# key order so that concurrent statements lock them in one order. The zone is read from
# dashboard_rollup_zone. Starts whose local date is outside years 1 to 9999 are left out, as
# Python's zoneinfo leaves them out.


def _upsert(changed_runs: str) -> str:
    return f"""
        INSERT INTO dashboard_daily_runs AS r (day, script_id, running, success, error, cancelled)
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
        ) AS moves
        WHERE running <> 0 OR success <> 0 OR error <> 0 OR cancelled <> 0
        ORDER BY day, script_id
        ON CONFLICT (day, script_id) DO UPDATE SET
            running = r.running + excluded.running, success = r.success + excluded.success,
            error = r.error + excluded.error, cancelled = r.cancelled + excluded.cancelled;"""


_ENTERED = "SELECT started_at, script_id, status, 1 AS step FROM new_rows"
_LEFT = "SELECT started_at, script_id, status, -1 AS step FROM old_rows"

# No exception block: one would open a subtransaction at every statement, and a transaction
# recording more than 64 runs one statement at a time would overflow its backend's cache of
# them, cutting concurrent dashboard reads to a third (docs/benchmarks.md); what it caught
# (deadlocks, serialization failures, lock timeouts that the triggers' row locks cause) is
# better answered as the retryable error it is than as a silently lost count. Without a zone
# recorded (the row deleted by hand) nothing is counted: reads do not trust the rollup then,
# and `refresh_stats` records the zone and recounts.
POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION dashboard_rollup_move() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    zone text := (SELECT time_zone FROM dashboard_rollup_zone WHERE id = 1);
BEGIN
    IF zone IS NULL THEN
        RETURN NULL;
    ELSIF TG_OP = 'INSERT' THEN{_upsert(_ENTERED)}
    ELSIF TG_OP = 'UPDATE' THEN{_upsert(_ENTERED + " UNION ALL " + _LEFT)}
    ELSIF TG_OP = 'DELETE' THEN{_upsert(_LEFT)}
    END IF;
    RETURN NULL;
END
$$"""

POSTGRESQL_FORWARD = [
    # Writers wait until this migration commits: no run falls between the old triggers and these.
    "LOCK TABLE script_executions IN SHARE MODE",
    *(f"DROP TRIGGER IF EXISTS {name} ON script_executions" for name in TRIGGERS),
    POSTGRESQL_FUNCTION,
    "CREATE TRIGGER dashboard_rollup_on_insert AFTER INSERT ON script_executions "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_rollup_move()",
    "CREATE TRIGGER dashboard_rollup_on_update AFTER UPDATE ON script_executions "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION dashboard_rollup_move()",
    "CREATE TRIGGER dashboard_rollup_on_delete AFTER DELETE ON script_executions "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_rollup_move()",
]
POSTGRESQL_BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS {name} ON script_executions" for name in TRIGGERS),
    "DROP FUNCTION IF EXISTS dashboard_rollup_move()",
]
POSTGRESQL_COUNT = """
INSERT INTO dashboard_daily_runs (day, script_id, running, success, error, cancelled)
SELECT (started_at AT TIME ZONE %(zone)s)::date, script_id,
       count(*) FILTER (WHERE status = 'running'), count(*) FILTER (WHERE status = 'success'),
       count(*) FILTER (WHERE status = 'error'), count(*) FILTER (WHERE status = 'cancelled')
FROM script_executions
WHERE (started_at AT TIME ZONE %(zone)s) >= '0001-01-01' AND (started_at AT TIME ZONE %(zone)s) < '10000-01-01'
GROUP BY 1, 2"""

# ---------------------------------------------------------------- SQLite
# Row-level (SQLite has no other kind). The local day of a run is the date of its start shifted
# by the zone's offset in force at that instant, read from the table of offsets; NULL outside
# years 1 to 9999. datetime() first: it drops the fraction of a second, which date() with a
# modifier would round (23:59:59.9999 would count on the next day), and reads any time text.


def _local_day(run: str) -> str:
    return (
        "(SELECT CASE WHEN d BETWEEN '0001-01-01' AND '9999-12-31' THEN d END FROM ("
        "SELECT date(t, (SELECT offset_seconds FROM dashboard_rollup_zone_offsets WHERE since <= t "
        "ORDER BY since DESC LIMIT 1) || ' seconds') AS d "
        f"FROM (SELECT datetime({run}.started_at) AS t)))"
    )


_ADD_NEW = (
    "INSERT INTO dashboard_daily_runs (day, script_id, running, success, error, cancelled) "
    "SELECT day, NEW.script_id, NEW.status = 'running', NEW.status = 'success', NEW.status = 'error', "
    f"NEW.status = 'cancelled' FROM (SELECT {_local_day('NEW')} AS day) WHERE day IS NOT NULL "
    "ON CONFLICT (day, script_id) DO UPDATE SET running = running + excluded.running, "
    "success = success + excluded.success, error = error + excluded.error, "
    "cancelled = cancelled + excluded.cancelled;"
)
_TAKE_OLD = (
    "UPDATE dashboard_daily_runs SET running = running - (OLD.status = 'running'), "
    "success = success - (OLD.status = 'success'), error = error - (OLD.status = 'error'), "
    "cancelled = cancelled - (OLD.status = 'cancelled') "
    f"WHERE day = {_local_day('OLD')} AND script_id = OLD.script_id;"
)
SQLITE_FORWARD = [
    "CREATE TABLE IF NOT EXISTS dashboard_rollup_zone_offsets "
    "(since TEXT PRIMARY KEY, offset_seconds INTEGER NOT NULL) WITHOUT ROWID",
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    f"CREATE TRIGGER dashboard_rollup_on_insert AFTER INSERT ON script_executions BEGIN {_ADD_NEW} END",
    "CREATE TRIGGER dashboard_rollup_on_update AFTER UPDATE OF started_at, script_id, status "
    "ON script_executions WHEN OLD.started_at IS NOT NEW.started_at OR OLD.script_id IS NOT NEW.script_id "
    f"OR OLD.status IS NOT NEW.status BEGIN {_TAKE_OLD} {_ADD_NEW} END",
    # A deleted script's rollup rows go before its runs (dashboard_app.receivers): then each of
    # its runs costs this trigger one index probe.
    "CREATE TRIGGER dashboard_rollup_on_delete AFTER DELETE ON script_executions WHEN EXISTS "
    f"(SELECT 1 FROM dashboard_daily_runs WHERE script_id = OLD.script_id) BEGIN {_TAKE_OLD} END",
]
SQLITE_BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
    "DROP TABLE IF EXISTS dashboard_rollup_zone_offsets",
]
SQLITE_COUNT = f"""
INSERT INTO dashboard_daily_runs (day, script_id, running, success, error, cancelled)
SELECT day, script_id, SUM(status = 'running'), SUM(status = 'success'), SUM(status = 'error'),
       SUM(status = 'cancelled')
FROM (SELECT {_local_day('script_executions')} AS day, script_id, status FROM script_executions)
WHERE day IS NOT NULL
GROUP BY day, script_id"""


def record_zone_and_count(apps, schema_editor):
    """A database without a rollup yet: record TIME_ZONE as the zone it counts in (on SQLite with
    that zone's offsets) and count every run into it, under this migration's lock. A database
    with one keeps its zone and its rows (on SQLite its table of offsets, written anew if empty)."""
    from django.conf import settings

    from dashboard_app.rollup.triggers import sqlite

    connection = schema_editor.connection
    zones = apps.get_model("dashboard_app", "RollupZone").objects.using(connection.alias)
    counted_in = zones.filter(pk=1).values_list("time_zone", flat=True).first()
    if counted_in is not None:
        if connection.vendor == "sqlite" and not sqlite.has_offsets(connection):
            sqlite.write_zone_data(connection, counted_in)
        return
    zones.create(pk=1, time_zone=settings.TIME_ZONE, complete=True)
    apps.get_model("dashboard_app", "DailyRuns").objects.using(connection.alias).all().delete()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            sqlite.write_zone_data(connection, settings.TIME_ZONE)
            cursor.execute(SQLITE_COUNT)
        else:
            cursor.execute(POSTGRESQL_COUNT, {"zone": settings.TIME_ZONE})


class Migration(migrations.Migration):
    dependencies = [("dashboard_app", "0003_sqlite_rollup_triggers")]

    operations = [
        migrations.AddField(
            model_name="rollupzone",
            name="complete",
            field=models.BooleanField(default=True, verbose_name="every day recounted"),
        ),
        RunSQLOn("postgresql", POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
        RunSQLOn("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
        migrations.RunPython(record_zone_and_count, migrations.RunPython.noop),
    ]
