"""A PostgreSQL database of its own for a served site, beside the test run's database, on the same server.

Named after the test run's database (test_<name>_<suffix>), so test runs of
other worktrees, which use other names, never touch it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings

from workflow_project.tests.served import BASE_DIR

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


def manage_shell(database_url: str, code: str) -> str:
    """Run `code` in `manage.py shell` against `database_url`; the last line it printed."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "workflow_project.settings"}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]  # after "N objects imported automatically"


def create_admin(database_url: str, password: str) -> str:
    """A superuser "admin" with `password` in a migrated database; its API token."""
    return manage_shell(
        database_url,
        "from django.contrib.auth.models import User; from rest_framework.authtoken.models import Token; "
        f"user = User.objects.create_superuser('admin', password={password!r}); "
        "print(Token.objects.create(user=user).key)",
    )
