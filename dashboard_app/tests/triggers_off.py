"""Switching the rollup's triggers off, as an operator's mistake or a restore might: PostgreSQL
disables them, SQLite (which cannot) drops them. refresh_stats creates them again."""

from __future__ import annotations

from dashboard_app.rollup.triggers import NAMES


def switch_off_rollup_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for name in NAMES:
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE script_executions DISABLE TRIGGER {name}")
            else:
                cursor.execute(f"DROP TRIGGER {name}")
