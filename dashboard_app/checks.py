"""Run-time check that SQLite really applied the settings concurrency relies on.

PRAGMAs can silently not apply (journal_mode stays "memory" for an in-memory
database, init_command may be overridden), so ask the live connection.
`migrate` and `check --database default` run it.
"""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.db import connections


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
