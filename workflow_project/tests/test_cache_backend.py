"""Django's cache: Redis when REDIS_URL is set (shared by every process), else local memory."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SETTINGS_FILE = BASE_DIR / "workflow_project" / "settings.py"
# The Redis database the tests may use (not the one production uses).
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/1")


def settings_with(monkeypatch, **environ: str) -> dict:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def in_a_new_process(code: str) -> str:
    env = {**os.environ, "REDIS_URL": TEST_REDIS_URL, "DJANGO_SETTINGS_MODULE": "workflow_project.settings"}
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
    settings = settings_with(monkeypatch, REDIS_URL="")
    assert settings["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert "SESSION_ENGINE" not in settings  # sessions stay in the database only


def test_with_redis_url_the_cache_and_sessions_use_redis(monkeypatch):
    settings = settings_with(monkeypatch, REDIS_URL="redis://cache.internal:6379/0")
    assert settings["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/0"
    assert settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


@pytest.mark.skipif(not redis_reachable(TEST_REDIS_URL), reason=f"no Redis at {TEST_REDIS_URL}")
def test_with_redis_url_separate_processes_share_one_cache():
    key = f"test-shared-{uuid.uuid4().hex}"
    in_a_new_process(f"cache.set({key!r}, 'written by the first process', 60)")
    try:
        assert in_a_new_process(f"print(cache.get({key!r}))") == "written by the first process"
    finally:
        in_a_new_process(f"cache.delete({key!r})")
