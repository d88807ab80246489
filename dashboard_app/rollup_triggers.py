"""The database moves the rollup itself: triggers on script_executions (PostgreSQL here,
SQLite in rollup_triggers_sqlite.py).

Why: with eight processes recording runs, the Python upkeep (a transaction
around each save, the row's state read under a lock, an upsert in a
savepoint) cost PostgreSQL four to five round trips per write where the write
itself takes one, and the writers reached a third of their throughput without
it. A statement-level trigger moves the rollup inside the writing statement:
no round trip, no Python, and exact for every statement, raw SQL included.

What they do is what rollup.py does on SQLite: for the rows a statement
inserted, deleted or updated (its transition tables), -1 on the (local day,
script, status) cell a run left and +1 on the cell it entered, summed per
(day, script) row and added in one upsert, rows in (day, script) order so
that concurrent statements lock them in one order. The local day is the date
of started_at in the zone the rollup counts in, as Python's zoneinfo reads it;
starts whose local date falls outside years 1 to 9999 are left out, as in
Python. The zone is written into the function: rollup_rebuild.rebuild(),
which every change of zone goes through, installs it again with the new zone
in the transaction that records it.

If the upsert fails, the trigger's exception block undoes it alone, the
write stands, a warning is logged, and today's counters are marked stale so
that the next read recounts today (other days: refresh_stats).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings

from dashboard_app import rollup_triggers_sqlite

FUNCTION = "dashboard_rollup_move"
# Trigger name -> (event, its transition tables, the runs it moves: +1 entered, -1 left).
TRIGGERS = {
    "dashboard_rollup_on_insert": (
        "INSERT",
        "REFERENCING NEW TABLE AS new_rows",
        "SELECT started_at, script_id, status, 1 AS step FROM new_rows",
    ),
    "dashboard_rollup_on_update": (
        "UPDATE",
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "SELECT started_at, script_id, status, 1 AS step FROM new_rows "
        "UNION ALL SELECT started_at, script_id, status, -1 AS step FROM old_rows",
    ),
    "dashboard_rollup_on_delete": (
        "DELETE",
        "REFERENCING OLD TABLE AS old_rows",
        "SELECT started_at, script_id, status, -1 AS step FROM old_rows",
    ),
}

_UPSERT = """
        INSERT INTO dashboard_daily_runs AS r (day, script_id, running, success, error, cancelled)
        SELECT day, script_id, running, success, error, cancelled FROM (
            SELECT (started_at AT TIME ZONE {zone})::date AS day, script_id,
                   coalesce(sum(step) FILTER (WHERE status = 'running'), 0) AS running,
                   coalesce(sum(step) FILTER (WHERE status = 'success'), 0) AS success,
                   coalesce(sum(step) FILTER (WHERE status = 'error'), 0) AS error,
                   coalesce(sum(step) FILTER (WHERE status = 'cancelled'), 0) AS cancelled
            FROM ({runs}) AS changed
            WHERE (started_at AT TIME ZONE {zone}) >= '0001-01-01'
              AND (started_at AT TIME ZONE {zone}) < '10000-01-01'
            GROUP BY 1, 2
        ) AS moves
        WHERE running <> 0 OR success <> 0 OR error <> 0 OR cancelled <> 0
        ORDER BY day, script_id
        ON CONFLICT (day, script_id) DO UPDATE SET
            running = r.running + excluded.running, success = r.success + excluded.success,
            error = r.error + excluded.error, cancelled = r.cancelled + excluded.cancelled;"""

_FUNCTION = """
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
{branches}
        END IF;
    EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'dashboard rollup not moved by % on script_executions: %', TG_OP, SQLERRM;
        BEGIN
            UPDATE dashboard_stats SET stale = true, version = version + 1
            WHERE stat_key IN ('today_executions', 'today_failed_scripts') AND NOT stale;
        EXCEPTION WHEN OTHERS THEN
            RAISE WARNING 'dashboard counters not marked stale either: %', SQLERRM;
        END;
    END;
    RETURN NULL;
END
$$"""


def function_sql(zone: str) -> str:
    """The trigger function counting local days of `zone` (an IANA name)."""
    ZoneInfo(zone)  # a zone Python knows, so a name and nothing else
    literal = "'" + zone.replace("'", "''") + "'"
    branches = "\n".join(
        f"        {'IF' if n == 0 else 'ELSIF'} TG_OP = '{event}' THEN"
        + _UPSERT.format(runs=runs, zone=literal)
        for n, (event, _, runs) in enumerate(TRIGGERS.values())
    )
    return _FUNCTION.format(function=FUNCTION, branches=branches)


def install(connection, zone: str) -> None:
    """Create (or replace) the function, counting days of `zone`, and the three triggers."""
    if connection.vendor == "sqlite":
        return rollup_triggers_sqlite.install(connection, zone)
    with connection.cursor() as cursor:
        cursor.execute(function_sql(zone))
        for name, (event, tables, _) in TRIGGERS.items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON script_executions")
            cursor.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON script_executions {tables} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )


def remove(connection) -> None:
    if connection.vendor == "sqlite":
        return rollup_triggers_sqlite.remove(connection)
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON script_executions")
        cursor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


def set_enabled(connection, enabled: bool) -> None:
    """Switch the triggers on or off (the benchmark's upkeep switch). SQLite cannot
    disable a trigger: there they are dropped, and created again counting days of TIME_ZONE."""
    if connection.vendor == "sqlite":
        if enabled:
            return install(connection, settings.TIME_ZONE)
        return rollup_triggers_sqlite.drop_triggers(connection)
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(
                f"ALTER TABLE script_executions {'ENABLE' if enabled else 'DISABLE'} TRIGGER {name}"
            )


def missing(connection) -> list[str]:
    """The rollup's triggers this database lacks (refresh_stats installs them)."""
    if connection.vendor == "sqlite":
        return rollup_triggers_sqlite.missing(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'script_executions'::regclass AND tgenabled <> 'D'"
        )
        present = {name for (name,) in cursor.fetchall()}
    return [name for name in TRIGGERS if name not in present]


def problems(connection, zone: str) -> list[str]:
    """What keeps the triggers from moving the rollup right, for refresh_stats --check: missing
    or disabled ones, and on SQLite offsets that are no longer `zone`'s rules."""
    if absent := missing(connection):
        return [f"missing or disabled: {', '.join(absent)}"]
    if connection.vendor == "sqlite" and rollup_triggers_sqlite.offsets_outdated(connection, zone):
        return [f"their table of {zone}'s offsets differs from this Python's time zone database"]
    return []


def moves_rollup(connection) -> bool:
    """Whether this database moves the rollup itself (it has the triggers' code)."""
    return connection.vendor in {"postgresql", "sqlite"}
