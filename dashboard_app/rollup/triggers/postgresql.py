"""PostgreSQL: statement-level triggers and one PL/pgSQL function (dashboard_rollup_move).

Why statement-level: with eight processes recording runs, moving the rollup in Python (a
transaction around each save, the row's state read under a lock, an upsert in a savepoint)
cost four to five round trips per write where the write itself takes one. A trigger moves the
rollup inside the writing statement: no round trip, no Python, and exact for every statement,
raw SQL included. For the rows a statement inserted, deleted or updated (its transition
tables) it adds -1 to the (local day, script, status) cell a run left and +1 to the cell it
entered, summed per (day, script) row in one upsert, rows in (day, script) order so that
concurrent statements lock them in one order. The local day is the date of started_at in the
zone read from dashboard_rollup_zone at each statement.

The SQL is in migration 0004_rollup_triggers_as_sql; the function is now that of 0011. The
locks it takes, in order: the rollup's tables (0007), the rows in `scripts` of the scripts
whose week it moves (0011), then the rollup rows it moves, each table's in key order.
"""

from __future__ import annotations


def enabled_triggers(connection) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'script_executions'::regclass AND tgenabled <> 'D'"
        )
        return {name for (name,) in cursor.fetchall()}


def zone_problems(connection, zone: str) -> list[str]:
    """Nothing beyond the triggers' presence: PostgreSQL knows every zone's rules itself."""
    return []


def write_zone_data(connection, zone: str) -> None:
    """Nothing to write: the function reads the zone's name and PostgreSQL applies its rules."""
