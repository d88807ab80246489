"""Run-time checks of the database: SQLite's settings, and the rollup's triggers and time zone.

PRAGMAs can silently not apply (journal_mode stays "memory" for an in-memory
database, init_command may be overridden), so ask the live connection. A
rollup without its triggers misses every run recorded meanwhile, and one
counted in another zone than TIME_ZONE cannot be read until `refresh_stats`
recounts it: say so before anyone wonders why pages are slow.
`migrate` and `check --database default` run them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError, connections


def sqlite_settings_problems(alias: str = "default") -> list[str]:
    connection = connections[alias]
    if connection.vendor != "sqlite":
        return []
    problems = []
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0].lower()
        cursor.execute("PRAGMA busy_timeout")
        busy_timeout = cursor.fetchone()[0]
    is_file = connection.settings_dict["NAME"] not in ("", ":memory:") and "mode=memory" not in str(
        connection.settings_dict["NAME"]
    )
    if is_file and journal_mode != "wal":
        problems.append(f"journal_mode is {journal_mode!r}, expected 'wal'")
    if busy_timeout <= 0:
        problems.append("busy_timeout is 0: concurrent writers would fail with 'database is locked'")
    if getattr(connection, "transaction_mode", None) != "IMMEDIATE":
        problems.append("transaction_mode is not IMMEDIATE")
    return problems


@register(Tags.database)
def check_sqlite_settings(app_configs=None, databases=None, **kwargs) -> list[Error]:
    return [
        Error(f"SQLite database {alias!r}: {problem}", id="dashboard_app.E001")
        for alias in databases or []
        for problem in sqlite_settings_problems(alias)
    ]


@register(Tags.database)
def check_rollup_zone(app_configs=None, databases=None, **kwargs) -> list[Warning]:
    from dashboard_app.rollup import triggers, zone

    warnings = []
    for alias in databases or []:
        try:
            counted_in = zone.counted_zone(alias)
        except DatabaseError:  # not migrated yet
            continue
        if counted_in is not None and (absent := triggers.missing(connections[alias])):
            warnings.append(
                Warning(
                    f"The rollup's triggers on script_executions are missing or disabled: "
                    f"{', '.join(absent)}. Runs recorded now are not counted in it.",
                    hint="Run `manage.py refresh_stats`: it creates them again and recounts the rollup.",
                    id="dashboard_app.W003",
                )
            )
        if counted_in is not None and counted_in != settings.TIME_ZONE:
            warnings.append(
                Warning(
                    f"The rollup of runs per day counts local days of {counted_in}, but TIME_ZONE is "
                    f"{settings.TIME_ZONE}.",
                    hint="Until `manage.py refresh_stats` recounts it, pages and the API count the "
                    "executions themselves (right, and slower). Run it now, or as the release step.",
                    id="dashboard_app.W002",
                )
            )
    return warnings
