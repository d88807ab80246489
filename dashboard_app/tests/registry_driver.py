"""The vocabulary of the cache state machine (test_stateful_consistency): instants
relative to the frozen clock, and single writes of a named kind.

Kept apart so that the machine's module holds its rules and nothing else.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from scripts_app.models import Script, ScriptExecution, Status

# Where each sequence may start: an ordinary evening, and late on the eve of
# each DST change, so that a few clock steps cross both midnight and the change.
STARTS = {
    "Europe/Berlin": ["2026-11-26 23:00", "2026-03-28 22:30", "2026-10-24 23:30", "2026-10-25 01:30"],
    "America/Santiago": ["2026-11-26 23:00", "2026-04-04 21:30", "2026-09-05 22:30", "2026-04-04 23:30"],
}
CLOCK_STEPS = [
    timedelta(microseconds=1),
    timedelta(seconds=1),
    timedelta(minutes=5),  # beyond the TTL
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=23),
    timedelta(hours=25),
    -timedelta(hours=1),  # a clock set back (NTP, another host's skew)
    "next midnight",
    "just before next midnight",
]
WHENS = [
    "now",
    "a microsecond ago",
    "in a microsecond",
    "today's midnight",
    "a microsecond before today",
    "next midnight",
    "a microsecond before next midnight",
    "an hour ago",
    "25 hours ago",
    "in 23 hours",
]
FINISHED = [Status.SUCCESS, Status.ERROR, Status.CANCELLED]
WRITES = ["create script", "toggle script", "delete script", "record error", "start running", "delete run"]


class RolledBack(Exception):
    pass


class RegistryDriver:
    """Helpers for a machine whose subclass sets `zone` and keeps `scripts` and `runs`."""

    zone: ZoneInfo
    scripts: list[int]
    runs: list[int]
    names = itertools.count()

    def now(self) -> datetime:
        return timezone.now()

    def local_midnight(self, days_from_today: int) -> datetime:
        # Built here, not with scripts_app.dates, so the test does not trust the code under test.
        day = self.now().astimezone(self.zone).date() + timedelta(days=days_from_today)
        return datetime.combine(day, time.min, tzinfo=self.zone).astimezone(UTC)

    def instant(self, when: str) -> datetime:
        now, tick = self.now(), timedelta(microseconds=1)
        return {
            "now": now,
            "a microsecond ago": now - tick,
            "in a microsecond": now + tick,
            "today's midnight": self.local_midnight(0),
            "a microsecond before today": self.local_midnight(0) - tick,
            "next midnight": self.local_midnight(1),
            "a microsecond before next midnight": self.local_midnight(1) - tick,
            "an hour ago": now - timedelta(hours=1),
            "25 hours ago": now - timedelta(hours=25),
            "in 23 hours": now + timedelta(hours=23),
        }[when]

    def new_name(self) -> str:
        return f"script-{next(self.names)}"

    def write(self, kind: str, index: int) -> None:
        """One write of a kind, for the transaction rules (ids read afresh: earlier writes
        of the same transaction may have removed rows)."""
        scripts = list(Script.objects.order_by("pk").values_list("pk", flat=True))
        runs = list(ScriptExecution.objects.order_by("pk").values_list("pk", flat=True))
        if kind == "create script" or not scripts:
            Script.objects.create(name=self.new_name())
        elif kind == "toggle script":
            Script.objects.filter(pk=self.pick(scripts, index)).toggle_active()
        elif kind == "delete script":
            Script.objects.get(pk=self.pick(scripts, index)).delete()
        elif kind == "record error":
            ScriptExecution.objects.create(script_id=self.pick(scripts, index), status=Status.ERROR)
        elif kind == "start running":
            ScriptExecution.objects.create(script_id=self.pick(scripts, index), status=Status.RUNNING)
        elif kind == "delete run" and runs:
            ScriptExecution.objects.get(pk=self.pick(runs, index)).delete()

    @staticmethod
    def pick(ids: list[int], index: int) -> int:
        return ids[index % len(ids)]
