"""Rows 12-14: the counters while runs stream in, and readers arriving together.

`python -m bench.stream OUT.json`, run by bench.run on the large database
(BENCH_DB) after the main phase.

12-13. One gunicorn sync worker serves the API with STATS_CACHE_TTL longer
than the phase, so the TTL never makes a read recount. A runner process
records executions through the ORM at a steady `stream_rate` a second (a
`running` execution, then its end: one in ten an error) while a dashboard
client reads `GET /api/dashboard/stats` every `stream_read_interval` seconds
and times each read. Rounds alternate a segment with the runner recording
and one with it paused (which comes first alternates by round). Row 12: the
median read while streaming ÷ the median read while idle, median over
rounds. Row 13: the share of reads while streaming whose `meta.source` was
`live` (a recount).

14. The day's rows in dashboard_stats are aged past the TTL (a recount is
due), then `readers` processes, forked from this one and released by one
barrier, each read the counters (stats.get_stats(), as the API view does).
Each recount bumps the `version` of the `today_executions` row by one.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import statistics
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import django

STATS_PATH = "/api/dashboard/stats"
SETTLE_SECONDS = 0.5  # after the runner starts or pauses, before reads are timed


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()


# ---------------------------------------------------------------- the runner


def runner(rate: float, go, stop, results) -> None:
    """Record executions at `rate` a second while `go` is set, until `stop`."""
    _setup()
    from django.db import connection
    from django.utils import timezone

    from scripts_app.models import Script, ScriptExecution, Status

    script_ids = list(Script.objects.filter(active=True).values_list("pk", flat=True))
    recorded, errors, first_error, busy = 0, 0, None, 0.0
    results.put("ready")
    while not stop.is_set():
        if not go.wait(timeout=0.05):
            continue
        started = due = time.monotonic()
        while go.is_set():
            try:
                run = ScriptExecution.objects.create(
                    script_id=script_ids[recorded % len(script_ids)], status=Status.RUNNING
                )
                run.status = Status.ERROR if recorded % 10 == 0 else Status.SUCCESS
                run.completed_at = timezone.now()
                run.save(update_fields=["status", "completed_at"])
                recorded += 1
            except Exception as error:  # counted and reported: the target is none
                errors += 1
                first_error = first_error or repr(error)
            due += 1 / rate
            time.sleep(max(0.0, due - time.monotonic()))
        busy += time.monotonic() - started
    connection.close()
    results.put({"recorded": recorded, "errors": errors, "first_error": first_error, "seconds": busy})


# ---------------------------------------------------------------- the dashboard's reads


def read_for(port: int, headers: dict[str, str], *, seconds: float, interval: float) -> list[dict]:
    """A read every `interval` seconds for `seconds`: each one's time and source."""
    from bench.load import timed_request

    reads = []
    due = deadline = time.monotonic()
    deadline += seconds
    while time.monotonic() < deadline:
        answer = timed_request(port, STATS_PATH, headers=headers)
        if answer.status != 200:
            raise RuntimeError(f"GET {STATS_PATH} answered {answer.status}: {answer.body[:300]!r}")
        reads.append({"seconds": answer.seconds, "source": json.loads(answer.body)["meta"]["source"]})
        due += interval
        time.sleep(max(0.0, due - time.monotonic()))
    return reads


def versions() -> dict[str, int]:
    from dashboard_app.models import DashboardStat

    return dict(DashboardStat.objects.values_list("stat_key", "version"))


def stream(sizes, token: str, log_dir: Path) -> dict:
    from bench.dataset import log
    from bench.load import Server, token_header

    context = multiprocessing.get_context("spawn")
    go, stop, results = context.Event(), context.Event(), context.Queue()
    writer = context.Process(target=runner, args=(sizes.stream_rate, go, stop, results))
    writer.start()
    headers = token_header(token)
    rounds: list[dict[str, list[dict]]] = []
    try:
        assert results.get(timeout=120) == "ready"
        with Server(env=dict(os.environ), log_path=log_dir / "gunicorn-stream.log") as server:
            read_for(server.port, headers, seconds=0.5, interval=0)  # warm up; stores the counters if due
            before = versions()
            log(f"cached reads, idle and while a runner records {sizes.stream_rate:.0f} executions/s")
            for number in range(sizes.stream_rounds):
                segments: dict[str, list[dict]] = {}
                for mode in ("streaming", "idle") if number % 2 == 0 else ("idle", "streaming"):
                    if mode == "streaming":
                        go.set()
                    else:
                        go.clear()
                    time.sleep(SETTLE_SECONDS)
                    segments[mode] = read_for(
                        server.port,
                        headers,
                        seconds=sizes.stream_seconds,
                        interval=sizes.stream_read_interval,
                    )
                go.clear()
                rounds.append(segments)
            after = versions()
    finally:
        go.clear()
        stop.set()
    written = results.get(timeout=120)
    writer.join(timeout=60)
    return {"rounds": rounds, "runner": written, "versions_before": before, "versions_after": after}


