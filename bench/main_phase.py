"""Rows 1-5 and 7 of the table: `python -m bench.main_phase OUT.json`.

Run by bench.run in its own process (DJANGO_SETTINGS_MODULE=bench.settings),
on the databases bench.seed_phase built: the large one (BENCH_DB) and the
small one (BENCH_SMALL_DB, alias "small"). The large table's rows today are
moved out of today and back (bench.dataset.park_today), so that it is measured
as:
  1,000,000 (1,000 today) against 10,000 (1,000 today) -> live recompute
  1,000,000 (0 <-> 100,000 today)  -> the write path, flat or not
  1,000,000 (100,000 today)        -> write overhead (ORM, REST API), cascade, reads over HTTP
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
from pathlib import Path

import django


def main(out_path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()

    from bench import api_writes, dataset, reads, writes
    from bench.dataset import log
    from bench.sizes import from_env
    from dashboard_app.counters import stats
    from scripts_app.models import Script, ScriptExecution

    sizes = from_env()
    rng = random.Random(20261126)
    log_dir = Path(out_path).parent
    token = dataset.bench_token()
    log("live recompute: large table against small table, the same runs today in both, in turns")
    dataset.park_today(keep=sizes.small_today)
    scaling = live_recompute_scaling(sizes)
    dataset.unpark()

    script_ids = list(Script.objects.filter(active=True).values_list("pk", flat=True)[:50])
    log("write path: 0 versus all rows today")
    flat = writes.write_flat(script_ids, rounds=sizes.flat_rounds, per_round=sizes.writes_per_round)
    log("write path: upkeep on versus off")
    overhead = writes.write_overhead(script_ids, rounds=sizes.write_rounds, per_round=sizes.writes_per_round)
    log("write path through the REST API: upkeep on versus off")
    api = api_writes.api_write_overhead(
        token, script_ids, rounds=sizes.api_rounds, runs=sizes.api_runs_per_round, log_dir=log_dir
    )
    log("cascade delete: upkeep on versus off")
    cascade = writes.cascade(executions=sizes.cascade_executions, rounds=sizes.cascade_rounds, rng=rng)

    rows = {
        "scripts": Script.objects.count(),
        "executions": ScriptExecution.objects.count(),
        "today": dataset.today_count(),
    }
    log(f"reads over HTTP at {rows['executions']:,} executions, {rows['today']:,} today")
    served = reads.serve_and_measure(
        token=token, seconds=sizes.load_seconds, rounds=sizes.load_rounds, log_dir=log_dir
    )

    cached = stats.get_stats()
    fresh = {key: counter.count(cached.day) for key, counter in stats.COUNTERS.items()}
    result = {
        "database": dataset.database_label(),
        "rows": rows,
        "scaling": scaling,
        "flat": flat,
        "overhead": overhead,
        "api_overhead": api,
        "cascade": cascade,
        "reads": served,
        "counters_true": cached.values == fresh,
        "counters": cached.values,
        "cascade_executions": sizes.cascade_executions,
    }
    Path(out_path).write_text(json.dumps(result, indent=2))


def live_recompute_scaling(sizes) -> dict:
    from bench import dataset
    from bench.routing import using_database
    from bench.timing import median_seconds, paired_ratio
    from dashboard_app.counters import stats
    from scripts_app.models import ScriptExecution

    def live_recompute(using: str) -> float:
        # The bench's router sends every read and write of get_stats() to the chosen database.
        def recompute() -> None:
            with using_database(using):
                stats.get_stats(use_cache=False)

        return median_seconds(recompute, repeat=sizes.recompute_repeats)

    def table_rows() -> dict:
        return {"total": ScriptExecution.objects.count(), "today": dataset.today_count()}

    small, large = [], []
    for _ in range(sizes.scaling_rounds):
        small.append(live_recompute("small"))
        large.append(live_recompute("default"))
    with using_database("small"):
        small_rows = table_rows()
    return {
        "small_rows": small_rows,
        "large_rows": table_rows(),
        "small_s": statistics.median(small),
        "large_s": statistics.median(large),
        "ratio": paired_ratio(large, small),
    }


if __name__ == "__main__":
    main(sys.argv[1])
