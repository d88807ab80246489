"""Rows 19a-19d: what alerts cost (issue 19). `python -m bench.alerts OUT.json`.

- 19a/19b: from a flip to the webhook receiver's answer, p50 and p99, with `watch_schedules`
  (1 s between passes) delivering: one script going down and up again, repeatedly; then 1,000
  scripts going down at once (a mass outage: summaries per pass, ALERTS_SUMMARY_AT).
- 19c: delivery throughput to a webhook receiver on this machine, one sender, one request per
  notification (summaries off).
- 19d: recording runs that flip their script (a failed run, then a successful one) with one
  channel wanting every event ÷ with the outbox's receiver disconnected: what the outbox row
  adds to recording a run. Between rounds (untimed) the queued rows are marked delivered, as a
  running sender leaves them: otherwise the pending rows pile up as no deployment has them.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parent.parent


class Receiver:
    """A webhook receiver: answers 200 and notes when each body arrived."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[datetime, dict]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.arrivals.append((datetime.now(UTC), json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def scripts_told(self) -> list[tuple[datetime, str, int]]:
        """(arrival, event, script id) for each script each body told of."""
        told = []
        for arrived, body in list(self.arrivals):
            if body["event"] == "summary":
                told += [(arrived, line["state"], line["id"]) for line in body["scripts"]]
            elif body["script"]:
                told.append((arrived, body["event"], body["script"]["id"]))
        return told

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _scripts(count: int, prefix: str) -> list:
    from django.db import models

    from scripts_app.models import Script

    return models.QuerySet(Script).bulk_create([Script(name=f"{prefix}-{n:05d}") for n in range(count)])


def _record(scripts, status: str) -> None:
    from scripts_app.models import ScriptExecution

    for script in scripts:
        ScriptExecution.objects.create(script=script, status=status, error_message="bench")


def latency(sizes: dict, out_dir: Path, *, scripts_down: int, repeats: int) -> dict:
    """Seconds from each flip to the receiver's answer, with watch_schedules delivering."""
    from dashboard_app.alerts.tables import Channel, Notification
    from scripts_app.models import Flip, Status

    Notification.objects.all().delete()
    Channel.objects.all().delete()
    receiver = Receiver()
    Channel.objects.create(name="bench", kind="webhook", target=receiver.url(), events=["down", "up"])
    scripts = _scripts(scripts_down, f"down{scripts_down}")
    log = open(out_dir / f"alerts-watch-{scripts_down}.log", "w")  # noqa: SIM115 (closed below)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    env["ALERTS_ALLOW_PRIVATE_ADDRESSES"] = "1"  # the receiver is on 127.0.0.1
    watcher = subprocess.Popen([sys.executable, "manage.py", "watch_schedules", "--interval", "1"],
                               cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        # Not counted: the watcher's start (loading Django takes a second or two).
        _record(_scripts(1, f"warm{scripts_down}"), Status.ERROR)
        limit = time.monotonic() + 60
        while not receiver.arrivals and time.monotonic() < limit:
            time.sleep(0.05)
        receiver.arrivals.clear()
        expected = 0
        for _ in range(repeats):
            for status in (Status.ERROR, Status.SUCCESS):
                _record(scripts, status)
                expected += len(scripts)
                limit = time.monotonic() + 60 + len(scripts) / 10
                while len(receiver.scripts_told()) < expected and time.monotonic() < limit:
                    time.sleep(0.05)
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)
        log.close()
        receiver.stop()
    flips: dict[tuple[str, int], list[datetime]] = {}
    found = Flip.objects.filter(script__in=scripts).values_list("script_id", "new_state", "at")
    for script_id, new_state, at in found:
        flips.setdefault((new_state, script_id), []).append(at)
    seen: dict[tuple[str, int], int] = {}
    seconds = []
    for arrived, event, script_id in sorted(receiver.scripts_told()):
        n = seen[(event, script_id)] = seen.get((event, script_id), -1) + 1
        at = sorted(flips.get((event, script_id), []))
        if n < len(at):
            seconds.append((arrived - at[n]).total_seconds())
    seconds.sort()
    return {
        "scripts": scripts_down, "events": expected, "told": len(receiver.scripts_told()),
        "requests": len(receiver.arrivals),
        "p50_s": statistics.median(seconds) if seconds else None,
        "p99_s": seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))] if seconds else None,
    }  # fmt: skip


