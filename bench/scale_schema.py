"""The empty, migrated schema every scale database starts from, and the product's commands.

`manage.py migrate` builds the schema (with the rollup's triggers counting
days of the run's zone). It takes seconds, and a run makes up to eight
databases, so it runs once per zone and set of migrations into a template
(a scale_schema_* PostgreSQL database, a schema-*.sqlite3 file) that each new
database is copied from: CREATE DATABASE … TEMPLATE, or a file copy.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
from psycopg import sql

from bench.scale_sizes import DATABASE_PREFIX

BASE_DIR = Path(__file__).resolve().parent.parent
TEMPLATE_PREFIX = f"{DATABASE_PREFIX}schema_"


def migrations_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(BASE_DIR.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(BASE_DIR)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _slug(zone: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", zone.lower().replace("+", "p").replace("-", "m"))


# ---------------------------------------------------------------- the product's commands


def product_env(url: str, zone: str) -> dict[str, str]:
    """The environment of a product process on `url` counting days of `zone`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BENCH_", "DJANGO_"))}
    return {
        **env,
        "DATABASE_URL": url,
        "TIME_ZONE": zone,
        "DJANGO_SETTINGS_MODULE": "workflow_project.settings",
    }


def manage(url: str, zone: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=product_env(url, zone),
        capture_output=True, text=True,
    )  # fmt: skip


def migrate(url: str, zone: str) -> None:
    done = manage(url, zone, "migrate", "--no-input", "-v0")
    if done.returncode:
        raise RuntimeError(f"migrate failed:\n{done.stdout}{done.stderr}")


# ---------------------------------------------------------------- PostgreSQL


def pg_url(server_url: str, name: str) -> str:
    """The URL of database `name` (a scale_ one) on the server of `server_url`."""
    if not name.startswith(DATABASE_PREFIX):
        raise ValueError(f"The scale tables use only databases named {DATABASE_PREFIX}*, not {name}.")
    return _on_server(server_url, name)


def _on_server(server_url: str, name: str) -> str:
    base, _, query = server_url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else "")


def maintenance(server_url: str) -> psycopg.Connection:
    """The server's own `postgres` database: only to create, drop and label scale_ databases."""
    return psycopg.connect(_on_server(server_url, "postgres"), autocommit=True)


def create_pg(server_url: str, name: str, zone: str) -> None:
    """(Re)create database `name` as a copy of the migrated schema for `zone`."""
    template = f"{TEMPLATE_PREFIX}{migrations_digest()}_{_slug(zone)}"
    with maintenance(server_url) as conn:
        present = {
            row[0]
            for row in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [TEMPLATE_PREFIX + "%"]
            )
        }
        if template not in present:
            for stale in present:  # templates of other migrations: never used again
                if not stale.startswith(f"{TEMPLATE_PREFIX}{migrations_digest()}_"):
                    conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(stale)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template)))
            try:
                migrate(pg_url(server_url, template), zone)
            except Exception:
                conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(template)))
                raise
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        )


# ---------------------------------------------------------------- SQLite


def create_sqlite(path: Path, zone: str) -> None:
    """(Re)create the file at `path` as a copy of the migrated schema for `zone`."""
    template = path.parent / f"schema-{migrations_digest()}-{_slug(zone)}.sqlite3"
    if not template.exists():
        for stale in path.parent.glob("schema-*.sqlite3"):
            stale.unlink()
        building = template.with_suffix(".building")
        building.unlink(missing_ok=True)
        migrate(f"sqlite:///{building}", zone)
        building.rename(template)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, path)
