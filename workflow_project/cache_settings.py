"""The CACHES setting with Redis: django-redis behind the resilient aliases that decide what an
outage of Redis means for throttles and sessions (workflow_project/resilient_cache.py).
"""

from __future__ import annotations

from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry


def redis_caches(url: str, timeout: float) -> dict:
    """Django's caches for a Redis server at `url`; each call gives up after `timeout` seconds."""
    return {
        # django-redis, failing fast: a call answers within timeout or
        # raises. The aliases below decide what happens then
        # (workflow_project/resilient_cache.py).
        "redis": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "workflow",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": timeout,
                "SOCKET_TIMEOUT": timeout,
                # One immediate reconnect: a pooled connection that a restarted
                # Redis closed is not an outage.
                "CONNECTION_POOL_KWARGS": {
                    "retry": Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,))
                },
            },
        },
        # Throttles: while Redis is unreachable they count in each process, so
        # sign-in stays throttled (per process) instead of not at all.
        "default": {
            "BACKEND": "workflow_project.resilient_cache.ResilientCache",
            "OPTIONS": {"PRIMARY": "redis", "FALLBACK": "local"},
        },
        # Sessions: while Redis is unreachable they are read from the database
        # only, never from a per-process copy that a sign-out elsewhere misses.
        "sessions": {
            "BACKEND": "workflow_project.resilient_cache.ResilientCache",
            "OPTIONS": {"PRIMARY": "redis", "FALLBACK": "none", "FORGET_UNWRITTEN": True},
        },
        "local": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
        "none": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
