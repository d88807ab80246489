"""The product's settings, pointed at a benchmark database, plus a floor endpoint.

The database comes from BENCH_DB (a database URL, set by bench.run), else a
SQLite file under var/bench/. Never the development database.
"""

from __future__ import annotations

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from workflow_project.settings import *  # noqa: F403
from workflow_project.settings import BASE_DIR, SQLITE_OPTIONS

DEFAULT_BENCH_SQLITE = BASE_DIR / "var" / "bench" / "bench.sqlite3"

DEBUG = False  # DEBUG keeps every query in memory and slows each one down
ROOT_URLCONF = "bench.urls"

_url = os.environ.get("BENCH_DB") or f"sqlite:///{DEFAULT_BENCH_SQLITE}"
# Persistent connections, as a production server keeps them: the floor then
# pays no connect either, which makes the read-floor ratio the harder one.
DATABASES = {"default": dj_database_url.parse(_url, conn_max_age=600)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _name = os.path.realpath(DATABASES["default"]["NAME"])
    if _name == os.path.realpath(BASE_DIR / "db.sqlite3"):
        raise ImproperlyConfigured("The benchmark may not run on the development database db.sqlite3.")
    os.makedirs(os.path.dirname(_name), exist_ok=True)
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)

# A second, small table for the scaling row (bench.routing.using_database).
if os.environ.get("BENCH_SMALL_DB"):
    DATABASES["small"] = dj_database_url.parse(os.environ["BENCH_SMALL_DB"], conn_max_age=600)
    if DATABASES["small"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["small"]["OPTIONS"] = dict(SQLITE_OPTIONS)
DATABASE_ROUTERS = ["bench.routing.ChosenDatabaseRouter"]
