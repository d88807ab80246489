"""The write path: one execution recorded through the ORM, and a cascade delete."""

from __future__ import annotations

import random
import statistics
from contextlib import nullcontext

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.dataset import last_execution_id, park_today, script_with_executions, today_count, unpark
from bench.timing import paired_ratio, seconds
from bench.upkeep import upkeep_off
from scripts_app.models import Script, ScriptExecution, Status


def record_executions(script_ids: list[int], count: int) -> None:
    """What a runner does through the ORM: create an execution that has ended."""
    for number in range(count):
        now = timezone.now()
        ScriptExecution.objects.create(
            script_id=script_ids[number % len(script_ids)],
            status=Status.ERROR if number % 10 == 0 else Status.SUCCESS,
            started_at=now,
            completed_at=now,
        )


def seconds_per_write(script_ids: list[int], count: int, *, upkeep: bool = True) -> float:
    """Mean seconds per recorded execution; the rows are removed again afterwards."""
    before = last_execution_id()
    # Off: the rows are removed again before upkeep is back, so nothing needs recounting.
    with nullcontext() if upkeep else upkeep_off(net_zero=True):
        elapsed = seconds(lambda: record_executions(script_ids, count))
        ScriptExecution.objects.filter(pk__gt=before).delete()
    return elapsed / count


def write_overhead(script_ids: list[int], *, rounds: int, per_round: int) -> dict:
    """Upkeep on against off, alternating rounds so that drift hits both alike."""
    seconds_per_write(script_ids, per_round)  # warm up
    on, off = [], []
    for _ in range(rounds):
        off.append(seconds_per_write(script_ids, per_round, upkeep=False))
        on.append(seconds_per_write(script_ids, per_round, upkeep=True))
    return {"on_s": statistics.median(on), "off_s": statistics.median(off), "ratio": paired_ratio(on, off)}


def write_flat(script_ids: list[int], *, rounds: int, per_round: int) -> dict:
    """The same write with today's rows parked (0 today) and back (all today), alternating."""
    empty_day, full_day = [], []
    today_when_full = None
    for _ in range(rounds):
        park_today()
        empty_day.append(seconds_per_write(script_ids, per_round))
        unpark()
        today_when_full = today_count()
        full_day.append(seconds_per_write(script_ids, per_round))
    return {
        "empty_s": statistics.median(empty_day),
        "full_s": statistics.median(full_day),
        "ratio": paired_ratio(full_day, empty_day),
        "today_rows": today_when_full,
    }


def cascade(*, executions: int, rounds: int, rng: random.Random) -> dict:
    """Delete a script with `executions` executions, upkeep on against off."""
    results: dict[str, list] = {"on": [], "off": []}
    queries: dict[str, list[str]] = {}
    for _ in range(rounds):
        for mode in ("off", "on"):
            script = script_with_executions(executions, rng=rng)
            # Off: the script's rollup rows go with it by the foreign key, as they came.
            with upkeep_off(net_zero=True) if mode == "off" else nullcontext():
                with CaptureQueriesContext(connection) as captured:
                    results[mode].append(seconds(script.delete))
            queries[mode] = [query["sql"] for query in captured.captured_queries]
    assert not Script.objects.filter(name__startswith="cascade-").exists()
    return {
        "on_s": statistics.median(results["on"]),
        "off_s": statistics.median(results["off"]),
        "ratio": paired_ratio(results["on"], results["off"]),
        "on_queries": queries["on"],
        "off_queries": queries["off"],
    }
