"""With the database really unreachable, pages and the API answer 503 with Retry-After, never a 500.

A real server process is started with DATABASE_URL pointing at a database
that cannot be opened (an SQLite file in a missing folder; PostgreSQL on a
port where nothing listens). Signing in needs the database too (the token
and the session live in it), so that step must fail cleanly as well. Pages
answer the site's own 503 page, in the browser's language.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from django.conf import settings

SERVE = """
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server
from django.core.wsgi import get_wsgi_application

class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass

server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Quiet)
print(server.server_port, flush=True)
server.serve_forever()
"""
UNREACHABLE = {
    "sqlite": "sqlite:////nonexistent-folder-for-tests/db.sqlite3",
    "postgresql": "postgres://postgres@127.0.0.1:1/wf_rel",
}


@pytest.fixture(params=list(UNREACHABLE), scope="module")
def server(request) -> Iterator[str]:
    if request.param == "postgresql":
        pytest.importorskip("psycopg", reason="PostgreSQL driver not installed")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workflow_project.settings",
        "DATABASE_URL": UNREACHABLE[request.param],
        "DEBUG": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        port = process.stdout.readline().strip()
        assert port.isdigit(), "the server did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


CREDENTIALS = {
    "a token": {"Authorization": "Token only-the-database-could-tell-this-is-not-a-key"},
    "a session": {"Cookie": "sessionid=abcdefghijklmnopqrstuvwxyz012345"},
}


@pytest.mark.parametrize("query", ["", "?use_cache=false"])
@pytest.mark.parametrize("credentials", list(CREDENTIALS))
def test_the_stats_endpoint_answers_503_in_the_envelope(server, credentials, query):
    status, headers, body = fetch(f"{server}/api/dashboard/stats{query}", **CREDENTIALS[credentials])
    assert status == 503
    assert headers["Retry-After"] == "5"
    envelope = json.loads(body)
    assert envelope["success"] is False
    assert envelope["message"] == "The database is unavailable; try again shortly."
    assert envelope["errors"]
    assert "Traceback" not in body and "OperationalError" not in body


@pytest.mark.parametrize("path", ["/api/scripts/", "/api/executions/?status=error"])
def test_the_other_api_endpoints_answer_503_too(server, path):
    status, _headers, body = fetch(f"{server}{path}", **CREDENTIALS["a token"])
    assert status == 503
    assert json.loads(body) == {"detail": "The database is unavailable; try again shortly."}


def test_anonymous_requests_are_still_refused_without_the_database(server):
    status, _headers, body = fetch(f"{server}/api/dashboard/stats")
    assert status == 401
    assert json.loads(body)["success"] is False


PAGES = [
    "/",
    "/scripts/",
    "/executions/?status=error",
    "/counters/total_scripts/",
    "/admin/",
    "/admin/scripts_app/script/",
]


@pytest.mark.parametrize("path", PAGES)
def test_a_page_that_needs_the_database_answers_the_sites_503_page(server, path):
    status, headers, body = fetch(f"{server}{path}", **CREDENTIALS["a session"])
    assert status == 503
    assert headers["Retry-After"] == "5"
    assert headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "data-unavailable" in body
    assert "<h1>Temporarily unavailable</h1>" in body and 'class="brand">Workflow dashboard' in body
    assert "Traceback" not in body and "OperationalError" not in body


def test_the_503_page_speaks_the_browsers_language(server):
    status, _headers, body = fetch(f"{server}/", **CREDENTIALS["a session"], **{"Accept-Language": "ko"})
    assert status == 503
    assert '<html lang="ko">' in body
    assert "<h1>일시적으로 사용할 수 없습니다</h1>" in body


def test_signing_in_without_the_database_answers_503(server):
    status, headers, form = fetch(f"{server}/accounts/login/")
    assert status == 200  # the empty form needs no database
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    cookie = headers["Set-Cookie"].split(";")[0]
    request = urllib.request.Request(
        f"{server}/accounts/login/",
        data=f"csrfmiddlewaretoken={token}&username=alice&password=pw-alice".encode(),
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=30)
    assert answer.value.code == 503
    assert answer.value.headers["Retry-After"] == "5"
    assert "data-unavailable" in answer.value.read().decode()