def summarise_stream(raw: dict) -> dict:
    from bench.timing import paired_ratio

    def median_of(mode: str) -> list[float]:
        return [statistics.median(read["seconds"] for read in segment[mode]) for segment in raw["rounds"]]

    streaming_reads = [read for segment in raw["rounds"] for read in segment["streaming"]]
    idle_reads = [read for segment in raw["rounds"] for read in segment["idle"]]
    runner = raw["runner"]
    return {
        "streaming_s": statistics.median(median_of("streaming")),
        "idle_s": statistics.median(median_of("idle")),
        "ratio": paired_ratio(median_of("streaming"), median_of("idle")),
        "streaming_reads": len(streaming_reads),
        "idle_reads": len(idle_reads),
        "streaming_recounts": sum(read["source"] == "live" for read in streaming_reads),
        "idle_recounts": sum(read["source"] == "live" for read in idle_reads),
        "rate": runner["recorded"] / runner["seconds"] if runner["seconds"] else 0.0,
        "recorded": runner["recorded"],
        "errors": runner["errors"],
        "first_error": runner["first_error"],
        "version_bumps": {
            key: raw["versions_after"].get(key, 0) - version
            for key, version in raw["versions_before"].items()
        },
    }


# ---------------------------------------------------------------- simultaneous readers


def reader(barrier, results) -> None:
    """One reader, forked with no open connection: it opens its own."""
    from django.db import connections

    from dashboard_app.counters import stats

    try:
        barrier.wait(timeout=60)
        read = stats.get_stats()
        results.put({"source": read.source, "values": read.values, "error": None})
    except Exception as error:
        results.put({"source": None, "values": None, "error": repr(error)})
    finally:
        connections.close_all()


def simultaneous_readers(readers: int, ttl: int) -> dict:
    from django.db import connections
    from django.utils import timezone

    from dashboard_app.counters import stats
    from dashboard_app.models import DashboardStat
    from scripts_app.dates import local_today

    stats.get_stats()  # the day's rows exist and are current
    daily = DashboardStat.objects.filter(stat_key__in=stats.DAILY_KEYS)
    daily.update(updated_at=timezone.now() - timedelta(seconds=ttl + 60))  # the TTL ran out
    before = versions()[stats.TODAY_EXECUTIONS]
    connections.close_all()  # forked children must not share this process's connection
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(readers), context.Queue()
    processes = [context.Process(target=reader, args=(barrier, results)) for _ in range(readers)]
    for process in processes:
        process.start()
    reports = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    fresh = {key: counter.count(local_today()) for key, counter in stats.COUNTERS.items()}
    return {
        "recounts": versions()[stats.TODAY_EXECUTIONS] - before,
        "sources": dict(Counter(report["source"] for report in reports)),
        "exact": all(report["values"] == fresh for report in reports),
        "errors": [report["error"] for report in reports if report["error"]],
    }


def main(out_path: str) -> None:
    from bench.sizes import from_env

    sizes = from_env()
    # Before settings are read: readers forked from here count with the same TTL as the server.
    os.environ["STATS_CACHE_TTL"] = str(sizes.stream_ttl)
    _setup()
    from bench import dataset
    from dashboard_app.counters import stats

    token = dataset.bench_token()
    raw = stream(sizes, token, Path(out_path).parent)
    streamed = summarise_stream(raw)
    cached = stats.get_stats()
    fresh = {key: counter.count(cached.day) for key, counter in stats.COUNTERS.items()}
    dataset.log(f"{sizes.readers} readers arriving together when a recount is due, {sizes.reader_trials}x")
    trials = [simultaneous_readers(sizes.readers, sizes.stream_ttl) for _ in range(sizes.reader_trials)]
    result = {
        "stream": streamed,
        "exact_after_stream": cached.values == fresh,
        "rows": dataset.table_rows(),
        "readers": sizes.readers,
        "trials": trials,
        "raw_rounds": [
            {mode: [read["seconds"] for read in reads] for mode, reads in segment.items()}
            for segment in raw["rounds"]
        ],
    }
    Path(out_path).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv[1])
