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

import json
import uuid
from datetime import datetime
from functools import cache

from django.db import connections

from dashboard_app.alerts.tables import Channel, EventKind, Notification, Status
from scripts_app.models import Flip, Reason, State

REASON_LENGTH = 400


def event_of_flip(flip: Flip) -> str | None:
    """The event a flip is, if it is one that alerts."""
    if flip.new_state == State.DOWN:
        return EventKind.DOWN
    if flip.new_state == State.UP and flip.old_state == State.DOWN:
        return EventKind.UP
    return None


def channels_for(event: str, script_id: int, *, using: str) -> list[int]:
    """The ids of the channels that want `event` of this script: one read."""
    with connections[using].cursor() as cursor:
        cursor.execute(_channels_sql(), [script_id])
        found = cursor.fetchall()
    # The events column arrives as JSON text on SQLite, decoded on PostgreSQL.
    decoded = [(pk, json.loads(events) if isinstance(events, str) else events) for pk, events in found]
    return [pk for pk, events in decoded if event in events]


def queue_flip(flip: Flip, *, using: str) -> int:
    """Write the notifications `flip` causes; returns how many."""
    event = event_of_flip(flip)
    if event is None:
        return 0
    reason = str(Reason(flip.reason).label) if flip.reason in Reason.values else flip.reason
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
    channel_ids = channels_for(event, script_id, using=using)
    if not channel_ids:
        return 0
    values = {
        "script_id": script_id, "event": event, "flip_id": flip.pk if flip else None, "state": state,
        "reason": reason[:REASON_LENGTH], "status": Status.PENDING, "attempts": 0, "next_attempt_at": at,
        "last_status": "", "last_error": "", "created_at": at,
    }  # fmt: skip
    rows = [{**values, "channel_id": pk, "event_id": uuid.uuid4()} for pk in channel_ids]
    _insert(rows, using)
    return len(rows)


# Every flip reads this and most write one row: written out, as composing them through the ORM
# cost more than running them (as scripts_app.monitoring.states says of its own reads).
@cache
def _channels_sql() -> str:
    channels, scripts = Channel._meta.db_table, Channel.scripts.through._meta.db_table
    return (
        f"SELECT c.id, c.events FROM {channels} c WHERE "
        f"NOT EXISTS (SELECT 1 FROM {scripts} m WHERE m.channel_id = c.id) "
        f"OR EXISTS (SELECT 1 FROM {scripts} m WHERE m.channel_id = c.id AND m.script_id = %s) ORDER BY c.id"
    )


def _insert(rows: list[dict], using: str) -> None:
    connection = connections[using]
    names = list(rows[0])
    fields = [Notification._meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    params = [
        field.get_db_prep_save(row[name], connection)
        for row in rows
        for name, field in zip(names, fields, strict=True)
    ]
    sql = f"INSERT INTO {Notification._meta.db_table} ({columns}) VALUES {', '.join([one] * len(rows))}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def flip_recorded(sender, flip: Flip, using: str, **kwargs) -> None:
    queue_flip(flip, using=using)


def runs_ended_stuck(
    sender, script_id: int, count: int, at: datetime, detail: str, using: str, **kwargs
) -> None:
    queue_stuck(script_id, count=count, at=at, detail=detail, using=using)
