"""Row 8: dashboards and runners through a Redis and a database outage: `python -m bench.outages OUT.json`.

Runs `make serve` (4 workers) on BENCH_DB, which must be PostgreSQL (on SQLite
the phase writes why it skipped), reached through a proxy this phase cuts and
restores (the database keeps running), with a Redis server of its own. For
the run's length, readers poll the dashboard counters as open dashboards do
(signed-in sessions, If-None-Match) and runners record executions over the
API (create `running`, then PATCH to success or error, again after a 503).
Redis is stopped for a few seconds, later the database is cut off for a few.

Reported: answers by status, writes acknowledged and lost (an acknowledged
write missing from the table, or an acknowledged status it does not have),
reads/s and writes/s, read latency (p99) in quiet and outage windows, and
whether the cached counters equal a fresh count afterwards. Timings are
reported, never asserted: workflow_project/tests/test_load_through_outages.py
asserts the counts.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import django


@dataclass(frozen=True)
class Plan:
    seconds: float
    readers: int
    runners: int
    read_interval: float  # seconds between one reader's polls
    runner_pause: float  # seconds between one runner's executions
    redis_down: tuple[float, float]  # from, to: seconds into the run
    database_down: tuple[float, float]


FULL = Plan(60, 50, 8, 1.0, 0.1, redis_down=(15, 21), database_down=(35, 41))
QUICK = Plan(12, 10, 4, 1.0, 0.1, redis_down=(2, 4), database_down=(6, 8))
READS_OK, WRITES_OK = {200, 304, 503}, {200, 201, 503}
SETTLE_SECONDS = 2  # after an outage ends, before a window counts as quiet again


@dataclass
class Tally:
    answers: list[tuple[str, float, float, str]] = field(default_factory=list)  # kind, start, seconds, status
    created: dict[int, str] = field(default_factory=dict)  # acknowledged execution id -> acknowledged status
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, start: float, seconds: float, status: str) -> None:
        with self.lock:
            self.answers.append((kind, start, seconds, status))


def plan_from_env() -> Plan:
    quick = os.environ.get("BENCH_QUICK", "").strip().lower() in {"1", "true", "yes"}
    plan = QUICK if quick else FULL
    seconds = float(os.environ.get("BENCH_OUTAGES_SECONDS") or plan.seconds)
    scale = seconds / plan.seconds
    return Plan(
        seconds, plan.readers, plan.runners, plan.read_interval, plan.runner_pause,
        redis_down=(plan.redis_down[0] * scale, plan.redis_down[1] * scale),
        database_down=(plan.database_down[0] * scale, plan.database_down[1] * scale),
    )  # fmt: skip


def main(out_path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    # The served site and this process sign the readers' sessions with one key.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        result = {"skipped": "needs PostgreSQL: set BENCH_DATABASE_URL=postgres://…"}
    else:
        result = run(plan_from_env(), Path(out_path).resolve().parent / "outages")
    Path(out_path).write_text(json.dumps(result, indent=2))


def run(plan: Plan, work: Path) -> dict:
    from django.conf import settings

    from bench import dataset
    from workflow_project.tests.redis_server import RedisServer
    from workflow_project.tests.served import serve_environment, served
    from workflow_project.tests.tcp_proxy import TcpProxy

    work.mkdir(parents=True, exist_ok=True)
    dataset.fresh_database()
    script_ids, cookies, token = _prepare(plan)
    database_url = os.environ["BENCH_DB"]
    redis = RedisServer(work / "redis").start()
    try:
        with TcpProxy.for_url(database_url) as proxy:
            env = serve_environment(
                work, DATABASE_URL=proxy.url_through(database_url), REDIS_URL=redis.url,
                SECRET_KEY=settings.SECRET_KEY, WEB_CONCURRENCY="4", CONN_MAX_AGE="60",
            )  # fmt: skip
            dataset.log(
                f"make serve, 4 workers; {plan.readers} readers, {plan.runners} runners, {plan.seconds:.0f} s"
            )
            with served(env, work / "serve.log") as server:
                tally = _drive(plan, server.base, script_ids, cookies, token, redis, proxy)
                log_text = server.log_text()
    finally:
        redis.stop()
    return _report(plan, tally, log_text)


def _prepare(plan: Plan) -> tuple[list[int], list[str], str]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    from bench import dataset
    from scripts_app.models import Script

    token = dataset.bench_token()
    scripts = Script.objects.bulk_create(Script(name=f"outage-bench-{n}") for n in range(20))
    reader, _ = User.objects.get_or_create(username="bench-reader")
    cookies = []
    for _ in range(plan.readers):
        session = SessionStore()
        session[SESSION_KEY] = str(reader.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = reader.get_session_auth_hash()
        session.create()
        cookies.append(session.session_key)
    return [script.pk for script in scripts], cookies, token


def _request(base: str, method: str, path: str, headers: dict, body: dict | None = None):
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        if payload is not None:
            headers = {**headers, "Content-Type": "application/json"}
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("ETag"), response.read()
    finally:
        conn.close()


def _drive(plan: Plan, base: str, script_ids, cookies, token, redis, proxy) -> Tally:
    tally = Tally()
    started = time.monotonic()
    deadline = started + plan.seconds

    def reader(cookie: str, rng: random.Random) -> None:
        etag = None
        time.sleep(rng.uniform(0, plan.read_interval))  # dashboards are not opened in step
        while time.monotonic() < deadline:
            headers = {"Cookie": f"sessionid={cookie}", "Accept": "application/json"}
            if etag:
                headers["If-None-Match"] = etag
            begun = time.monotonic()
            try:
                status, new_etag, _ = _request(base, "GET", "/api/dashboard/stats", headers)
                etag = new_etag or etag
                tally.note("read", begun - started, time.monotonic() - begun, str(status))
            except OSError as error:
                tally.note("read", begun - started, time.monotonic() - begun, type(error).__name__)
            time.sleep(plan.read_interval)

    def runner(rng: random.Random) -> None:
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        while time.monotonic() < deadline:
            created = _write(tally, started, base, "POST", "/api/executions/", headers,
                             {"script": rng.choice(script_ids), "status": "running"})  # fmt: skip
            if created is not None:
                execution_id = json.loads(created)["id"]
                with tally.lock:
                    tally.created[execution_id] = "running"
                final = "error" if rng.random() < 0.1 else "success"
                while time.monotonic() < deadline + 10:  # a runner reports the end until it is heard
                    path = f"/api/executions/{execution_id}/"
                    if _write(tally, started, base, "PATCH", path, headers, {"status": final}) is not None:
                        with tally.lock:
                            tally.created[execution_id] = final
                        break
                    time.sleep(0.5)
            time.sleep(plan.runner_pause)

    threads = [
        threading.Thread(target=reader, args=(cookie, random.Random(n)), daemon=True)
        for n, cookie in enumerate(cookies)
    ] + [
        threading.Thread(target=runner, args=(random.Random(1000 + n),), daemon=True)
        for n in range(plan.runners)
    ]
    for thread in threads:
        thread.start()
    _outages(plan, started, redis, proxy)
    for thread in threads:
        thread.join()
    return tally


def _write(tally: Tally, started: float, base: str, method: str, path: str, headers: dict, body: dict):
    """The answer's body when the write was acknowledged (2xx), else None."""
    begun = time.monotonic()
    try:
        status, _, answer = _request(base, method, path, headers, body)
    except OSError as error:
        tally.note("write", begun - started, time.monotonic() - begun, type(error).__name__)
        return None
    tally.note("write", begun - started, time.monotonic() - begun, str(status))
    return answer if 200 <= status < 300 else None


