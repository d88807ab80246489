"""Django's cache: Redis when REDIS_URL is set (shared by every process), else local memory."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from workflow_project.tests.conftest import settings_for

BASE_DIR = Path(__file__).resolve().parents[2]


def in_a_new_process(code: str, redis_url: str) -> str:
    env = {**os.environ, "REDIS_URL": redis_url, "DJANGO_SETTINGS_MODULE": "workflow_project.settings"}
    prelude = "import django; django.setup(); from django.core.cache import cache; "
    result = subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_without_redis_url_each_process_has_a_local_memory_cache(monkeypatch):
    settings = settings_for(monkeypatch, REDIS_URL="")
    assert settings["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert "SESSION_ENGINE" not in settings  # sessions stay in the database only


def test_with_redis_url_the_cache_and_sessions_use_redis_through_django_redis(monkeypatch):
    settings = settings_for(monkeypatch, REDIS_URL="redis://cache.internal:6379/0")
    caches = settings["CACHES"]
    assert caches["redis"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert caches["redis"]["LOCATION"] == "redis://cache.internal:6379/0"
    for alias in ("default", "sessions"):
        assert caches[alias]["BACKEND"] == "workflow_project.resilient_cache.ResilientCache"
        assert caches[alias]["OPTIONS"]["PRIMARY"] == "redis"
    assert settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
    assert settings["SESSION_CACHE_ALIAS"] == "sessions"


def test_redis_timeouts_and_the_retry_interval_come_from_the_environment(monkeypatch):
    settings = settings_for(
        monkeypatch, REDIS_URL="redis://cache.internal:6379/0", REDIS_TIMEOUT="0.2", REDIS_RETRY_SECONDS="3"
    )
    options = settings["CACHES"]["redis"]["OPTIONS"]
    assert (options["SOCKET_CONNECT_TIMEOUT"], options["SOCKET_TIMEOUT"]) == (0.2, 0.2)
    assert settings["REDIS_RETRY_SECONDS"] == 3


def test_with_redis_url_separate_processes_share_one_cache(redis_server):
    key = f"test-shared-{uuid.uuid4().hex}"
    in_a_new_process(f"cache.set({key!r}, 'written by the first process', 60)", redis_server.url)
    assert in_a_new_process(f"print(cache.get({key!r}))", redis_server.url) == "written by the first process"
