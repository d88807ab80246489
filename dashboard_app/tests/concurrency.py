"""Start and drive worker processes (dashboard_app/tests/workers.py) from a test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]


def midday_zone() -> str:
    """A fixed-offset zone where it is now about noon, so no run crosses local midnight."""
    offset = 12 - datetime.now(UTC).hour  # -11 .. 12, all valid Etc/GMT zones
    if offset == 0:
        return "Etc/GMT"
    # POSIX sign convention: Etc/GMT-3 is three hours *ahead* of UTC.
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


class Worker:
    """One OS process with its own connection to the test database."""

    def __init__(self, role: str, *args: object, time_zone: str, cache_ttl: int) -> None:
        env = {
            **os.environ,
            "WORKER_DATABASE": json.dumps(connection.settings_dict),
            "TIME_ZONE": time_zone,
            "STATS_CACHE_TTL": str(cache_ttl),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dashboard_app.tests.workers", role, *map(str, args)],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def receive(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(timeout=30)
            raise AssertionError(f"worker exited ({self.process.returncode}): {self.process.stderr.read()}")
        return json.loads(line)

    def send(self) -> None:
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def finish(self) -> dict:
        report = self.receive()
        self.process.wait(timeout=60)
        return report

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def start_together(workers: list[Worker]) -> None:
    """Wait until every worker has set up Django, then release them at once."""
    for worker in workers:
        assert worker.receive() == {"ready": True}
    for worker in workers:
        worker.send()
