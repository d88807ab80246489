"""Rows 15-16: the migration that builds the rollup, at the large database and the small one.

`python -m bench.migration OUT.json`, run by bench.run last on the databases
the other phases used (BENCH_DB, BENCH_SMALL_DB). For each database: migrate
dashboard_app back to 0001 (which drops the rollup and its triggers), then, in a
fresh process (bench.migrate_probe), forward to 0005_daily_totals (0004 and 0005),
which installs the triggers and counts every execution into the rollup in one
statement; that process reports its peak RSS and the migrations' wall time. Then
the later migrations run (untimed), the rebuilt rollup is compared with a fresh
count of every day (rebuild.compare), and a cached read of the counters
(stored by a read just before the migration, as on a running site, and
younger than STATS_CACHE_TTL) with a fresh count of the tables.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parent.parent
BEFORE, ROLLUP = "0001_initial", "0005_daily_totals"


def migrate_in_fresh_process(database_url: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.migrate_probe", "dashboard_app", ROLLUP],
        cwd=BASE_DIR, env={**os.environ, "BENCH_DB": database_url},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(out_path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from bench import dataset
    from bench.routing import using_database
    from dashboard_app.counters import stats
    from dashboard_app.rollup import rebuild

    result = {}
    for side, alias, url in (
        ("small", "small", os.environ["BENCH_SMALL_DB"]),
        ("large", "default", os.environ["BENCH_DB"]),
    ):
        with using_database(alias):
            rows = dataset.table_rows()
            dataset.log(f"migration {ROLLUP} at {rows['executions']:,} executions, in a fresh process")
            # As on a running site: a dashboard has just stored the counters it read.
            stats.get_stats()
            call_command("migrate", "dashboard_app", BEFORE, database=alias, verbosity=0, interactive=False)
            connections[alias].close()
            probe = migrate_in_fresh_process(url)
            # The migrations after it (untimed: they recount nothing), so that this code reads the
            # schema it was written for.
            call_command("migrate", "dashboard_app", database=alias, verbosity=0, interactive=False)
            drifted = rebuild.compare(using=alias)
            cached = stats.get_stats()
            fresh = {key: counter.count(cached.day) for key, counter in stats.COUNTERS.items()}
        result[side] = {
            **probe,
            "rows": rows,
            "rollup_exact": not drifted,
            "drifted_cells": len(drifted),
            "cached_read_exact": cached.values == fresh,
            "cached": cached.values,
            "cached_source": cached.source,
            "fresh": fresh,
        }
    Path(out_path).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv[1])
