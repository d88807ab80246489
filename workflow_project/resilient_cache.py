"""Django's cache in Redis that keeps the site up while Redis is unreachable.

Each call goes to the PRIMARY cache (django-redis, short socket timeouts, see
settings.CACHES) through a circuit breaker (pybreaker), one per process: the
first failure opens it, and for REDIS_RETRY_SECONDS every call goes straight
to the FALLBACK cache instead of waiting on Redis again. Then one call tries
Redis; if it answers the breaker closes and Redis is used again, with no
restart. An opening is logged once, so an outage writes one line per process
per interval, not one per request.

django-redis's own IGNORE_EXCEPTIONS turns every failure into a miss, which is
right for sessions but wrong for throttles (a throttle that reads no history
never refuses: sign-in would go unthrottled during the outage), and it tries
Redis again on every call. Hence this small layer over it, used by two
aliases: "default" falls back to a per-process memory cache, so throttles keep
counting; "sessions" falls back to no cache, so cached_db sessions are read
from the database, the one place all processes agree on.

With FORGET_UNWRITTEN, a key whose write could not reach Redis is deleted from
Redis when it answers again: Redis may come back with its old data (a network
cut rather than a restart), and an old copy of a session the database has
since changed or ended (a sign-out) must not be served. It tracks keys of the
default version, the only one cached_db sessions use.
"""

from __future__ import annotations

import logging
import threading
from typing import Any
from urllib.parse import urlsplit

import pybreaker
import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

logger = logging.getLogger(__name__)

# What an unreachable, restarting or overloaded Redis raises through django-redis.
REDIS_DOWN = (redis.exceptions.RedisError, OSError)
# Past this many unwritten keys, more are not tracked (and a warning says so).
MAX_UNWRITTEN = 10_000

_breakers: dict[tuple[str, str, float], pybreaker.CircuitBreaker] = {}
_breakers_lock = threading.Lock()
# Per process, not per cache object: Django makes one cache object per thread.
_unwritten: dict[str, set[str]] = {}
_unwritten_lock = threading.Lock()


class _LogOutages(pybreaker.CircuitBreakerListener):
    def __init__(self, where: str, retry_seconds: float) -> None:
        self.where, self.retry_seconds, self.last_error = where, retry_seconds, None

    def failure(self, cb: pybreaker.CircuitBreaker, exc: BaseException) -> None:
        self.last_error = exc

    def state_change(self, cb: pybreaker.CircuitBreaker, old_state, new_state) -> None:
        if new_state.name == pybreaker.STATE_OPEN:
            logger.warning(
                "Redis at %s is unreachable (%s: %s): the cache falls back for %g s, then tries again",
                self.where, type(self.last_error).__name__, self.last_error, self.retry_seconds,
            )  # fmt: skip
        elif new_state.name == pybreaker.STATE_CLOSED and old_state is not None:
            logger.warning("Redis at %s answers again: the cache uses it", self.where)


def breaker_for(alias: str) -> pybreaker.CircuitBreaker:
    """This process's breaker for the cache `alias` (a new one when the settings change)."""
    retry_seconds = float(getattr(settings, "REDIS_RETRY_SECONDS", 5))
    url = str(settings.CACHES[alias].get("LOCATION", ""))
    key = (alias, url, retry_seconds)
    with _breakers_lock:
        if key not in _breakers:
            location = urlsplit(url)
            # Host and port only: the URL may hold a password.
            where = f"{location.hostname}:{location.port or 6379}"
            _breakers[key] = pybreaker.CircuitBreaker(
                fail_max=1,
                reset_timeout=retry_seconds,
                exclude=[lambda error: not isinstance(error, REDIS_DOWN)],
                listeners=[_LogOutages(where, retry_seconds)],
                name=f"cache {alias}",
            )
        return _breakers[key]


class ResilientCache(BaseCache):
    """The PRIMARY cache alias while it answers, the FALLBACK alias while it does not."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self._primary_alias = options["PRIMARY"]
        self._fallback_alias = options["FALLBACK"]
        self._forget_unwritten = bool(options.get("FORGET_UNWRITTEN", False))

    def _call(self, method: str, *args: Any, written: tuple[str, ...] = (), **kwargs: Any) -> Any:
        breaker = breaker_for(self._primary_alias)
        primary = caches[self._primary_alias]
        try:
            if _unwritten.get(self._primary_alias):
                breaker.call(self._forget, primary)
            return breaker.call(getattr(primary, method), *args, **kwargs)
        except (pybreaker.CircuitBreakerError, *REDIS_DOWN):
            self._remember_unwritten(written)
        return getattr(caches[self._fallback_alias], method)(*args, **kwargs)

    def _remember_unwritten(self, keys: tuple[str, ...]) -> None:
        if not (self._forget_unwritten and keys):
            return
        with _unwritten_lock:
            unwritten = _unwritten.setdefault(self._primary_alias, set())
            if len(unwritten) + len(keys) > MAX_UNWRITTEN:
                logger.warning(
                    "Over %d keys could not be written to Redis; not all are tracked", MAX_UNWRITTEN
                )
                return
            unwritten.update(keys)

    def _forget(self, primary: BaseCache) -> None:
        with _unwritten_lock:
            keys = list(_unwritten.pop(self._primary_alias, ()))
        try:
            primary.delete_many(keys)
        except REDIS_DOWN:
            with _unwritten_lock:
                _unwritten.setdefault(self._primary_alias, set()).update(keys)
            raise

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", key, default, version=version)

    def get_many(self, keys, version: int | None = None) -> dict[str, Any]:
        return self._call("get_many", keys, version=version)

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._call("has_key", key, version=version)

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call("add", key, value, timeout, version=version, written=(key,))

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        return self._call("set", key, value, timeout, version=version, written=(key,))

    def set_many(self, data: dict, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list:
        return self._call("set_many", data, timeout, version=version, written=tuple(data))

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._call("touch", key, timeout, version=version, written=(key,))

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return self._call("incr", key, delta, version=version, written=(key,))

    def decr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return self._call("decr", key, delta, version=version, written=(key,))

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._call("delete", key, version=version, written=(key,))

    def delete_many(self, keys, version: int | None = None) -> None:
        return self._call("delete_many", keys, version=version, written=tuple(keys))

    def clear(self) -> None:
        caches[self._fallback_alias].clear()
        return self._call("clear")

    def close(self, **kwargs: Any) -> None:
        caches[self._primary_alias].close(**kwargs)
        caches[self._fallback_alias].close(**kwargs)
