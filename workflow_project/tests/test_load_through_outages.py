"""Fifty dashboards and eight runners for a minute through a Redis and a database outage: the site holds.

Runs the outages phase of `make bench` (bench/outages.py): `make serve` with
4 workers on a PostgreSQL database of its own, reached through a proxy that
cuts it off for a few seconds, and a Redis of its own, stopped for a few
seconds earlier. Only counts are asserted; `make bench` reports the timings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from workflow_project.tests.served import BASE_DIR
from workflow_project.tests.served_postgres import scratch_database

WORKERS = 4


def run_the_outages_phase(database_url: str, out) -> dict:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("BENCH_", "DJANGO_"))}
    env |= {"BENCH_DB": database_url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    done = subprocess.run(
        [sys.executable, "-m", "bench.outages", str(out)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-5000:]
    return json.loads(out.read_text())


def statuses(window: dict) -> set[str]:
    return {answer.split()[1] for answer in window}


def test_fifty_dashboards_and_eight_runners_hold_through_a_redis_and_a_database_outage(tmp_path):
    with scratch_database("load") as database_url:
        result = run_the_outages_phase(database_url, tmp_path / "outages.json")
    plan, windows = result["plan"], result["by_window"]
    assert (plan["readers"], plan["runners"], plan["seconds"]) == (50, 8, 60)

    assert result["unexpected"] == {}  # every answer was 200, 201, 304 or 503
    assert result["acknowledged"] > 0 and result["lost"] == 0, result["lost_examples"]
    assert result["exact"], (result["cached"], result["fresh"], result["drifted"])

    assert "503" in statuses(windows["database down"])  # the cut was real
    assert statuses(windows["redis down"]) <= {"200", "201", "304"}  # Redis down: served from the database
    assert statuses(windows["quiet"]) <= {"200", "201", "304"}  # before, between and after the outages
    # Logged once per worker and retry interval (5 s), not per request.
    outage = plan["redis_down"][1] - plan["redis_down"][0]
    assert 1 <= result["redis_outage_log_lines"] <= WORKERS * (outage // 5 + 2)
