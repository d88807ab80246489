"""With REDIS_URL set and Redis stopped, paused or back again, the site keeps working from the database.

Against a real redis-server of the test's own (never the shared one), with
the site's own settings for REDIS_URL (workflow_project/settings.py).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import user_with

ATTEMPTS_ALLOWED = 10  # the default LOGIN/AUTH_THROTTLE_RATE: 10/minute
OUTAGE_LOGGER = "workflow_project.resilient_cache"


@pytest.fixture
def alice(db):
    return user_with("alice")  # password "pw-alice"


def signed_in(username: str = "alice") -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": f"pw-{username}"})
    assert response.status_code == 302, response.content
    return client


def after_the_retry_interval():
    """The clock moved past REDIS_RETRY_SECONDS, when the cache tries Redis again."""
    return time_machine.travel(timezone.now() + timedelta(seconds=settings.REDIS_RETRY_SECONDS + 1))


def outage_lines(caplog) -> list[str]:
    messages = [record.getMessage() for record in caplog.records if record.name == OUTAGE_LOGGER]
    return [message for message in messages if "unreachable" in message]


def session_keys(redis_server) -> list[str]:
    return redis_server.keys("*django.contrib.sessions.cached_db*")


def test_with_redis_up_sessions_and_throttles_are_kept_in_redis(with_redis, alice):
    signed_in()
    Client().post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert len(session_keys(with_redis)) == 1
    assert with_redis.keys("*throttle_login*")


def test_pages_the_api_sign_in_and_the_admin_work_while_redis_is_stopped(with_redis, alice, admin_user, api):
    with_redis.stop()
    client = signed_in()
    for path in ["/", "/scripts/", "/executions/", "/api/dashboard/stats", "/api/scripts/"]:
        assert client.get(path).status_code == 200, path
    assert api.get("/api/executions/").status_code == 200
    token = APIClient().post("/api/auth/token/", {"username": "alice", "password": "pw-alice"}, format="json")
    assert token.status_code == 200
    admin = Client()
    assert admin.post("/admin/login/", {"username": "admin", "password": "password"}).status_code == 302
    assert admin.get("/admin/").status_code == 200
    assert admin.get("/admin/scripts_app/script/").status_code == 200


def test_a_user_signed_in_before_redis_stopped_stays_signed_in(with_redis, alice):
    client = signed_in()
    assert session_keys(with_redis)
    with_redis.stop()
    assert client.get("/").status_code == 200  # the session is read from the database
    assert client.get("/api/dashboard/stats").status_code == 200


def test_sign_in_stays_throttled_while_redis_is_stopped(with_redis, alice):
    with_redis.stop()
    client = Client()
    for _ in range(ATTEMPTS_ALLOWED):
        assert client.post("/accounts/login/", {"username": "alice", "password": "wrong"}).status_code == 200
    assert client.post("/accounts/login/", {"username": "alice", "password": "pw-alice"}).status_code == 429
    assert Client().post("/admin/login/", {"username": "alice", "password": "pw-alice"}).status_code == 429


def test_the_token_endpoint_stays_throttled_while_redis_is_stopped(with_redis, alice):
    with_redis.stop()
    wrong = {"username": "alice", "password": "wrong"}
    client = APIClient()
    answers = [client.post("/api/auth/token/", wrong, format="json").status_code for _ in range(11)]
    assert answers == [400] * ATTEMPTS_ALLOWED + [429]  # 11 tries


def test_an_outage_is_logged_once_per_retry_interval_not_per_request(with_redis, alice, caplog):
    caplog.set_level(logging.INFO, logger=OUTAGE_LOGGER)
    client = signed_in()
    with_redis.stop()
    for _ in range(20):
        assert client.get("/").status_code == 200
    assert len(outage_lines(caplog)) == 1
    with after_the_retry_interval():
        for _ in range(20):
            assert client.get("/").status_code == 200
    assert len(outage_lines(caplog)) == 2  # one try after the interval, failed, logged once


def test_redis_is_used_again_when_it_comes_back_without_a_restart(with_redis, alice, caplog):
    caplog.set_level(logging.INFO, logger=OUTAGE_LOGGER)
    with_redis.stop()
    signed_in()  # served from the database
    with_redis.start()
    assert session_keys(with_redis) == []
    with after_the_retry_interval():
        client = signed_in()
        assert client.get("/").status_code == 200
    assert len(session_keys(with_redis)) == 1
    assert any("answers again" in record.getMessage() for record in caplog.records)


def connections_received(redis_server) -> int:
    return int(redis_server.command("INFO", "stats")["total_connections_received"])


def test_a_hung_redis_is_waited_for_once_then_left_alone_until_the_retry(with_redis, alice):
    client = signed_in()
    before = connections_received(with_redis)
    with_redis.pause()  # accepts connections, answers nothing
    try:
        for _ in range(10):
            assert client.get("/").status_code == 200
    finally:
        with_redis.resume()
    # The first call timed out on the pooled connection; the breaker then kept
    # every later call away (each would have opened a new connection).
    assert connections_received(with_redis) - before <= 2


def test_a_sign_out_while_redis_is_unreachable_stays_signed_out_when_redis_returns_with_its_data(
    with_redis, alice
):
    client = signed_in()
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    with_redis.pause()
    try:
        assert client.post("/accounts/logout/").status_code == 302
    finally:
        with_redis.resume()
    assert session_keys(with_redis), "Redis kept its old copy of the session"
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    with after_the_retry_interval():
        response = replay.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert session_keys(with_redis) == []
