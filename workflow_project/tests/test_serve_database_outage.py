"""`make serve` on PostgreSQL cut off mid-run: 503 pages and API answers, then everything back, no restart.

The server reaches the shared PostgreSQL through a proxy the test cuts and
restores (tcp_proxy.py); the database itself keeps running. Workers keep
their connections (CONN_MAX_AGE), so recovery relies on Django's connection
health checks, as in production.
"""

from __future__ import annotations

import json

import pytest

from workflow_project.tests.served import SiteClient, create_admin, serve_environment, served
from workflow_project.tests.served_postgres import scratch_database
from workflow_project.tests.tcp_proxy import TcpProxy

PASSWORD = "a-long-test-password-1"
PAGES = [
    "/",
    "/scripts/",
    "/executions/",
    "/counters/today_executions/",
    "/admin/",
    "/admin/scripts_app/script/",
]


@pytest.fixture
def site(tmp_path):
    with scratch_database("served") as database_url, TcpProxy.for_url(database_url) as proxy:
        env = serve_environment(
            tmp_path, DATABASE_URL=proxy.url_through(database_url), CONN_MAX_AGE="60", WEB_CONCURRENCY="2"
        )
        with served(env, tmp_path / "serve.log") as server:
            token = create_admin(database_url, PASSWORD)
            yield server, proxy, token


def signed_in(base: str, **headers: str) -> SiteClient:
    client = SiteClient(base, **headers)
    client.sign_in("admin", PASSWORD)
    return client


def api(base: str, token: str) -> SiteClient:
    return SiteClient(base, Authorization=f"Token {token}", Accept="application/json")


def test_pages_and_the_api_answer_503_while_the_database_is_cut_off_and_recover_after(site):
    server, proxy, token = site
    browser, runner = signed_in(server.base), api(server.base, token)
    korean = signed_in(server.base, **{"Accept-Language": "ko"})
    script = json.loads(runner.post_json("/api/scripts/", {"name": "nightly"})[2])

    proxy.cut()
    for path in PAGES:
        status, headers, body = browser.get(path)
        assert (status, headers.get("Retry-After")) == (503, "5"), path
        assert "data-unavailable" in body and "Traceback" not in body, path
    status, _, body = korean.get("/")
    assert status == 503 and "일시적으로 사용할 수 없습니다" in body
    status, headers, body = runner.get("/api/dashboard/stats")
    assert (status, headers.get("Retry-After")) == (503, "5")
    assert json.loads(body)["success"] is False
    status, _, body = runner.post_json("/api/executions/", {"script": script["id"], "status": "running"})
    assert status == 503

    proxy.restore()
    for _ in range(3):  # every worker, each with a connection the cut broke
        for path in PAGES:
            assert browser.get(path)[0] == 200, path
        assert runner.get("/api/dashboard/stats")[0] == 200
    status, _, body = runner.post_json("/api/executions/", {"script": script["id"], "status": "running"})
    assert status == 201
    status, _, body = runner.get("/api/dashboard/stats?use_cache=false")
    assert json.loads(body)["data"]["today_executions"] == 1  # the write during the cut was not stored


def test_a_database_blip_while_the_site_is_idle_costs_no_request(site):
    """Connections kept by idle workers break in the cut; each is checked before its next use."""
    server, proxy, _token = site
    browser = signed_in(server.base)
    for _ in range(5):
        for path in PAGES:
            assert browser.get(path)[0] == 200, path
    proxy.cut()
    proxy.restore()
    answers = [browser.get(path)[0] for _ in range(5) for path in PAGES]
    assert answers == [200] * len(answers)
