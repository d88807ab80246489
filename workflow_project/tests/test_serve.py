"""`make serve` runs gunicorn with whitenoise, DEBUG off, over real HTTP."""

from __future__ import annotations

import gzip
import subprocess

import pytest

from workflow_project.tests.served import BASE_DIR, get, serve_environment, served


@pytest.fixture
def server(tmp_path):
    with served(serve_environment(tmp_path), tmp_path / "serve.log") as site:
        yield site


def test_it_serves_static_files_compressed_with_caching_headers(server):
    base = server.base
    status, headers, body = get(base + "/static/admin/css/base.css", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert headers["Content-Encoding"] == "gzip"
    assert "max-age" in headers["Cache-Control"]
    assert b"body" in gzip.decompress(body)


def test_it_serves_pages_with_debug_off(server):
    base = server.base
    status, _, body = get(base + "/admin/login/")
    assert (status, b'id="login-form"' in body) == (200, True)
    status, _, body = get(base + "/no-such-page/")
    assert status == 404
    assert b"URLconf" not in body  # the debug 404 page lists the URL patterns
    assert "Booting worker" in server.log_text()


def test_it_refuses_to_start_without_secret_key_and_allowed_hosts(tmp_path):
    env = serve_environment(tmp_path, SECRET_KEY="", ALLOWED_HOSTS="")
    result = subprocess.run(
        ["make", "serve"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "refusing to start: SECRET_KEY and ALLOWED_HOSTS not set" in result.stderr
    assert not (tmp_path / "serve.sqlite3").exists()  # it stopped before touching anything


def test_it_refuses_to_start_without_allowed_hosts(tmp_path):
    env = serve_environment(tmp_path, ALLOWED_HOSTS=" ")
    result = subprocess.run(
        ["make", "serve"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "refusing to start: ALLOWED_HOSTS not set" in result.stderr
