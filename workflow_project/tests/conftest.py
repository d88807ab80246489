"""Fixtures for the project-level tests: a Redis server of the test's own, and the site's settings for it."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from workflow_project.tests.redis_server import RedisServer

SETTINGS_FILE = Path(__file__).resolve().parents[1] / "settings.py"


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


def settings_for(monkeypatch, **environ: str) -> dict:
    """workflow_project/settings.py as it reads with these environment variables."""
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.fixture
def with_redis(settings, monkeypatch, redis_server):
    """The site's own REDIS_URL settings (cache, sessions), pointed at the test's Redis server."""
    computed = settings_for(monkeypatch, REDIS_URL=redis_server.url)
    for name in ("CACHES", "SESSION_ENGINE", "SESSION_CACHE_ALIAS", "REDIS_RETRY_SECONDS"):
        setattr(settings, name, computed[name])
    return redis_server
