"""Each script's state, worked out from its schedule, its runs and the clock; stored with the
script, and every change recorded as a flip.

The rules, the first that holds deciding:
- paused: the script is switched off;
- down: its last `down_after_failures` ended runs failed (it stays down until its last
  `up_after_successes` ended runs succeeded), or a run was due and none started before the
  grace time ran out;
- late: a run was due and none has started yet, the grace time not over;
- new: it has a schedule and has never run;
- up: otherwise.
"Ended" means succeeded or failed, latest start first: a cancelled or running run says
nothing of the script's health. A run's start moves the next due time: the next time the
schedule fires after it (or one period after it), counted from when the script started being
watched (`watched_since`) if that is later.

`evaluate()` is the one place these rules are applied: after every save of a run, inside its
transaction (monitoring.receivers), by the watcher when a script's `check_at` comes, and for
every script by `refresh_stats`. It locks the script's row first, so that two writers, or two
watchers on several hosts, decide one after the other and a flip happens once. A run's write
takes that lock before it writes the run (monitoring.receivers), as a ping does: the rollup's
triggers then lock the run's per-day rows, and two writers that took the two locks in opposite
orders would deadlock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from scripts_app.models import Flip, Reason, Script, ScriptExecution, State, Status
from scripts_app.monitoring.schedule import Schedule, deadline, next_due
from scripts_app.signals import state_flipped

DETAIL_LENGTH = 300


@dataclass(frozen=True)
class Runs:
    """What evaluate() needs of a script's runs."""

    last_start: datetime | None  # of any run
    ended: list[str]  # the statuses of its last ended runs, latest first
    oldest_running: datetime | None  # when its oldest run still running started


@dataclass(frozen=True)
class Verdict:
    state: str
    reason: str
    detail: str
    failing: bool
    next_due: datetime | None
    check_at: datetime | None  # when the watcher must look again (None: only a run can change it)


def schedule_of(script: Script) -> Schedule | None:
    spec = Schedule.from_fields(
        cron=script.schedule,
        period_seconds=script.period_seconds,
        grace_seconds=script.grace_seconds,
        max_runtime_seconds=script.max_runtime_seconds,
        time_zone=script.time_zone,
    )
    return spec if spec.is_set else None


def verdict(script: Script, runs: Runs, now: datetime) -> Verdict:
    """The state `script` is in at `now`, given its runs (no database access)."""
    failing = _failing(script, runs)
    stuck_check = _stuck_check(script, runs)
    if not script.active:
        return Verdict(State.PAUSED, Reason.PAUSED, "", failing, None, None)
    schedule = schedule_of(script)
    due = missed_at = None
    if schedule is not None and runs.last_start is not None:
        due = next_due(schedule, max(runs.last_start, script.watched_since))
        missed_at = deadline(schedule, due)
    if failing:
        return Verdict(State.DOWN, Reason.FAILED, "", True, due, stuck_check)
    if due is not None and now >= missed_at:
        return Verdict(State.DOWN, Reason.MISSED, due.isoformat(), False, due, stuck_check)
    if due is not None and now >= due:
        check_at = _earliest(missed_at, stuck_check)
        return Verdict(State.LATE, Reason.LATE, due.isoformat(), False, due, check_at)
    if schedule is not None and runs.last_start is None:
        return Verdict(State.NEW, Reason.SCHEDULED, "", False, None, stuck_check)
    reason = Reason.RECOVERED if script.failing else Reason.STARTED
    return Verdict(State.UP, reason, "", False, due, _earliest(due, stuck_check))


def evaluate(
    script_id: int, *, now: datetime | None = None, rewatch: bool = False, created: bool = False,
    skip_locked: bool = False, using: str = DEFAULT_DB_ALIAS,
) -> Flip | None:  # fmt: skip
    """Lock the script's row, then decide() its state now.

    `rewatch`: the schedule was set or changed, or the script switched on again: the next due
    time counts from now. `created`: a new script's first state is where it starts, not a
    change. `skip_locked`: leave a script another watcher is deciding alone.
    """
    # No savepoint: inside a caller's transaction (a script's save) a failure here fails it all.
    with transaction.atomic(using=using, savepoint=False):
        script = locked(script_id, skip_locked=skip_locked, using=using)
        if script is None:
            return None
        return decide(script, now=now, rewatch=rewatch, created=created, using=using)


def locked(script_id: int, *, skip_locked: bool = False, using: str = DEFAULT_DB_ALIAS) -> Script | None:
    """The script, its row locked until the caller's transaction ends (None if there is no such
    script, or `skip_locked` and another transaction holds it)."""
    scripts = Script.objects.using(using).select_for_update(skip_locked=skip_locked)
    return scripts.filter(pk=script_id).first()


