"""Serve the bench settings with gunicorn and drive HTTP load at it on loopback.

The load tool is wrk when installed (`make bench` installs it as root), else a
small Python driver; the table says which one ran. Rows that need what each
answer said, or the time of each request, send plain requests (request()).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PORT_RANGE = range(18300, 18400)


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    errors: int  # non-2xx answers and socket errors

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def load_tool() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def free_port() -> int:
    """The first free port of the range (BENCH_PORT: from that one on)."""
    first = int(os.environ.get("BENCH_PORT") or PORT_RANGE.start)
    for port in range(first, first + len(PORT_RANGE)):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {first}-{first + len(PORT_RANGE) - 1}; set BENCH_PORT.")


class Server:
    """One gunicorn master with one sync worker: the worker is the process we measure.

    Several may run at once (one per database, or upkeep on and off): each
    takes its port when it starts, so start them one after the other.
    """

    def __init__(
        self, *, env: dict[str, str], log_path: Path, app: str = "workflow_project.wsgi:application",
        workers: int = 1,
    ):  # fmt: skip
        self.env = env
        self.log_path = log_path
        self.app = app
        self.workers = workers
        self.port = 0
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.port = free_port()
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            [str(gunicorn), self.app, "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--worker-class", "sync", "--timeout", "120",
             "--error-logfile", "-"],
            cwd=BASE_DIR, env={**self.env, "DJANGO_SETTINGS_MODULE": "bench.settings"},
            stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                if self.worker_pid():
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start in 30 s; see {self.log_path}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def worker_pid(self) -> int | None:
        assert self.process
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = children.read_text().split() if children.exists() else []
        return int(pids[0]) if pids else None

    def worker_peak_rss_kib(self) -> int | None:
        pid = self.worker_pid()
        status = Path(f"/proc/{pid}/status")
        if not pid or not status.exists():
            return None
        match = re.search(r"^VmHWM:\s+(\d+) kB", status.read_text(), re.MULTILINE)
        return int(match.group(1)) if match else None

    def get(self, path: str, token: str) -> tuple[int, bytes]:
        status, _, body = request(self.port, path, headers=token_header(token))
        return status, body


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float  # from connecting to the last byte of the body


def token_header(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


def request(
    port: int,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> tuple[int, dict[str, str], bytes]:
    answer = timed_request(port, path, method=method, headers=headers, body=body)
    return answer.status, answer.headers, answer.body


def timed_request(
    port: int,
    path: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Answer:
    """One request on a new connection (gunicorn's sync workers close each one), timed
    as a client sees it: connect, send, and read the whole answer."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        content = response.read()
        return Answer(response.status, dict(response.getheaders()), content, time.perf_counter() - start)
    finally:
        conn.close()


def drive(port: int, path: str, headers: dict[str, str], *, seconds: int, connections: int = 2) -> LoadResult:
    """Requests back to back from `connections` clients for `seconds`; answers other
    than 2xx and 3xx (a 304 is an answer) and socket errors count as errors."""
    if load_tool() == "wrk":
        return _wrk(port, path, headers, seconds=seconds, connections=connections)
    return _python_driver(port, path, headers, seconds=seconds, connections=connections)


def _wrk(port: int, path: str, headers: dict[str, str], *, seconds: int, connections: int) -> LoadResult:
    header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", *header_args, f"http://127.0.0.1:{port}{path}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    done = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", output)
    if not done:
        raise RuntimeError(f"Unexpected wrk output:\n{output}")
    scale = {"ms": 0.001, "s": 1, "m": 60}[done.group(3)]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    errors += sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    return LoadResult(requests=int(done.group(1)), seconds=float(done.group(2)) * scale, errors=errors)


def _python_driver(
    port: int, path: str, headers: dict[str, str], *, seconds: int, connections: int
) -> LoadResult:
    counts = {"requests": 0, "errors": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < deadline:
            try:
                ok = request(port, path, headers=headers)[0] < 400
            except OSError:
                ok = False
            with lock:
                counts["requests"] += 1
                counts["errors"] += 0 if ok else 1

    start = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(requests=counts["requests"], seconds=time.monotonic() - start, errors=counts["errors"])