def _outages(plan: Plan, started: float, redis, proxy) -> None:
    from bench.dataset import log

    def at(seconds: float) -> None:
        time.sleep(max(0.0, started + seconds - time.monotonic()))

    at(plan.redis_down[0])
    log("Redis stopped")
    redis.stop()
    at(plan.redis_down[1])
    redis.start()
    log("Redis started again")
    at(plan.database_down[0])
    log("database cut off")
    proxy.cut()
    at(plan.database_down[1])
    proxy.restore()
    log("database reachable again")


def _p99_ms(latencies: list[float]) -> float | None:
    if not latencies:
        return None
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def _report(plan: Plan, tally: Tally, log_text: str) -> dict:
    from dashboard_app.counters import stats
    from scripts_app.models import ScriptExecution

    def window(start: float, seconds: float) -> str:
        """The outage a request overlapped (in flight when it began, or started before it settled)."""
        for name, (begin, end) in (("redis down", plan.redis_down), ("database down", plan.database_down)):
            if start < end + SETTLE_SECONDS and start + seconds >= begin:
                return name
        return "quiet"

    answers: dict[str, Counter] = {"read": Counter(), "write": Counter()}
    by_window: dict[str, Counter] = {}
    quiet, outage = [], []
    for kind, start, seconds, status in tally.answers:
        answers[kind][status] += 1
        name = window(start, seconds)
        by_window.setdefault(name, Counter())[f"{kind} {status}"] += 1
        if kind == "read" and status in {"200", "304"}:
            (quiet if name == "quiet" else outage).append(seconds)
    unexpected = {
        f"{kind} {status}": count
        for kind, allowed in (("read", READS_OK), ("write", WRITES_OK))
        for status, count in answers[kind].items()
        if not (status.isdigit() and int(status) in allowed)
    }
    stored = dict(ScriptExecution.objects.filter(pk__in=list(tally.created)).values_list("pk", "status"))
    lost = {pk: status for pk, status in tally.created.items() if stored.get(pk) not in _kept(status)}
    drifted = stats.drifted(stats.check_drift())
    cached = stats.get_stats()
    fresh = {key: counter.count(cached.day) for key, counter in stats.COUNTERS.items()}
    reads = sum(answers["read"].values())
    writes = sum(count for status, count in answers["write"].items() if status in {"200", "201"})
    return {
        "plan": plan.__dict__,
        "answers": {kind: dict(counter) for kind, counter in answers.items()},
        "by_window": {name: dict(counter) for name, counter in by_window.items()},
        "unexpected": unexpected,
        "acknowledged": len(tally.created),
        "lost": len(lost),
        "lost_examples": dict(list(lost.items())[:10]),
        "reads_per_s": reads / plan.seconds,
        "writes_per_s": writes / plan.seconds,
        "p99_read_ms": _p99_ms(quiet + outage),
        "p99_quiet_ms": _p99_ms(quiet),
        "p99_outage_ms": _p99_ms(outage),
        "redis_outage_log_lines": log_text.count("is unreachable"),
        "exact": not drifted and cached.values == fresh,
        "drifted": drifted,
        "cached": cached.values,
        "fresh": fresh,
    }


def _kept(acknowledged: str) -> set[str]:
    # A PATCH that failed (503) may still have been committed before the cut: a
    # row acknowledged as running may already show how it ended.
    return {"running", "success", "error"} if acknowledged == "running" else {acknowledged}


if __name__ == "__main__":
    main(sys.argv[1])
