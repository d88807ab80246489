"""Rows 18a-18e: what schedules and pings cost (issue 18). `python -m bench.monitoring OUT.json`.

- 18a: a ping through gunicorn ÷ the cheapest authenticated API read (the cached stats read),
  throughput in alternating rounds on one server (pings rotate over many keys: one key may
  ping 60 times a minute).
- 18b: a burst of 2,000 pings (one per script, as every cron job fires at :00) from 8 clients
  at once against `make serve`'s gunicorn (4 workers): every one answered 200 and recorded.
- 18c: one watcher tick with 10 scripts due, among 100,000 scheduled scripts ÷ among 1,000.
- 18d: from a due time plus grace to the flip, with the long-running watcher (1 s between
  passes); with cron (`--once` every minute) it is at most a minute plus one tick (18c).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parent.parent


def _scripts(count: int, *, prefix: str, **fields) -> list:
    """`count` scripts written in bulk without the announcing queryset: at 100,000 scripts the
    bench has no use for their state being decided one by one."""
    from django.db import models

    from scripts_app.models import Script

    made = [Script(name=f"{prefix}-{n:06d}", **fields) for n in range(count)]
    return models.QuerySet(Script).bulk_create(made, batch_size=2000)


def ping_rows(sizes, out_dir: Path) -> dict:
    from bench import dataset
    from bench.load import Server, drive
    from bench.timing import paired_ratio
    from dashboard_app.counters import stats

    token = dataset.bench_token()
    keys = [script.ping_key for script in _scripts(sizes["ping_keys"], prefix="ping")]
    stats.get_stats()
    lua = Path(tempfile.mkdtemp()) / "pings.lua"
    lua.write_text(
        "local keys = {" + ",".join(f'"{key}"' for key in keys) + "}\nlocal i = 0\n"
        "request = function()\n  i = i % #keys + 1\n  return wrk.format('GET', '/ping/' .. keys[i])\nend\n"
    )
    rates = {"ping": [], "read": []}
    errors = 0
    with Server(env=dict(os.environ), log_path=out_dir / "gunicorn-pings.log") as server:
        # Not counted: each worker's first requests load the project (over a second on a busy
        # machine, longer than a quick round).
        drive(server.port, "/api/dashboard/stats", {"Authorization": f"Token {token}"}, seconds=2)
        _drive_pings(server.port, keys, lua, seconds=2)
        for _ in range(sizes["rounds"]):
            read = drive(server.port, "/api/dashboard/stats", {"Authorization": f"Token {token}"},
                         seconds=sizes["seconds"])  # fmt: skip
            ping = _drive_pings(server.port, keys, lua, seconds=sizes["seconds"])
            rates["read"].append(read.rps)
            rates["ping"].append(ping.rps)
            errors += read.errors + ping.errors
    return {
        "ping_rps": statistics.median(rates["ping"]),
        "read_rps": statistics.median(rates["read"]),
        "ratio": paired_ratio(rates["ping"], rates["read"]),
        "errors": errors,
    }


def _drive_pings(port: int, keys: list[str], lua: Path, *, seconds: int):
    from bench.load import LoadResult, drive, load_tool

    if load_tool() != "wrk":  # the Python driver takes one path: rotate through a few of them
        results = [drive(port, f"/ping/{key}", {}, seconds=max(1, seconds // 4)) for key in keys[:4]]
        return LoadResult(sum(r.requests for r in results), sum(r.seconds for r in results),
                          sum(r.errors for r in results))  # fmt: skip
    import re

    output = subprocess.run(
        ["wrk", "-t1", "-c2", f"-d{seconds}s", "-s", str(lua), f"http://127.0.0.1:{port}/"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    done = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", output)
    scale = {"ms": 0.001, "s": 1, "m": 60}[done.group(3)]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    refused = int(non_2xx.group(1)) if non_2xx else 0
    return LoadResult(int(done.group(1)), float(done.group(2)) * scale, refused)


def burst_row(sizes, out_dir: Path) -> dict:
    from bench.load import Server, request
    from scripts_app.models import ScriptExecution

    scripts = _scripts(sizes["burst"], prefix="burst")
    before = ScriptExecution.objects.count()
    env = {**os.environ, "WEB_CONCURRENCY": "4"}
    statuses: list[int] = []
    latencies: list[float] = []
    lock = threading.Lock()
    with Server(env=env, log_path=out_dir / "gunicorn-burst.log", workers=4) as server:
        # Every worker loaded first (unknown keys: 404s, nothing recorded): the burst meets a
        # server that has been up for a while, as at any minute's turn.
        warm = [threading.Thread(target=lambda: [request(server.port, "/ping/warm-up") for _ in range(10)])
                for _ in range(8)]  # fmt: skip
        for thread in warm:
            thread.start()
        for thread in warm:
            thread.join()
        chunks = [scripts[n :: 8] for n in range(8)]

        def client(chunk) -> None:
            for script in chunk:
                start = time.perf_counter()
                status = request(server.port, f"/ping/{script.ping_key}")[0]
                with lock:
                    statuses.append(status)
                    latencies.append(time.perf_counter() - start)

        threads = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    return {
        "pings": len(statuses),
        "ok": statuses.count(200),
        "recorded": ScriptExecution.objects.count() - before,
        "seconds": elapsed,
        "p99_ms": statistics.quantiles(latencies, n=100)[98] * 1000 if len(latencies) > 1 else 0.0,
    }


def tick_row(sizes) -> dict:
    """A tick with 10 scripts due among N, on two databases side by side (the small one has 1,000
    scheduled scripts, the large one 100,000): the same 10 due every repeat, their check time
    put back before each tick."""
    from django.utils import timezone

    from bench import dataset
    from bench.routing import using_database
    from bench.timing import median_seconds, paired_ratio
    from scripts_app.models import Script
    from scripts_app.monitoring import watcher

    due_ids = {}
    for alias, scheduled in (("small", sizes["tick_small"]), ("default", sizes["tick_large"])):
        with using_database(alias):
            if alias == "small":  # the default one was made fresh for the rows before
                dataset.fresh_database(alias)
            now = timezone.now()
            _scripts(scheduled - 10, prefix="on-time", period_seconds=3600,
                     check_at=now + timedelta(hours=1), watched_since=now)  # fmt: skip
            due = _scripts(10, prefix="due", period_seconds=3600, watched_since=now)
            due_ids[alias] = [script.pk for script in due]

    def tick_seconds(alias: str) -> float:
        def one_tick() -> None:
            Script.objects.using(alias).filter(pk__in=due_ids[alias]).update(check_at=timezone.now())
            assert watcher.tick(using=alias).looked_at == 10

        with using_database(alias):
            return median_seconds(one_tick, repeat=sizes["tick_repeats"])

    small, large = [], []
    for _ in range(sizes["tick_rounds"]):
        small.append(tick_seconds("small"))
        large.append(tick_seconds("default"))
    return {
        "small_s": statistics.median(small),
        "large_s": statistics.median(large),
        "ratio": paired_ratio(large, small),
        "small": sizes["tick_small"],
        "large": sizes["tick_large"],
    }


def latency_row(sizes, out_dir: Path) -> dict:
    """Scripts whose grace ends a few seconds from now, watched by `watch_schedules --interval 1`
    in its own process: how long after its deadline each one flipped down."""
    from django.utils import timezone

    from scripts_app.models import Flip, Script, ScriptExecution, State, Status

    now = timezone.now()
    deadlines = {}
    for n in range(sizes["latency_scripts"]):
        deadline = now + timedelta(seconds=3 + n * 0.5)
        script = Script.objects.create(name=f"latency-{n}", period_seconds=60, grace_seconds=60)
        Script.objects.filter(pk=script.pk).update(watched_since=now - timedelta(days=1))
        # Last started so that it is due a grace before the deadline, and down at the deadline.
        ScriptExecution.objects.create(script=script, status=Status.SUCCESS,
                                       started_at=deadline - timedelta(seconds=120))  # fmt: skip
        deadlines[script.pk] = deadline
    log = open(out_dir / "watch-schedules.log", "w")  # noqa: SIM115 (closed below)
    watcher = subprocess.Popen(
        [sys.executable, "manage.py", "watch_schedules", "--interval", "1"], cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        limit = time.monotonic() + 30 + sizes["latency_scripts"]
        while time.monotonic() < limit:
            if Script.objects.filter(pk__in=deadlines, state=State.DOWN).count() == len(deadlines):
                break
            time.sleep(0.2)
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)
        log.close()
    downs = Flip.objects.filter(script_id__in=deadlines, new_state=State.DOWN)
    flipped = dict(downs.values_list("script_id", "at"))
    seconds = [(flipped[pk] - end).total_seconds() for pk, end in deadlines.items() if pk in flipped]
    return {
        "scripts": len(deadlines),
        "flipped": len(seconds),
        "median_s": statistics.median(seconds) if seconds else None,
        "max_s": max(seconds) if seconds else None,
    }


FULL = {"ping_keys": 2000, "rounds": 5, "seconds": 3, "burst": 2000, "tick_small": 1000,
        "tick_large": 100_000, "tick_repeats": 5, "tick_rounds": 5, "latency_scripts": 10}  # fmt: skip
QUICK = {"ping_keys": 100, "rounds": 1, "seconds": 1, "burst": 100, "tick_small": 20,
         "tick_large": 200, "tick_repeats": 2, "tick_rounds": 1, "latency_scripts": 2}  # fmt: skip


def main(out_path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from bench import dataset
    from bench.sizes import from_env

    sizes = QUICK if from_env().quick else FULL
    out_dir = Path(out_path).parent
    dataset.fresh_database()
    random.seed(18)
    dataset.log("schedules and pings: pings ÷ cached reads")
    result = {"pings": ping_rows(sizes, out_dir)}
    dataset.log(f"schedules and pings: a burst of {sizes['burst']:,} pings from 8 clients")
    result["burst"] = burst_row(sizes, out_dir)
    dataset.log("schedules and pings: from a deadline to its flip")
    result["latency"] = latency_row(sizes, out_dir)
    dataset.log(f"schedules and pings: a tick among {sizes['tick_large']:,} ÷ {sizes['tick_small']:,}")
    result["tick"] = tick_row(sizes)
    Path(out_path).write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main(sys.argv[1])
