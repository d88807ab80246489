"""What a script's page says of its state: the state and since when, why (the last flip), the
schedule in words, when a run is next expected, the last changes of state and the 30-day
uptime. Reads the stored state (monitoring.states decides it) and two index reads of flips.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from scripts_app.models import Flip, Script, State
from scripts_app.monitoring import schedule_words
from scripts_app.monitoring.reasons import Why, why
from scripts_app.monitoring.schedule import next_due
from scripts_app.monitoring.states import schedule_of
from scripts_app.monitoring.uptime import Uptime, uptime

HISTORY = 20


@dataclass(frozen=True)
class Expected:
    at: datetime | None
    first: bool  # the first run of a script that never ran (state new)


@dataclass(frozen=True)
class Overview:
    state: str
    since: datetime
    why: Why | None  # None before the script's first change of state
    schedule: str  # in words
    expected: Expected
    history: list[Flip]  # the last HISTORY flips, newest first, each with .why
    uptime: Uptime


def overview(script: Script, *, now: datetime | None = None) -> Overview:
    now = now or timezone.now()
    history = list(Flip.objects.filter(script_id=script.pk).order_by("-at", "-id")[:HISTORY])
    for flip in history:
        flip.why = why(flip.reason, flip.detail)
    schedule = schedule_of(script)
    return Overview(
        state=script.state,
        since=script.last_flip_at or script.created_at,
        why=history[0].why if history else None,
        schedule=schedule_words.describe(schedule) if schedule else "",
        expected=expected(script, now=now),
        history=history,
        uptime=uptime(script, now=now),
    )


def expected(script: Script, *, now: datetime) -> Expected:
    """When the script's next run is due: the stored next due time; for a script with a
    schedule that never ran (new), when its first run is expected: the schedule's next fire
    after now (a period: one period after the schedule was set, while that is ahead)."""
    if script.state != State.NEW:
        return Expected(script.next_due, first=False)
    schedule = schedule_of(script)
    if schedule is None:
        return Expected(None, first=True)
    if schedule.period is not None:
        first = next_due(schedule, script.watched_since)
        return Expected(first if first is not None and first > now else None, first=True)
    return Expected(next_due(schedule, now), first=True)

