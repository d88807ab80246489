"""`make serve` with REDIS_URL while its Redis stops mid-run and starts again: every page stays up.

The Redis server is the test's own (redis_server.py); the site runs on
SQLite here, so this test runs in every suite.
"""

from __future__ import annotations

import time

from workflow_project.tests.served import SiteClient, create_admin, serve_environment, served

PASSWORD = "a-long-test-password-1"
RETRY_SECONDS = 1
PAGES = ["/", "/scripts/", "/executions/", "/admin/", "/admin/scripts_app/script/"]


def session_keys(redis_server) -> list[str]:
    return redis_server.keys("*django.contrib.sessions.cached_db*")


def test_a_served_site_keeps_working_while_redis_is_down_and_uses_it_again_when_back(tmp_path, redis_server):
    # One worker: each worker has its own breaker, and with two, the requests after
    # Redis is back could all go to the worker that never saw the outage, whose
    # breaker never opened and so never logs that Redis answers again.
    env = serve_environment(
        tmp_path, REDIS_URL=redis_server.url, REDIS_RETRY_SECONDS=str(RETRY_SECONDS), WEB_CONCURRENCY="1"
    )
    with served(env, tmp_path / "serve.log") as server:
        token = create_admin(env["DATABASE_URL"], PASSWORD)
        runner = SiteClient(server.base, Authorization=f"Token {token}")
        before = SiteClient(server.base)
        before.sign_in("admin", PASSWORD)
        assert len(session_keys(redis_server)) == 1

        redis_server.stop()
        during = SiteClient(server.base)
        during.sign_in("admin", PASSWORD)
        answers = [client.get(path)[0] for client in (before, during) for path in PAGES for _ in range(3)]
        answers += [runner.get("/api/dashboard/stats")[0] for _ in range(10)]
        assert answers == [200] * len(answers)
        unreachable = server.log_text().count("is unreachable")
        assert 1 <= unreachable < len(answers) // 2  # once per worker and retry interval, not per request

        redis_server.start()  # same port, no data
        time.sleep(RETRY_SECONDS + 0.5)  # the breakers try Redis again after their interval
        after = SiteClient(server.base)
        after.sign_in("admin", PASSWORD)
        # Each worker tries Redis again once its interval has passed; on a loaded machine
        # a first try can itself time out and wait one more interval, so keep asking a while.
        deadline = time.monotonic() + 10 * RETRY_SECONDS
        while True:
            for client in (before, during, after):
                assert client.get("/")[0] == 200
            back = len(session_keys(redis_server)) == 3 and "answers again" in server.log_text()
            if back or time.monotonic() > deadline:
                break
            time.sleep(RETRY_SECONDS / 2)
        assert len(session_keys(redis_server)) == 3  # read from the database, cached in Redis again
        assert "answers again" in server.log_text()
