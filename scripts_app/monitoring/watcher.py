"""Detection without a request: each tick looks at the scripts whose check time has come (a due
time, the end of a grace time, a run's maximum run time) and nothing else.

A tick reads the scripts through the partial index on `check_at`, so what it costs depends on
how many are due, never on how many are on time. Runs still running past their script's
maximum run time are ended as failed, with a message that says why. Several watchers may
tick at once, on several hosts: each script is decided under its row's lock (on PostgreSQL a
locked one is skipped, SKIP LOCKED), a stuck run is ended by one conditional UPDATE, and so
every flip and every ending happens once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from scripts_app.models import Script, ScriptExecution, Status
from scripts_app.monitoring import states
from scripts_app.signals import runs_stuck
from scripts_app.templatetags.run_format import run_length

BATCH = 500  # scripts decided per tick at most; the next tick takes the rest


@dataclass(frozen=True)
class Tick:
    looked_at: int
    flips: int
    runs_ended: int


def tick(*, now: datetime | None = None, using: str = DEFAULT_DB_ALIAS) -> Tick:
    """One pass: decide every script whose check time has come."""
    now = now or timezone.now()
    due = (
        Script.objects.using(using)
        .filter(check_at__lte=now)
        .order_by("check_at")
        .values_list("pk", "max_runtime_seconds")[:BATCH]
    )
    skip_locked = connections[using].features.has_select_for_update_skip_locked
    looked_at = flips = ended = 0
    for script_id, max_runtime_seconds in list(due):
        looked_at += 1
        if max_runtime_seconds:
            ended += end_stuck_runs(script_id, timedelta(seconds=max_runtime_seconds), now=now, using=using)
        flips += states.evaluate(script_id, now=now, skip_locked=skip_locked, using=using) is not None
    return Tick(looked_at, flips, ended)


def end_stuck_runs(script_id: int, max_runtime: timedelta, *, now: datetime, using: str) -> int:
    """End as failed the script's runs still running past `max_runtime`. Each by a conditional
    UPDATE, so that of two watchers only one ends it (the triggers move the rollup); announced
    (signals.runs_stuck) in the same transaction."""
    message = f"No end reported within {run_length(max_runtime)}: ended by the watcher."
    stuck = ScriptExecution.objects.using(using).filter(
        script_id=script_id, status=Status.RUNNING, started_at__lte=now - max_runtime
    )
    with transaction.atomic(using=using):
        ended = stuck.update(status=Status.ERROR, completed_at=now, error_message=message)
        if ended:
            runs_stuck.send(
                sender=Script, script_id=script_id, count=ended, at=now, detail=message, using=using
            )
    return ended
