"""The read path over HTTP: the cached stats read against the floor and a live recompute."""

from __future__ import annotations

import json
import os
import statistics
from pathlib import Path

from bench.load import Server, drive, token_header
from bench.timing import paired_ratio
from bench.urls import FLOOR_PATH

STATS_PATH = "/api/dashboard/stats"
LIVE_PATH = f"{STATS_PATH}?use_cache=false"


def stats_source(server: Server, token: str) -> str:
    status, body = server.get(STATS_PATH, token)
    if status != 200:
        raise RuntimeError(f"GET {STATS_PATH} answered {status}: {body[:200]!r}")
    return json.loads(body)["meta"]["source"]


def serve_and_measure(*, token: str, seconds: int, rounds: int, log_dir: Path) -> dict:
    """Floor, cached and live rounds in turn against one gunicorn worker."""
    paths = {"floor": FLOOR_PATH, "cached": STATS_PATH, "live": LIVE_PATH}
    rps: dict[str, list[float]] = {name: [] for name in paths}
    errors = 0
    headers = token_header(token)
    with Server(env=dict(os.environ), log_path=log_dir / "gunicorn.log") as server:
        for path in paths.values():  # warm the worker: imports, connection, cache row
            drive(server.port, path, headers, seconds=1)
        sources = []
        for _ in range(rounds):
            for name, path in paths.items():
                if name == "cached":
                    stats_source(server, token)  # a read that stores, should the TTL have run out
                    sources.append(stats_source(server, token))
                result = drive(server.port, path, headers, seconds=seconds)
                rps[name].append(result.rps)
                errors += result.errors
        peak_rss_kib = server.worker_peak_rss_kib()
    return {
        "rps": {name: statistics.median(values) for name, values in rps.items()},
        "floor_ratio": paired_ratio(rps["cached"], rps["floor"]),
        "benefit_ratio": paired_ratio(rps["cached"], rps["live"]),
        "errors": errors,
        "cached_sources": sources,
        "peak_rss_kib": peak_rss_kib,
    }
