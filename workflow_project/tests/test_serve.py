"""`make serve` runs gunicorn with whitenoise, DEBUG off, over real HTTP."""

from __future__ import annotations

import gzip
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PORTS = range(18100, 18200)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


def serve_environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in {"DEBUG", "DATABASE_URL"}}
    env |= {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "WEB_CONCURRENCY": "2",
        "DEBUG": "1",  # make serve turns it off whatever the environment says
    }
    return env | overrides


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def server(tmp_path):
    port = free_port()
    log = (tmp_path / "serve.log").open("w+")
    process = subprocess.Popen(
        ["make", "serve"],
        cwd=BASE_DIR,
        env=serve_environment(tmp_path, BIND=f"127.0.0.1:{port}"),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: make, gunicorn and workers
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"make serve exited with {process.returncode}:\n{log.read()}")
            try:
                get(base + "/admin/login/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("make serve did not answer within 120 s")
                time.sleep(0.2)
        yield base, log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_it_serves_static_files_compressed_with_caching_headers(server):
    base, _ = server
    status, headers, body = get(base + "/static/admin/css/base.css", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert headers["Content-Encoding"] == "gzip"
    assert "max-age" in headers["Cache-Control"]
    assert b"body" in gzip.decompress(body)


def test_it_serves_pages_with_debug_off(server):
    base, log = server
    status, _, body = get(base + "/admin/login/")
    assert (status, b'id="login-form"' in body) == (200, True)
    status, _, body = get(base + "/no-such-page/")
    assert status == 404
    assert b"URLconf" not in body  # the debug 404 page lists the URL patterns
    log.seek(0)
    assert "Booting worker" in log.read()


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
