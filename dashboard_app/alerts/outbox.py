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

from django.db.models import Q

from dashboard_app.alerts.tables import Channel, EventKind, Notification
from scripts_app.models import Flip, Reason, State

REASON_LENGTH = 400


def event_of_flip(flip: Flip) -> str | None:
    """The event a flip is, if it is one that alerts."""
    if flip.new_state == State.DOWN:
        return EventKind.DOWN
    if flip.new_state == State.UP and flip.old_state == State.DOWN:
        return EventKind.UP
    return None


def channels_for(event: str, script_id: int, *, using: str) -> list[Channel]:
    """The channels that want `event` of this script: one read."""
    found = Channel.objects.using(using).filter(Q(scripts=None) | Q(scripts=script_id)).distinct()
    return [channel for channel in found.order_by("pk") if event in channel.events]


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
    channels = channels_for(event, script_id, using=using)
    if not channels:
        return 0
    rows = [
        Notification(
            channel=channel, script_id=script_id, event=event, flip=flip, state=state,
            reason=reason[:REASON_LENGTH], created_at=at, next_attempt_at=at,
        )  # fmt: skip
        for channel in channels
    ]
    Notification.objects.using(using).bulk_create(rows)
    return len(rows)


def flip_recorded(sender, flip: Flip, using: str, **kwargs) -> None:
    queue_flip(flip, using=using)


def runs_ended_stuck(
    sender, script_id: int, count: int, at: datetime, detail: str, using: str, **kwargs
) -> None:
    queue_stuck(script_id, count=count, at=at, detail=detail, using=using)
