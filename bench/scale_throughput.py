"""The throughput row: the product served as `make serve` serves it, PostgreSQL ÷ SQLite.

Two servers run at once, one on a PostgreSQL database and one on a SQLite
file, each gunicorn with workflow_project/gunicorn_conf.py, the product's own
settings (workflow_project.settings, DEBUG off, no Redis) and
WEB_CONCURRENCY workers, as `make serve` starts it after its checks. Both
databases hold the same scripts and history (kept between runs like the others).
In each round, which side goes first alternating, each side is loaded in turn
by the same clients on loopback:
- runs recorded per second: runners POST a `running` execution then PATCH it
  to `success`, with a token (wrk and bench/scale_runs.lua; else threads);
- cached reads per second: GET /api/dashboard/stats with a token.
The ratio of a measure is the median over rounds of PostgreSQL ÷ SQLite. It is
done with CONN_MAX_AGE=0 (a connection per request), then with the production
default CONN_MAX_AGE=60, whose ratios are the row's verdict. Beside them, the CPU
each run and each read cost the web server's processes and the PostgreSQL server's
(bench.process_cpu), summed over the rounds: on a host whose cores the clients, the
web server and the database share, that is what the rates divide.

gunicorn's sync workers close each connection after its answer, so the
clients' keep-alive is offered and refused: every request connects anew.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, closing
from pathlib import Path

import psycopg

from bench import process_cpu, scale_schema, scale_seed
from bench.load import drive, free_port, load_tool, request, token_header
from bench.scale_sizes import ScaleSizes, throughput_name
from bench.timing import paired_ratio

BASE_DIR = Path(__file__).resolve().parent.parent
RUNS_SCRIPT = Path(__file__).with_name("scale_runs.lua")
CONN_MAX_AGES = (0, 60)


class ProductionServer:
    """gunicorn as `make serve` runs it (its config file, the product's settings)."""

    def __init__(self, *, url: str, zone: str, conn_max_age: int, workers: int, log_path: Path):
        self.env = {
            **scale_schema.product_env(url, zone),
            "CONN_MAX_AGE": str(conn_max_age),
            "WEB_CONCURRENCY": str(workers),
            "SECRET_KEY": "bench-scale-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "0",
        }
        self.env.pop("REDIS_URL", None)
        self.workers, self.log_path, self.port = workers, log_path, 0

    def __enter__(self) -> ProductionServer:
        self.port = free_port()
        self.env["BIND"] = f"127.0.0.1:{self.port}"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            [str(gunicorn), "--config", str(BASE_DIR / "workflow_project" / "gunicorn_conf.py"),
             "workflow_project.wsgi"],
            cwd=BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            if self.log_path.read_text().count("Worker ready") >= self.workers:
                return self
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn's workers did not start in 60 s; see {self.log_path}")

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def runs_per_second(
    port: int, token: str, scripts: tuple[int, int], *, seconds: int, clients: int
) -> tuple[float, int]:
    """(runs recorded per second, failed answers) with `clients` runners for `seconds`."""
    first, count = scripts
    if load_tool() == "wrk":
        env = {
            **os.environ,
            "SCALE_TOKEN": token,
            "SCALE_FIRST_SCRIPT": str(first),
            "SCALE_SCRIPTS": str(count),
        }
        output = subprocess.run(
            ["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "-s", str(RUNS_SCRIPT), f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True, env=env,
        ).stdout  # fmt: skip
        done = re.search(r"requests in ([\d.]+)(ms|s|m)", output)
        counted = re.search(r"SCALE recorded=(\d+) failed=(\d+)", output)
        if not done or not counted:
            raise RuntimeError(f"Unexpected wrk output:\n{output}")
        elapsed = float(done.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[done.group(2)]
        return int(counted.group(1)) / elapsed, int(counted.group(2))
    return _threaded_runs(port, token, scripts, seconds=seconds, clients=clients)


def _record_run(port: int, headers: dict[str, str], script_id: int) -> None:
    """POST a running execution, then PATCH it to success (bench.api_writes.record_run's
    requests, without Django in this process)."""
    body = json.dumps({"script": script_id, "status": "running"}).encode()
    status, _, answer = request(port, "/api/executions/", method="POST", headers=headers, body=body)
    if status != 201:
        raise RuntimeError(f"POST /api/executions/ answered {status}")
    path = f"/api/executions/{json.loads(answer)['id']}/"
    status, _, _ = request(port, path, method="PATCH", headers=headers, body=b'{"status": "success"}')
    if status != 200:
        raise RuntimeError(f"PATCH {path} answered {status}")


def _threaded_runs(port: int, token: str, scripts: tuple[int, int], *, seconds: int, clients: int):
    headers = {**token_header(token), "Content-Type": "application/json"}
    counts = {"recorded": 0, "failed": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def runner(offset: int) -> None:
        number = offset
        while time.monotonic() < deadline:
            try:
                _record_run(port, headers, scripts[0] + number % scripts[1])
                key = "recorded"
            except Exception:  # counted: a failed write is not a timing
                key = "failed"
            with lock:
                counts[key] += 1
            number += clients

    started = time.monotonic()
    threads = [threading.Thread(target=runner, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts["recorded"] / (time.monotonic() - started), counts["failed"]


def _scripts_and_token(url: str, zone: str) -> tuple[tuple[int, int], str]:
    made = scale_schema.manage(
        url, zone, "shell", "-c", "from bench.dataset import bench_token; print(bench_token())"
    )
    if made.returncode:
        raise RuntimeError(f"no token:\n{made.stderr}")
    query = "SELECT min(id), count(*) FROM scripts"
    if url.startswith("sqlite"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as conn:
            first, count = conn.execute(query).fetchone()
    else:
        with psycopg.connect(url) as conn:
            first, count = conn.execute(query).fetchone()
    return (first, count), made.stdout.strip().splitlines()[-1]


def connect_ms(url: str, *, times: int = 30) -> float:
    """The median time to open and close one connection (what CONN_MAX_AGE=0 pays per request,
    before Django's own setup of the connection)."""
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        if url.startswith("sqlite"):
            conn = sqlite3.connect(url.removeprefix("sqlite:///"))
            conn.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")  # its init_command
        else:
            conn = psycopg.connect(url)
        conn.close()
        spent.append(time.perf_counter() - started)
    return sorted(spent)[len(spent) // 2] * 1000


class CpuMeter:
    """The CPU a measure cost the web server (gunicorn and its workers) and the PostgreSQL
    server (every `postgres` process; the SQLite side's load moves it by nearly nothing)."""

    def __init__(self, web_pid: int) -> None:
        self.web_pid = web_pid
        self.web, self.database = process_cpu.tree_seconds(web_pid), process_cpu.named_seconds("postgres")

    def add_to(self, total: dict[str, float], *, done: float) -> None:
        total["web"] += process_cpu.tree_seconds(self.web_pid) - self.web
        total["database"] += process_cpu.named_seconds("postgres") - self.database
        total["done"] += done


def _no_cpu() -> dict[str, dict[str, float]]:
    return {measure: {"web": 0.0, "database": 0.0, "done": 0.0} for measure in ("runs", "reads")}


def _cached_source(port: int, token: str) -> str:
    status, _, body = request(port, "/api/dashboard/stats", headers=token_header(token))
    return json.loads(body)["meta"]["source"] if status == 200 else f"HTTP {status}"


def _ratio(postgresql: list[float], sqlite: list[float]) -> float | None:
    """The paired ratio over the rounds in which SQLite did anything (a busy machine can stall
    a short round); None if it did nothing in any."""
    pairs = [(pg, lite) for pg, lite in zip(postgresql, sqlite, strict=True) if lite > 0]
    return paired_ratio(*map(list, zip(*pairs, strict=True))) if pairs else None


def throughput(server_url: str, zone: str, sizes: ScaleSizes, work: Path) -> dict:
    """Both measures on both databases, at each CONN_MAX_AGE, side by side."""
    plan = sizes.throughput_seed
    name = throughput_name(quick=sizes.quick)
    urls = {
        "postgresql": scale_schema.pg_url(server_url, name),
        "sqlite": f"sqlite:///{work / (name + '.sqlite3')}",
    }
    scale_seed.ensure_pg(server_url, name, plan, zone)
    scale_seed.ensure_sqlite(work / f"{name}.sqlite3", plan, zone)
    access = {side: _scripts_and_token(url, zone) for side, url in urls.items()}
    connecting = {side: connect_ms(url) for side, url in urls.items()}
    seconds, clients = sizes.throughput_seconds, sizes.throughput_clients
    result: dict = {"workers": sizes.throughput_workers, "clients": clients, "seconds": seconds,
                    "rounds": sizes.throughput_rounds, "load_tool": load_tool(), "connect_ms": connecting,
                    "by_age": {}}  # fmt: skip
    for age in CONN_MAX_AGES:
        scale_seed.log(f"throughput with CONN_MAX_AGE={age}: PostgreSQL and SQLite side by side")
        measured = {side: {"runs": [], "reads": [], "errors": 0, "cpu": _no_cpu()} for side in urls}
        with ExitStack() as stack:
            servers = {
                side: stack.enter_context(
                    ProductionServer(
                        url=url,
                        zone=zone,
                        conn_max_age=age,
                        workers=sizes.throughput_workers,
                        log_path=work / f"gunicorn-throughput-{side}-{age}.log",
                    )  # fmt: skip
                )
                for side, url in urls.items()
            }
            ports = {side: server.port for side, server in servers.items()}
            for side, port in ports.items():  # warm every worker: imports, connections, the cache row
                scripts, token = access[side]
                runs_per_second(port, token, scripts, seconds=1, clients=clients)
                drive(port, "/api/dashboard/stats", token_header(token), seconds=1, connections=clients)
            for number in range(sizes.throughput_rounds):
                order = list(urls) if number % 2 == 0 else list(reversed(urls))
                for side in order:
                    scripts, token = access[side]
                    cpu = CpuMeter(servers[side].process.pid)
                    runs, failed = runs_per_second(
                        ports[side], token, scripts, seconds=seconds, clients=clients
                    )
                    cpu.add_to(measured[side]["cpu"]["runs"], done=runs * seconds)
                    cpu = CpuMeter(servers[side].process.pid)
                    reads = drive(ports[side], "/api/dashboard/stats", token_header(token),
                                  seconds=seconds, connections=clients)  # fmt: skip
                    cpu.add_to(measured[side]["cpu"]["reads"], done=reads.requests)
                    measured[side]["runs"].append(runs)
                    measured[side]["reads"].append(reads.rps)
                    measured[side]["errors"] += failed + reads.errors
            sources = {side: _cached_source(port, access[side][1]) for side, port in ports.items()}
        result["by_age"][str(age)] = {
            **{side: {**values, "source": sources[side]} for side, values in measured.items()},
            "runs_ratio": _ratio(measured["postgresql"]["runs"], measured["sqlite"]["runs"]),
            "reads_ratio": _ratio(measured["postgresql"]["reads"], measured["sqlite"]["reads"]),
        }
    return result
