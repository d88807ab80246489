"""Row 6: concurrent writer processes, upkeep on against off: `python -m bench.writers OUT.json`.

Runs on BENCH_DB (bench.run points it at BENCH_DATABASE_URL, PostgreSQL). Each
round starts the writer processes together; each records executions as a
runner does (create `running`, then save it as success or error) and now and
then toggles a script, until the round's time is up. A reader polls the
cached counters meanwhile, as open dashboards do, so recomputes race the
writers. After the last round with upkeep, a cached read must equal a fresh
count, and every row of the rollup a fresh count of its day and script.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

import django

READER_INTERVAL_S = 0.5  # a few open dashboards, polling


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()


def writer(index: int, upkeep: bool, seconds: float, barrier, results) -> None:
    _setup()
    from django.db import connection
    from django.utils import timezone

    from bench.upkeep import disconnect_upkeep
    from scripts_app.models import Script, ScriptExecution, Status

    if not upkeep:
        disconnect_upkeep()
    rng = random.Random(index)
    script_ids = list(Script.objects.values_list("pk", flat=True))
    recorded, errors, first_error = 0, 0, None
    barrier.wait()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            execution = ScriptExecution.objects.create(
                script_id=rng.choice(script_ids), status=Status.RUNNING
            )
            execution.status = Status.ERROR if rng.random() < 0.1 else Status.SUCCESS
            execution.completed_at = timezone.now()
            execution.save(update_fields=["status", "completed_at"])
            if rng.random() < 0.02:
                Script.objects.filter(pk=rng.choice(script_ids)).toggle_active()
            recorded += 1
        except Exception as error:  # counted and reported: the target is zero
            errors += 1
            first_error = first_error or repr(error)
    connection.close()
    results.put((recorded, errors, first_error))


def reader(seconds: float, barrier, results) -> None:
    _setup()
    from django.db import connection

    from dashboard_app.counters import stats

    reads, errors = 0, 0
    barrier.wait()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            stats.get_stats()
            reads += 1
        except Exception:
            errors += 1
        time.sleep(READER_INTERVAL_S)
    connection.close()
    results.put(("reader", reads, errors))


def run_round(*, processes: int, upkeep: bool, seconds: float) -> dict:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes + 2)
    results = context.Queue()
    workers = [
        context.Process(target=writer, args=(i, upkeep, seconds, barrier, results)) for i in range(processes)
    ]
    workers.append(context.Process(target=reader, args=(seconds, barrier, results)))
    for process in workers:
        process.start()
    barrier.wait(timeout=120)
    started = time.monotonic()
    collected = [results.get(timeout=seconds + 120) for _ in workers]
    elapsed = time.monotonic() - started
    for process in workers:
        process.join()
    writes = [item for item in collected if item[0] != "reader"]
    first_errors = [item[2] for item in writes if item[2]]
    return {
        "recorded": sum(item[0] for item in writes),
        "errors": sum(item[1] for item in writes) + sum(item[2] for item in collected if item[0] == "reader"),
        "first_error": first_errors[0] if first_errors else None,
        "seconds": elapsed,
        "crashed": [process.exitcode for process in workers if process.exitcode != 0],
    }


def main(out_path: str) -> None:
    _setup()
    from bench import dataset
    from bench.sizes import from_env
    from bench.upkeep import reconnect_upkeep, restore_derived_data
    from dashboard_app.counters import stats
    from dashboard_app.rollup import rebuild

    sizes = from_env()
    dataset.fresh_database()
    dataset.seed(
        scripts=50, executions=sizes.writer_seed_executions, days=sizes.days,
        today=sizes.writer_seed_executions // sizes.days, rng=random.Random(7),
    )  # fmt: skip
    stats.get_stats()
    rounds = {"on": [], "off": []}
    for _ in range(sizes.writer_rounds):
        for mode in ("off", "on"):
            dataset.log(f"{sizes.writer_processes} writers, upkeep {mode}")
            rounds[mode].append(
                run_round(processes=sizes.writer_processes, upkeep=mode == "on", seconds=sizes.writer_seconds)
            )
            if mode == "off":
                # The writers switched upkeep off for themselves (on PostgreSQL the
                # triggers, for every session): back on, and recount what they wrote.
                reconnect_upkeep()
                restore_derived_data()
    # The last round ran with upkeep and a racing reader: no update may be lost.
    drifted = stats.drifted(stats.check_drift())
    rollup_drift = rebuild.compare()
    cached = stats.get_stats()
    fresh = {key: counter.count(cached.day) for key, counter in stats.COUNTERS.items()}

    from bench.timing import paired_ratio

    def per_second(mode: str) -> list[float]:
        return [r["recorded"] / r["seconds"] for r in rounds[mode]]

    def throughput(mode: str) -> float:
        return sum(r["recorded"] for r in rounds[mode]) / sum(r["seconds"] for r in rounds[mode])

    result = {
        "database": dataset.database_label(),
        "processes": sizes.writer_processes,
        "on_per_s": throughput("on"),
        "off_per_s": throughput("off"),
        "ratio": paired_ratio(per_second("on"), per_second("off")),
        "errors": sum(r["errors"] for mode in rounds for r in rounds[mode]),
        "first_error": next((r["first_error"] for m in rounds for r in rounds[m] if r["first_error"]), None),
        "crashed": sum(len(r["crashed"]) for mode in rounds for r in rounds[mode]),
        "exact": not drifted and cached.values == fresh,
        "drifted": drifted,
        "rollup_exact": not rollup_drift,
        "rollup_drifted_cells": [repr(cell) for cell in rollup_drift[:10]],
        "cached": cached.values,
        "cached_source": cached.source,
        "fresh": fresh,
        "rounds": rounds,
    }
    Path(out_path).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv[1])
