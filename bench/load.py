"""Serve the bench settings with gunicorn and drive HTTP load at it on loopback.

The load tool is wrk when installed (`make bench` installs it as root), else a
small Python driver; the table says which one ran.
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
    if os.environ.get("BENCH_PORT"):
        return int(os.environ["BENCH_PORT"])
    for port in PORT_RANGE:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {PORT_RANGE.start}-{PORT_RANGE.stop - 1}; set BENCH_PORT.")


class Server:
    """One gunicorn master with one sync worker: the worker is the process we measure."""

    def __init__(self, *, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            [str(gunicorn), "workflow_project.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", "1", "--worker-class", "sync", "--timeout", "120", "--error-logfile", "-"],
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
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", path, headers={"Authorization": f"Token {token}"})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


def drive(server: Server, path: str, token: str, *, seconds: int, connections: int = 2) -> LoadResult:
    if load_tool() == "wrk":
        return _wrk(server.port, path, token, seconds=seconds, connections=connections)
    return _python_driver(server, path, token, seconds=seconds, connections=connections)


def _wrk(port: int, path: str, token: str, *, seconds: int, connections: int) -> LoadResult:
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-H", f"Authorization: Token {token}",
         f"http://127.0.0.1:{port}{path}"],
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


def _python_driver(server: Server, path: str, token: str, *, seconds: int, connections: int) -> LoadResult:
    counts = {"requests": 0, "errors": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < deadline:
            try:
                status, _ = server.get(path, token)
                ok = 200 <= status < 300
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
