"""Row 4c: recording runs the way runners do, through the REST API over HTTP, upkeep on ÷ off.

A runner POSTs a `running` execution and PATCHes it to `success` (or, one in
ten, `error`) when it ends, with its token. Two gunicorn servers serve the same
database, one with the dashboard's upkeep and one without (bench/wsgi.py,
BENCH_UPKEEP=off; the rollup's triggers, which are the database's, are off
for that server's rounds); rounds alternate between them. Two runners send their runs
at once, so the server's one worker is never idle while a client reads an
answer: the time per run is the server's. After each round its runs are
deleted again, with upkeep off after an "off" round (the rollup never counted
them), so every round starts from the same table.
"""

from __future__ import annotations

import json
import os
import statistics
import threading
import time
from contextlib import ExitStack, nullcontext
from pathlib import Path

from bench.dataset import last_execution_id
from bench.load import Server, request, token_header
from bench.timing import paired_ratio
from bench.upkeep import upkeep_off
from scripts_app.models import ScriptExecution

RUNNERS = 2
APP = "bench.wsgi:application"


class RunnerError(RuntimeError):
    pass


def record_run(port: int, headers: dict[str, str], script_id: int, *, failed: bool) -> None:
    """POST a running execution, then PATCH it to its end, as a runner does."""
    status, _, body = request(
        port, "/api/executions/", method="POST", headers=headers,
        body=json.dumps({"script": script_id, "status": "running"}).encode(),
    )  # fmt: skip
    if status != 201:
        raise RunnerError(f"POST /api/executions/ answered {status}: {body[:200]!r}")
    run_id = json.loads(body)["id"]
    ended = (
        {"status": "error", "error_message": "bench: failed on purpose"} if failed else {"status": "success"}
    )
    status, _, body = request(
        port, f"/api/executions/{run_id}/", method="PATCH", headers=headers, body=json.dumps(ended).encode()
    )
    if status != 200:
        raise RunnerError(f"PATCH /api/executions/{run_id}/ answered {status}: {body[:200]!r}")


def seconds_per_run(port: int, headers: dict[str, str], script_ids: list[int], runs: int) -> float:
    """`runs` runs recorded by RUNNERS runners at once; wall time ÷ runs."""
    errors: list[Exception] = []

    def runner(offset: int) -> None:
        try:
            for number in range(offset, runs, RUNNERS):
                record_run(port, headers, script_ids[number % len(script_ids)], failed=number % 10 == 0)
        except Exception as error:  # reported below: a failed write is not a timing
            errors.append(error)

    threads = [threading.Thread(target=runner, args=(offset,)) for offset in range(RUNNERS)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return elapsed / runs


def api_write_overhead(token: str, script_ids: list[int], *, rounds: int, runs: int, log_dir: Path) -> dict:
    headers = {**token_header(token), "Content-Type": "application/json"}
    per_run: dict[str, list[float]] = {"on": [], "off": []}
    with ExitStack() as servers:
        ports = {
            mode: servers.enter_context(
                Server(
                    env={**os.environ, "BENCH_UPKEEP": mode},
                    log_path=log_dir / f"gunicorn-api-upkeep-{mode}.log",
                    app=APP,
                )
            ).port
            for mode in ("on", "off")
        }
        for _ in range(rounds + 1):  # the first round of each warms its server up
            for mode in ("off", "on"):
                before = last_execution_id()
                # Off: the "off" server has no receivers, and the rollup's triggers (the
                # database's, shared by both servers) are off for its round; its runs
                # leave without upkeep too, since the rollup never counted them.
                with upkeep_off(net_zero=True) if mode == "off" else nullcontext():
                    per_run[mode].append(seconds_per_run(ports[mode], headers, script_ids, runs))
                    ScriptExecution.objects.filter(pk__gt=before).delete()
    on, off = per_run["on"][1:], per_run["off"][1:]
    return {
        "on_s": statistics.median(on),
        "off_s": statistics.median(off),
        "ratio": paired_ratio(on, off),
        "runs_per_round": runs,
        "runners": RUNNERS,
    }