def decide(
    script: Script, *, now: datetime | None = None, rewatch: bool = False, created: bool = False,
    using: str = DEFAULT_DB_ALIAS,
) -> Flip | None:  # fmt: skip
    """Work out the state of `script` (its row locked by the caller, in its transaction), store
    what changed, and record a flip if the state did (returned)."""
    now = now or timezone.now()
    if rewatch:
        script.watched_since = now
    found = verdict(script, runs_of(script, using), now)
    changed = found.state != script.state and not created
    stored = {
        "state": found.state,
        "failing": found.failing,
        "next_due": found.next_due,
        "check_at": found.check_at,
        "watched_since": script.watched_since,
    }
    if changed or created:
        stored["last_flip_at"] = now
    if rewatch or created or any(getattr(script, name) != value for name, value in stored.items()):
        Script.objects.using(using).filter(pk=script.pk).update(**stored)
    if not changed:
        return None
    detail = found.detail or (_last_error(script, using) if found.reason == Reason.FAILED else "")
    flip = Flip.objects.using(using).create(
        script_id=script.pk,
        old_state=script.state,
        new_state=found.state,
        at=now,
        reason=_reason_of_flip(script.state, found),
        detail=detail[:DETAIL_LENGTH],
    )
    state_flipped.send(sender=Script, flip=flip, using=using)
    return flip


def evaluate_all(*, now: datetime | None = None, using: str = DEFAULT_DB_ALIAS) -> int:
    """Work out every script's state again (after writes no receiver saw: bulk or raw SQL).
    Returns how many flipped."""
    now = now or timezone.now()
    ids = Script.objects.using(using).order_by("pk").values_list("pk", flat=True)
    return sum(evaluate(pk, now=now, using=using) is not None for pk in ids.iterator())


# Runs read at once, newest first: enough for the thresholds of almost every script.
RECENT = 16


# Every saved run and every ping reads this: written out, as composing it through the ORM cost
# more than running it (dashboard_app.counters.stat_rows says the same of the counters' reads).
_NEWEST_RUNS = (
    "SELECT status, started_at FROM script_executions WHERE script_id = %s "
    "ORDER BY started_at DESC, id DESC LIMIT %s"
)


def _newest_runs(script: Script, count: int, using: str) -> list[tuple[str, datetime]]:
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(_NEWEST_RUNS, [script.pk, count])
        rows = cursor.fetchall()
    started_at = ScriptExecution._meta.get_field("started_at")
    column = started_at.get_col(ScriptExecution._meta.db_table)
    converters = [*connection.ops.get_db_converters(column), *started_at.get_db_converters(connection)]
    newest = []
    for status, start in rows:
        for convert in converters:
            start = convert(start, column, connection)
        newest.append((status, start))
    return newest


def runs_of(script: Script, using: str = DEFAULT_DB_ALIAS) -> Runs:
    """The script's runs as verdict() needs them: one read of its newest runs through the
    (script, started_at) index (two when its thresholds look further back, three when it has a
    maximum run time), whatever its history holds."""
    runs = ScriptExecution.objects.using(using).filter(script_id=script.pk).order_by("-started_at", "-id")
    window = max(script.down_after_failures, script.up_after_successes)
    recent = _newest_runs(script, max(RECENT, window), using)
    ended = [status for status, _start in recent if status in (Status.SUCCESS, Status.ERROR)]
    if len(ended) < window and len(recent) == max(RECENT, window):
        found = runs.filter(status__in=[Status.SUCCESS, Status.ERROR]).values_list("status", flat=True)
        ended = list(found[:window])
    oldest_running = None
    if script.max_runtime_seconds:
        running = ScriptExecution.objects.using(using).filter(script_id=script.pk, status=Status.RUNNING)
        oldest_running = running.order_by("started_at").values_list("started_at", flat=True).first()
    last_start = recent[0][1] if recent else None
    return Runs(last_start=last_start, ended=ended[:window], oldest_running=oldest_running)


def _last_error(script: Script, using: str) -> str:
    """The error message of the script's latest failed run (a flip to down says it)."""
    failed = ScriptExecution.objects.using(using).filter(script_id=script.pk, status=Status.ERROR)
    return failed.order_by("-started_at", "-id").values_list("error_message", flat=True).first() or ""


def _failing(script: Script, runs: Runs) -> bool:
    """Down because of its runs: the last N ended runs failed; up again once the last M
    succeeded; in between, as it was."""
    statuses = runs.ended
    failures, successes = script.down_after_failures, script.up_after_successes
    if not statuses:
        return False
    if len(statuses) >= failures and all(status == Status.ERROR for status in statuses[:failures]):
        return True
    if len(statuses) >= successes and all(status == Status.SUCCESS for status in statuses[:successes]):
        return False
    return script.failing


def _stuck_check(script: Script, runs: Runs) -> datetime | None:
    """When the oldest run still running passes the maximum run time (the watcher ends it)."""
    if runs.oldest_running is None or not script.max_runtime_seconds:
        return None
    return runs.oldest_running + timedelta(seconds=script.max_runtime_seconds)


def _earliest(*instants: datetime | None) -> datetime | None:
    present = [instant for instant in instants if instant is not None]
    return min(present) if present else None


def _reason_of_flip(old_state: str, found: Verdict) -> str:
    if old_state == State.PAUSED and found.state != State.PAUSED:
        return Reason.RESUMED
    return found.reason
