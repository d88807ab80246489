"""Rows 8 and 9 of the table, the operators' reads: `python -m bench.operators OUT.json`.

Run by bench.run in its own process (DJANGO_SETTINGS_MODULE=bench.settings),
against one gunicorn sync worker, in alternating rounds:
  8: a Prometheus scrape of /metrics (bearer token) ÷ a cached GET /api/dashboard/stats
  9: that GET answered 304 (If-None-Match with its ETag) ÷ answered 200
Each figure is the median of per-round ratios of time per request.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import django

STATS_PATH = "/api/dashboard/stats"
METRICS_PATH = "/metrics"


@dataclass(frozen=True)
class Sizes:
    scripts: int
    executions: int
    today: int  # the /metrics runs-per-status query reads today's rows
    seconds: int
    rounds: int


FULL = Sizes(scripts=200, executions=200_000, today=100_000, seconds=3, rounds=5)
QUICK = Sizes(scripts=20, executions=2_000, today=500, seconds=1, rounds=1)


def main(out_path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()

    from bench import dataset
    from bench.load import Server
    from bench.sizes import from_env
    from bench.timing import paired_ratio
    from dashboard_app import stats

    sizes = QUICK if from_env().quick else FULL
    dataset.fresh_database()
    token = dataset.bench_token()
    dataset.seed(
        scripts=sizes.scripts, executions=sizes.executions, days=7, today=sizes.today,
        rng=random.Random(20261127),
    )  # fmt: skip
    stats.get_stats()
    metrics_token = secrets.token_urlsafe(32)
    api = {"Authorization": f"Token {token}"}
    scrape = {"Authorization": f"Bearer {metrics_token}"}
    env = {**os.environ, "METRICS_TOKEN": metrics_token}
    rates: dict[str, list[float]] = {"cached": [], "metrics": [], "not_modified": []}
    errors, all_304 = 0, True
    dataset.log(f"operators' reads over HTTP, {sizes.today:,} executions today")
    with Server(env=env, log_path=Path(out_path).parent / "gunicorn-operators.log") as server:
        expect(server, METRICS_PATH, scrape, 200)
        for _ in range(sizes.rounds):
            etag = expect(server, STATS_PATH, api, 200)["ETag"]  # stores the counters if the TTL ran out
            etag = expect(server, STATS_PATH, api, 200)["ETag"]  # the cached answer's tag
            revalidate = {**api, "If-None-Match": etag}
            for name, path, headers in (
                ("cached", STATS_PATH, api),
                ("metrics", METRICS_PATH, scrape),
                ("not_modified", STATS_PATH, revalidate),
            ):
                result = drive(server.port, path, headers, seconds=sizes.seconds)
                rates[name].append(result.rps)
                errors += result.errors
            # Still a 304 after the round: the rate above was of 304s, not 200s.
            all_304 &= request(server.port, STATS_PATH, revalidate)[0] == 304
    result = {
        "today": sizes.today,
        "rps": {name: statistics.median(values) for name, values in rates.items()},
        # Time per request is 1 / rate: a ÷ b in time is rate(b) ÷ rate(a).
        "scrape_ratio": paired_ratio(rates["cached"], rates["metrics"]),
        "not_modified_ratio": paired_ratio(rates["cached"], rates["not_modified"]),
        "errors": errors,
        "all_304": all_304,
    }
    Path(out_path).write_text(json.dumps(result, indent=2))


def request(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        conn.close()


def expect(server, path: str, headers: dict[str, str], status: int) -> dict[str, str]:
    got, response_headers = request(server.port, path, headers)
    if got != status:
        raise RuntimeError(f"GET {path} answered {got}, expected {status}")
    return response_headers


def drive(port: int, path: str, headers: dict[str, str], *, seconds: int, connections: int = 2):
    """bench.load.drive with headers of our own (a bearer token, If-None-Match)."""
    from bench.load import LoadResult, load_tool

    if load_tool() == "wrk":
        header_args = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
        output = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", *header_args, f"http://127.0.0.1:{port}{path}"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        done = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", output)
        if not done:
            raise RuntimeError(f"Unexpected wrk output:\n{output}")
        scale = {"ms": 0.001, "s": 1, "m": 60}[done.group(3)]
        # wrk counts answers outside 2xx and 3xx (a 304 is fine) and socket errors.
        failed = re.findall(r"Non-2xx or 3xx responses: (\d+)|Socket errors: connect (\d+), read (\d+), "
                            r"write (\d+), timeout (\d+)", output)  # fmt: skip
        errors = sum(int(n) for match in failed for n in match if n)
        return LoadResult(requests=int(done.group(1)), seconds=float(done.group(2)) * scale, errors=errors)

    counts = {"requests": 0, "errors": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < deadline:
            try:
                ok = request(port, path, headers)[0] < 400
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


if __name__ == "__main__":
    main(sys.argv[1])
