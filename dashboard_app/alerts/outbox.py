"""The outbox: a flip that alerts writes one notification per channel that wants it, in the flip's
own transaction (no on_commit), so that the two commit together or not at all: a crash after the
commit leaves the notification for the sender, a rollback takes both away.

Which flips alert: to down ("down"), and from down to up ("up": the recovery). A late, new or
paused script alerts nobody. A run ended as stuck by the watcher is a "stuck" event of its own.
When a run's failure counts is the script's threshold's business (Script.down_after_failures,
up_after_successes, applied by scripts_app.monitoring.states): the flip, and so the "down"
notification, is written when the N-th failed run in a row is recorded, and "up" when the M-th
successful one is.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from django.db import connections

from dashboard_app.alerts.tables import Channel, EventKind, Notification, Status
from scripts_app.models import Flip, Reason, State

REASON_LENGTH = 400
_REASONS = frozenset(Reason.values)  # Choices.values makes a new list at every call


def event_of_flip(flip: Flip) -> str | None:
    """The event a flip is, if it is one that alerts."""
    if flip.new_state == State.DOWN:
        return EventKind.DOWN
    if flip.new_state == State.UP and flip.old_state == State.DOWN:
        return EventKind.UP
    return None


def queue_flip(flip: Flip, *, using: str) -> int:
    """Write the notifications `flip` causes; returns how many."""
    event = event_of_flip(flip)
    if event is None:
        return 0
    reason = str(Reason(flip.reason).label) if flip.reason in _REASONS else flip.reason
    if flip.detail:
        reason = f"{reason}: {flip.detail}"
    script_id, state, at = flip.script_id, flip.new_state, flip.at
    return _queue(event, script_id, state=state, reason=reason, at=at, flip=flip, using=using)


def queue_stuck(script_id: int, *, count: int, at: datetime, detail: str, using: str) -> int:
    """Write the notifications for runs of a script ended as stuck."""
    return _queue(EventKind.STUCK, script_id, state="", reason=detail, at=at, flip=None, using=using)


def _queue(
    event: str, script_id: int, *, state: str, reason: str, at: datetime, flip: Flip | None, using: str
) -> int:
    connection = connections[using]
    when = connection.ops.adapt_datetimefield_value(at)
    params = {
        "script": script_id, "event": event, "flip": flip.pk if flip else None, "state": state,
        "reason": reason[:REASON_LENGTH], "status": Status.PENDING.value, "at": when,
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_queue_sql(connection.vendor), params)
        return cursor.rowcount


# Every flip that alerts runs this: one statement that finds the channels wanting the event of
# this script (those with no scripts chosen, or this one among them) and writes a row for each.
# Written out, as reading the channels and inserting through the ORM cost a flip more than
# recording its run does (bench row 19d; scripts_app.monitoring.states says the same of its reads).
# Each row's event id is a fresh random (version 4) UUID, made by the database.
# The event is one parameter used twice, so both uses have one type: PostgreSQL, binding the
# parameters itself (settings: DATABASE_PREPARED_STATEMENTS), refuses varchar in one and text in
# the other.
_WANTS_EVENT = {
    "sqlite": "EXISTS (SELECT 1 FROM json_each(c.events) e WHERE e.value = %(event)s)",
    "postgresql": "c.events @> jsonb_build_array(%(event)s::varchar)",
}
_RANDOM_UUID = {
    # Django keeps a UUID on SQLite as 32 hex digits: random ones, with the version digit 4 and
    # the variant digit one of 8, 9, a, b.
    "sqlite": (
        "lower(hex(randomblob(6))) || '4' || substr(lower(hex(randomblob(2))), 2) "
        "|| substr('89ab', 1 + abs(random()) %% 4, 1) || substr(lower(hex(randomblob(8))), 2)"
    ),
    "postgresql": "gen_random_uuid()",
}


@cache
def _queue_sql(vendor: str) -> str:
    channels, scripts = Channel._meta.db_table, Channel.scripts.through._meta.db_table
    return (
        f"INSERT INTO {Notification._meta.db_table} (channel_id, script_id, event, flip_id, state, "
        "reason, status, attempts, next_attempt_at, last_status, last_error, created_at, event_id) "
        "SELECT c.id, %(script)s, %(event)s, %(flip)s, %(state)s, %(reason)s, %(status)s, 0, %(at)s, "
        f"'', '', %(at)s, {_RANDOM_UUID[vendor]} FROM {channels} c "
        f"WHERE {_WANTS_EVENT[vendor]} AND ("
        f"NOT EXISTS (SELECT 1 FROM {scripts} m WHERE m.channel_id = c.id) "
        f"OR EXISTS (SELECT 1 FROM {scripts} m WHERE m.channel_id = c.id AND m.script_id = %(script)s)"
        ") ORDER BY c.id"
    )


def flip_recorded(sender, flip: Flip, using: str, **kwargs) -> None:
    queue_flip(flip, using=using)


def runs_ended_stuck(
    sender, script_id: int, count: int, at: datetime, detail: str, using: str, **kwargs
) -> None:
    queue_stuck(script_id, count=count, at=at, detail=detail, using=using)
