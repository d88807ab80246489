"""Run-time checks of the database: SQLite's settings, and the rollup's time zone.

PRAGMAs can silently not apply (journal_mode stays "memory" for an in-memory
database, init_command may be overridden), so ask the live connection. And a
rollup counted in another zone than TIME_ZONE is rebuilt on the first read,
which on a large table takes a while: say so before it happens.
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
    from dashboard_app import rollup_triggers
    from dashboard_app.rollup_rebuild import zone_of_rollup

    warnings = []
    for alias in databases or []:
        try:
            counted_in = zone_of_rollup(alias)
        except DatabaseError:  # not migrated yet
            continue
        if counted_in is not None and rollup_triggers.moves_rollup(connections[alias]):
            if absent := rollup_triggers.missing(connections[alias]):
                warnings.append(
                    Warning(
                        f"The rollup's triggers on script_executions are missing or disabled: "
                        f"{', '.join(absent)}. Runs recorded now are not counted in it.",
                        hint="Run `manage.py refresh_stats`: it recounts the rollup and installs them.",
                        id="dashboard_app.W003",
                    )
                )
        if counted_in is not None and counted_in != settings.TIME_ZONE:
            warnings.append(
                Warning(
                    f"The rollup of runs per day counts local days of {counted_in}, but TIME_ZONE is "
                    f"{settings.TIME_ZONE}.",
                    hint="It is rebuilt on the first read; run `manage.py refresh_stats` to do it now.",
                    id="dashboard_app.W002",
                )
            )
    return warnings