def throughput(sizes: dict) -> dict:
    from django.conf import settings

    from dashboard_app.alerts import sender
    from dashboard_app.alerts.tables import Channel, Notification

    Notification.objects.all().delete()
    Channel.objects.all().delete()
    receiver = Receiver()
    channel = Channel.objects.create(name="bench", kind="webhook", target=receiver.url(), events=["down"])
    scripts = _scripts(sizes["queued"], "queued")
    Notification.objects.bulk_create(
        [Notification(channel=channel, script=script, event="down", state="down") for script in scripts]
    )
    settings.ALERTS_SUMMARY_AT = 10**9
    started = time.perf_counter()
    delivered = 0
    while (done := sender.send_due()).claimed:
        delivered += done.delivered
    seconds = time.perf_counter() - started
    receiver.stop()
    return {"delivered": delivered, "received": len(receiver.arrivals), "seconds": seconds,
            "per_second": delivered / seconds}  # fmt: skip


def outbox_cost(sizes: dict) -> dict:
    from django.utils import timezone

    from bench.timing import paired_ratio
    from dashboard_app.alerts import outbox
    from dashboard_app.alerts.tables import Channel, Notification
    from dashboard_app.alerts.tables import Status as Delivery
    from scripts_app.models import Script, Status
    from scripts_app.signals import state_flipped

    Channel.objects.all().delete()
    Channel.objects.create(name="bench", kind="webhook", target="https://alerts.example.com/hook",
                           events=["down", "up"])  # fmt: skip
    scripts = _scripts(sizes["cost_scripts"], "cost")

    def record() -> float:
        started = time.perf_counter()
        _record(scripts, Status.ERROR)
        _record(scripts, Status.SUCCESS)
        return time.perf_counter() - started

    def record_without_outbox() -> float:
        # The outbox's receiver off for this half of the round (connected again as apps.py does).
        state_flipped.disconnect(sender=Script, dispatch_uid="alerts_flip_recorded")
        try:
            return record()
        finally:
            state_flipped.connect(outbox.flip_recorded, sender=Script, dispatch_uid="alerts_flip_recorded")

    record()  # warm
    with_outbox, without = [], []
    for index in range(sizes["cost_rounds"]):
        # Which side goes first alternates, so that neither always meets the other's leftovers
        # (SQLite's WAL growing through a round, a checkpoint at its end).
        halves = [(with_outbox, record), (without, record_without_outbox)]
        for samples, measure in halves[:: -1 if index % 2 else 1]:
            samples.append(measure())
        # Between rounds, untimed, as a sender would: what was queued is delivered, so the
        # pending rows stay as few as a running sender keeps them (the log keeps them all).
        pending = Notification.objects.filter(status=Delivery.PENDING)
        pending.update(status=Delivery.DELIVERED, delivered_at=timezone.now())
    runs = 2 * len(scripts)
    return {"runs": runs, "with_ms": statistics.median(with_outbox) / runs * 1000,
            "without_ms": statistics.median(without) / runs * 1000,
            "ratio": paired_ratio(with_outbox, without)}  # fmt: skip


FULL = {"repeats_one": 20, "mass": 1000, "queued": 2000, "cost_scripts": 200, "cost_rounds": 10}
QUICK = {"repeats_one": 3, "mass": 100, "queued": 200, "cost_scripts": 30, "cost_rounds": 4}


def main(out_path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.conf import settings

    from bench import dataset
    from bench.sizes import from_env

    settings.ALERTS_ALLOW_PRIVATE_ADDRESSES = True  # the receiver is on 127.0.0.1
    sizes = QUICK if from_env().quick else FULL
    out_dir = Path(out_path).parent
    dataset.fresh_database()
    dataset.log("alerts: from a flip to the receiver, one script")
    result = {"one": latency(sizes, out_dir, scripts_down=1, repeats=sizes["repeats_one"])}
    dataset.log(f"alerts: from a flip to the receiver, {sizes['mass']:,} scripts at once")
    result["mass"] = latency(sizes, out_dir, scripts_down=sizes["mass"], repeats=1)
    dataset.log("alerts: webhook delivery throughput")
    result["throughput"] = throughput(sizes)
    dataset.log("alerts: the outbox row's cost on recording a run")
    result["cost"] = outbox_cost(sizes)
    Path(out_path).write_text(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main(sys.argv[1])
