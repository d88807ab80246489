"""A real `make serve` (gunicorn, DEBUG off) for tests, ready only when it really is.

The readiness wait is honest about whose server answers: gunicorn binds port 0
(the kernel picks a free port, so no other server, test run or worktree can
hold it) and the port is read from gunicorn's own "Listening at" line. Then it
waits for every worker to say it loaded the application (gunicorn_conf's
post_worker_init), and only then for a 200 from /admin/login/.

Picking a "free" port first and binding it seconds later (after checks,
migrations and collectstatic) raced other servers started meanwhile: the
probe then got its answer from someone else's server.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

BASE_DIR = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+) ")
WORKER_READY = "Worker ready"
START_SECONDS = 180  # a loaded CI machine, two other test runs beside this one


class ServeFailed(RuntimeError):
    pass


def serve_environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    # The site's own settings module, not the caller's (make bench runs with
    # bench.settings); not DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests set.
    ignored = {"DEBUG", "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ignored and not name.startswith("BENCH_")
    }
    env |= {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "WEB_CONCURRENCY": "2",
        "BIND": "127.0.0.1:0",
        "DEBUG": "1",  # make serve turns it off whatever the environment says
    }
    return env | overrides


def get(url: str, timeout: float = 30, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@dataclass
class Served:
    base: str
    log: IO[str]
    process: subprocess.Popen

    def log_text(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text()


@contextmanager
def served(env: dict[str, str], log_path: Path) -> Iterator[Served]:
    """`make serve` with `env`; stopped (its whole process group) on exit."""
    workers = int(env.get("WEB_CONCURRENCY", "2"))
    log = log_path.open("w+")
    process = subprocess.Popen(
        ["make", "serve"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: make, gunicorn and workers
    )
    try:
        site = Served(_wait_until_ready(process, log_path, workers), log, process)
        yield site
    finally:
        stop(process)
        log.close()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_until_ready(process: subprocess.Popen, log_path: Path, workers: int) -> str:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        text = log_path.read_text()
        if process.poll() is not None:
            raise ServeFailed(f"make serve exited with {process.returncode}:\n{text}")
        listening = LISTENING.search(text)
        if listening and text.count(WORKER_READY) >= workers:
            base = f"http://127.0.0.1:{listening.group(1)}"
            status, _, _ = get(base + "/admin/login/")
            if status != 200:
                raise ServeFailed(f"make serve answered {status} to /admin/login/:\n{log_path.read_text()}")
            return base
        time.sleep(0.1)
    raise ServeFailed(f"make serve was not ready within {START_SECONDS} s:\n{log_path.read_text()}")


def manage_shell(database_url: str, code: str) -> str:
    """Run `code` in `manage.py shell` against `database_url`; the last line it printed."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "workflow_project.settings"}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]  # after "N objects imported automatically"


def create_admin(database_url: str, password: str) -> str:
    """A superuser "admin" with `password` in a migrated database; its API token."""
    return manage_shell(
        database_url,
        "from django.contrib.auth.models import User; from rest_framework.authtoken.models import Token; "
        f"user = User.objects.create_superuser('admin', password={password!r}); "
        "print(Token.objects.create(user=user).key)",
    )


class SiteClient:
    """A client of a served site that keeps its cookies, as a browser does (redirects are not followed)."""

    def __init__(self, base: str, **headers: str) -> None:
        import http.cookiejar

        self.base, self.headers = base, headers
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )

    def get(self, path: str, **headers: str) -> tuple[int, dict[str, str], str]:
        return self._send(urllib.request.Request(self.base + path, headers={**self.headers, **headers}))

    def post(self, path: str, form: dict[str, str], **headers: str) -> tuple[int, dict[str, str], str]:
        import urllib.parse

        token = next((cookie.value for cookie in self.cookies if cookie.name == "csrftoken"), "")
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **form}).encode()
        return self._send(
            urllib.request.Request(self.base + path, data=data, headers={**self.headers, **headers})
        )

    def post_json(self, path: str, data: dict) -> tuple[int, dict[str, str], str]:
        headers = {**self.headers, "Content-Type": "application/json"}
        return self._send(
            urllib.request.Request(self.base + path, data=json.dumps(data).encode(), headers=headers)
        )

    def sign_in(self, username: str, password: str) -> None:
        self.get("/accounts/login/")  # the CSRF cookie
        status, headers, body = self.post("/accounts/login/", {"username": username, "password": password})
        assert status == 302, (status, body[:500])

    def _send(self, request: urllib.request.Request) -> tuple[int, dict[str, str], str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
