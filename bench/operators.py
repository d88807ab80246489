"""Rows 8 and 9 of the table, the operators' reads: `python -m bench.operators OUT.json`.

Run by bench.run in its own process (DJANGO_SETTINGS_MODULE=bench.settings),
against one gunicorn sync worker, in alternating rounds:
  8: a Prometheus scrape of /metrics (bearer token) ÷ a cached GET /api/dashboard/stats
  9: that GET answered 304 (If-None-Match with its ETag) ÷ answered 200
Each figure is the median of per-round ratios of time per request.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

import django

from bench.load import request

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
    from bench.load import Server, drive
    from bench.sizes import from_env
    from bench.timing import paired_ratio
    from dashboard_app.counters import stats

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
            all_304 &= request(server.port, STATS_PATH, headers=revalidate)[0] == 304
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


def expect(server, path: str, headers: dict[str, str], status: int) -> dict[str, str]:
    got, response_headers, _ = request(server.port, path, headers=headers)
    if got != status:
        raise RuntimeError(f"GET {path} answered {got}, expected {status}")
    return response_headers


if __name__ == "__main__":
    main(sys.argv[1])
