"""The rollup's triggers on script_executions, one module per database (as Django's
contrib/sessions/backends keeps one module per backend).

Their SQL is not here: it is fixed text carried by migrations (0004_rollup_triggers_as_sql
created them, MIGRATIONS below hold their SQL now), so `manage.py sqlmigrate` shows it and no
later edit of this code can change what an old migration did. What varies at run time is
data the triggers read: the zone the rollup counts in (dashboard_rollup_zone, see
rollup.zone) and, on SQLite, that zone's UTC offsets (sqlite.py writes them). These modules
only look at the triggers, for the system check and `refresh_stats --check`: installed and
enabled, and on SQLite counting by the zone's current rules.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from dashboard_app.rollup.triggers import postgresql, sqlite

NAMES = ("dashboard_rollup_on_insert", "dashboard_rollup_on_update", "dashboard_rollup_on_delete")
BACKENDS: dict[str, ModuleType] = {"postgresql": postgresql, "sqlite": sqlite}
# The migrations whose SQL the triggers are now, per database: a later one that changes them is
# named here.
MIGRATIONS = {
    "postgresql": "dashboard_app.migrations.0011_week_locks_scripts_first",
    "sqlite": "dashboard_app.migrations.0010_week_rates",
}


def missing(connection) -> list[str]:
    """The rollup's triggers this database lacks or has disabled (refresh_stats puts them back)."""
    enabled = BACKENDS[connection.vendor].enabled_triggers(connection)
    return [name for name in NAMES if name not in enabled]


def problems(connection, zone: str) -> list[str]:
    """What keeps the triggers from moving the rollup right, for refresh_stats --check."""
    if absent := missing(connection):
        return [f"missing or disabled: {', '.join(absent)}"]
    return BACKENDS[connection.vendor].zone_problems(connection, zone)


def reinstall(connection) -> None:
    """Create the triggers again from the fixed SQL of their migration (refresh_stats does this
    when some are missing or disabled, then recounts the rollup)."""
    first = importlib.import_module("dashboard_app.migrations.0004_rollup_triggers_as_sql")
    latest = importlib.import_module(MIGRATIONS[connection.vendor])
    statements = {  # 0004 creates the triggers (and SQLite's table of offsets), the latest their SQL
        "postgresql": lambda: [*first.POSTGRESQL_FORWARD, *latest.POSTGRESQL_FORWARD[1:]],
        "sqlite": lambda: [*first.SQLITE_FORWARD[:1], *latest.SQLITE_FORWARD],
    }
    with connection.cursor() as cursor:
        for statement in statements[connection.vendor]():
            cursor.execute(statement)
