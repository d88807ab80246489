from __future__ import annotations

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from dashboard_app.alerts import sender
from dashboard_app.rollup import week
from scripts_app.monitoring import watcher

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Watch the scripts' schedules without any request: flip to late or down the scripts whose "
        "due time (plus grace) has passed, and end as failed the runs still running past their "
        "script's maximum run time; then deliver the alerts that are due. Runs until stopped; --once "
        "for one pass (django-crontab runs that every minute). Several may run at once, on several "
        "hosts: each flip happens once, each alert is delivered by one of them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between two passes (default 1)."
        )

    def handle(self, *args, once: bool = False, interval: float = 1.0, **options) -> None:
        if once:
            self.watch_pass()
            return
        stopping = []
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stopping.append(True))
        self.stdout.write(f"Watching schedules every {interval:g} s (Ctrl-C or SIGTERM to stop).")
        while not stopping:
            close_old_connections()
            try:
                self.watch_pass()
            except DatabaseError:
                # The database is away: try again next pass, as a request would.
                logger.exception("A watch pass failed")
            time.sleep(interval)

    def watch_pass(self) -> None:
        self.report(watcher.tick())
        self.report_alerts(sender.send_due())
        # A new local day: the sorts by 7-day success rate count a new week (rollup.week).
        week.keep_current()

    def report(self, tick: watcher.Tick) -> None:
        if tick.flips or tick.runs_ended:
            self.stdout.write(
                f"looked at {tick.looked_at} scripts: {tick.flips} changed state, "
                f"{tick.runs_ended} stuck runs ended"
            )

    def report_alerts(self, done: sender.Pass) -> None:
        if done.claimed:
            self.stdout.write(
                f"alerts: {done.delivered} delivered, {done.retrying} to retry, {done.failed} given up"
                + (f", {done.summaries} summaries" if done.summaries else "")
                + (f", {done.held} held for a summary" if done.held else "")
            )
