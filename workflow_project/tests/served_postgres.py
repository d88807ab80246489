"""A PostgreSQL database of its own for a served site, beside the test run's database, on the same server.

Named after the test run's database (test_<name>_<suffix>), so test runs of
other worktrees, which use other names, never touch it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings

POSTGRES_ONLY = "PostgreSQL only: run the suite with DATABASE_URL=postgres://…"


def require_postgres() -> dict:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip(POSTGRES_ONLY)
    return database


@contextmanager
def scratch_database(suffix: str) -> Iterator[str]:
    """A new, empty database; its URL while the block runs, dropped after."""
    import psycopg

    database = require_postgres()
    name = f"{database['NAME']}_{suffix}"
    host, port = database.get("HOST") or "127.0.0.1", database.get("PORT") or 5432
    user, password = database.get("USER") or "postgres", database.get("PASSWORD") or ""
    admin = psycopg.connect(
        host=host, port=port, user=user, password=password, dbname="postgres", autocommit=True
    )
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        credentials = f"{user}:{password}" if password else user
        yield f"postgres://{credentials}@{host}:{port}/{name}"
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()
