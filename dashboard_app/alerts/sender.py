"""The sender: takes the notifications that are due, delivers them and records each outcome.

A pass claims due rows by writing a lease on them (`claimed_until`, and the pass's `claim`):
on PostgreSQL the rows are picked with SELECT ... FOR UPDATE SKIP LOCKED, so two senders never
wait on each other nor take the same row; on SQLite one conditional UPDATE claims them (SQLite
writes one statement at a time). Only the oldest pending row of each channel and script is
due, so each script's events go out in order. Deliveries happen after the claim is committed,
each bounded by a timeout; a sender killed meanwhile leaves its rows claimed until the lease
ends, and the next pass then takes them again (the event id is the same: a receiver that saw
the first copy can drop the second). A pass stops before its lease could run out while it
delivers, and hands back what it did not reach.

A failed delivery is tried again after 30 s, then 1, 2, 4 ... minutes, until a day after the
event; then it is marked failed.

A mass outage sends summaries, not a message per script. When a pass finds ALERTS_SUMMARY_AT
or more rows due for one channel, that channel gets one summary of them all, delivered (or
retried) together. When the alerts come one pass at a time instead (a hundred scripts going
down over a minute), a channel that has had alerts for ALERTS_SUMMARY_AT scripts or more in
the last minute is in a storm: what comes next is held until a minute after the oldest alert
still pending, then goes out as one summary. So the first alerts of an outage arrive at once,
and the rest of it in a summary within a minute; one script flapping is never a storm.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboard_app.alerts import channels
from dashboard_app.alerts.channels.base import Outcome
from dashboard_app.alerts.event import Event, channel_test_event
from dashboard_app.alerts.tables import Channel, EventKind, Notification, Status
from scripts_app.models import ENDED_STATUSES, ScriptExecution

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
FIRST_RETRY = timedelta(seconds=30)
GIVE_UP_AFTER = timedelta(hours=24)
# A channel told of ALERTS_SUMMARY_AT scripts or more within this long is in a storm (see above).
STORM_WINDOW = timedelta(minutes=1)
BATCH = 1000
_SUMMARY_NAMESPACE = uuid.UUID("5b3e0c8e-4d55-4f6e-9a53-1c3b8f1d2a70")


@dataclass
class Pass:
    claimed: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    summaries: int = 0
    held: int = 0
    released: int = 0


def due(now: datetime, *, using: str = DEFAULT_DB_ALIAS):
    """Pending rows whose time has come, nobody's lease on them, no older one of their channel
    and script still pending; oldest first."""
    older = Notification.objects.using(using).filter(
        channel_id=OuterRef("channel_id"), script_id=OuterRef("script_id"), status=Status.PENDING,
        pk__lt=OuterRef("pk"),
    )  # fmt: skip
    return (
        Notification.objects.using(using)
        .filter(status=Status.PENDING, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .filter(~Exists(older))
        .order_by("created_at", "pk")
    )


def claim(token: uuid.UUID, now: datetime, *, lease: timedelta = LEASE, batch: int = BATCH,
          using: str = DEFAULT_DB_ALIAS) -> list[Notification]:  # fmt: skip
    """Take up to `batch` due rows under a lease; returns them, oldest first."""
    lease_fields = {"claim": token, "claimed_until": now + lease}
    if connections[using].features.has_select_for_update_skip_locked:
        with transaction.atomic(using=using):
            picked = list(due(now, using=using).select_for_update(skip_locked=True, of=("self",))
                          .values_list("pk", flat=True)[:batch])  # fmt: skip
            Notification.objects.using(using).filter(pk__in=picked).update(**lease_fields)
    else:
        picked = due(now, using=using).values("pk")[:batch]
        due(now, using=using).filter(pk__in=picked).update(**lease_fields)
    rows = Notification.objects.using(using).filter(claim=token).select_related("channel", "script")
    return list(rows.order_by("created_at", "pk"))


def send_due(*, now: datetime | None = None, using: str = DEFAULT_DB_ALIAS, batch: int = BATCH,
             lease: timedelta = LEASE, timeout: float | None = None) -> Pass:  # fmt: skip
    """One pass: claim what is due, deliver it, record the outcomes."""
    timeout = settings.ALERTS_TIMEOUT_SECONDS if timeout is None else timeout
    now = now or timezone.now()
    token = uuid.uuid4()
    rows = claim(token, now, lease=lease, batch=batch, using=using)
    done = Pass(claimed=len(rows))
    lease_ends = now + lease
    by_channel: dict[int, list[Notification]] = {}
    for row in rows:
        by_channel.setdefault(row.channel_id, []).append(row)
    for channel_id, group in by_channel.items():
        as_summary = len(group) >= settings.ALERTS_SUMMARY_AT
        if not as_summary and _in_a_storm(channel_id, now, using):
            held_until = _storm_ends(channel_id, using)
            if now < held_until:
                done.held += _hold(group, token, held_until, using)
                continue
            as_summary = len(group) > 1
        for batch_rows in [group] if as_summary else [[row] for row in group]:
            if timezone.now() + timedelta(seconds=timeout) >= lease_ends:
                done.released += _release(token, using)
                return done
            event = summary_event(batch_rows) if as_summary else event_of(batch_rows[0], using=using)
            channel = batch_rows[0].channel
            outcome = channels.deliver(channel.kind, channel.target, channel.secret, event, timeout=timeout)
            _record(batch_rows, outcome, token, event, using=using, done=done)
            done.summaries += as_summary
    return done


def event_of(row: Notification, *, using: str = DEFAULT_DB_ALIAS) -> Event:
    """What a notification says: the same at every attempt."""
    return Event(
        id=str(row.event_id), kind=row.event, script_id=row.script_id,
        script_name=row.script.name if row.script else "", script_state=row.state or row.event,
        reason=row.reason, at=row.created_at, last_run=_last_run(row, using),
    )  # fmt: skip


def summary_event(rows: Sequence[Notification]) -> Event:
    """One event for many: its id is made from theirs, so a retry of the same rows has the same id."""
    ids = ",".join(sorted(str(row.event_id) for row in rows))
    scripts = [
        (row.script_id, row.script.name if row.script else "", row.state or row.event, row.reason)
        for row in rows
    ]
    return Event(
        id=str(uuid.uuid5(_SUMMARY_NAMESPACE, ids)), kind="summary", script_id=None, script_name="",
        script_state="", reason=_("%(count)d alerts at once: a summary.") % {"count": len(rows)},
        at=max(row.created_at for row in rows), scripts=scripts,
    )  # fmt: skip


def send_test(channel: Channel, *, timeout: float | None = None) -> Notification:
    """Deliver a test event to `channel` now, and log it like any delivery."""
    timeout = settings.ALERTS_TIMEOUT_SECONDS if timeout is None else timeout
    event = channel_test_event(timezone.now())
    outcome = channels.deliver(channel.kind, channel.target, channel.secret, event, timeout=timeout)
    now = timezone.now()
    _log(channel, event, outcome, retry_at=None)
    return Notification.objects.create(
        channel=channel, event=EventKind.TEST, event_id=uuid.UUID(event.id), reason=event.reason,
        status=Status.DELIVERED if outcome.delivered else Status.FAILED, attempts=1,
        last_status=outcome.status, last_error=outcome.error, created_at=event.at,
        next_attempt_at=event.at, delivered_at=now if outcome.delivered else None,
    )  # fmt: skip


def retry_time(attempts: int, created_at: datetime, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed ones (None: a day has passed, give up)."""
    give_up_at = created_at + GIVE_UP_AFTER
    if now >= give_up_at:
        return None
    return min(now + FIRST_RETRY * 2 ** min(attempts - 1, 20), give_up_at)


def _record(rows: Sequence[Notification], outcome: Outcome, token: uuid.UUID, event: Event, *,
            using: str, done: Pass) -> None:  # fmt: skip
    now = timezone.now()
    mine = Notification.objects.using(using).filter(claim=token)
    answer = {"last_status": outcome.status[:40], "last_error": outcome.error}
    answer.update(claim=None, claimed_until=None)
    summary_id = uuid.UUID(event.id) if event.kind == "summary" else None
    if outcome.delivered:
        mine.filter(pk__in=[row.pk for row in rows]).update(
            status=Status.DELIVERED, delivered_at=now, attempts=F("attempts") + 1, summary_id=summary_id,
            **answer,
        )
        done.delivered += len(rows)
        _log(rows[0].channel, event, outcome, retry_at=None)
        return
    for row in rows:
        retry_at = retry_time(row.attempts + 1, row.created_at, now)
        status = {"status": Status.FAILED} if retry_at is None else {"next_attempt_at": retry_at}
        mine.filter(pk=row.pk).update(attempts=F("attempts") + 1, **status, **answer)
        done.failed += retry_at is None
        done.retrying += retry_at is not None
    _log(rows[0].channel, event, outcome, retry_at=retry_time(rows[0].attempts + 1, rows[0].created_at, now))


def _in_a_storm(channel_id: int, now: datetime, using: str) -> bool:
    """Whether ALERTS_SUMMARY_AT scripts or more had alerts for this channel in the last STORM_WINDOW."""
    recent = Notification.objects.using(using).filter(
        channel_id=channel_id, created_at__gt=now - STORM_WINDOW, script__isnull=False
    )
    return recent.values("script_id").distinct().count() >= settings.ALERTS_SUMMARY_AT


def _storm_ends(channel_id: int, using: str) -> datetime:
    """When the rows held in this storm go out together: a window after the oldest still pending
    (the same instant for every row held meanwhile)."""
    pending = Notification.objects.using(using).filter(channel_id=channel_id, status=Status.PENDING)
    return pending.order_by("created_at").values_list("created_at", flat=True).first() + STORM_WINDOW


def _hold(rows: Sequence[Notification], token: uuid.UUID, until: datetime, using: str) -> int:
    held = Notification.objects.using(using).filter(claim=token, pk__in=[row.pk for row in rows])
    return held.update(next_attempt_at=until, claim=None, claimed_until=None)


def _release(token: uuid.UUID, using: str) -> int:
    return Notification.objects.using(using).filter(claim=token).update(claim=None, claimed_until=None)


def _last_run(row: Notification, using: str) -> dict | None:
    if row.script_id is None:
        return None
    runs = ScriptExecution.objects.using(using).filter(
        script_id=row.script_id, started_at__lte=row.created_at, status__in=ENDED_STATUSES
    )
    fields = ("status", "started_at", "completed_at", "error_message")
    return runs.order_by("-started_at", "-id").values(*fields).first()


def _log(channel: Channel, event: Event, outcome: Outcome, *, retry_at: datetime | None) -> None:
    # Never the target: a URL may carry a token. The outcome's words are safe (channels.base).
    if outcome.delivered:
        logger.debug(
            "Event %s (%s) delivered to channel %s: %s", event.id, event.kind, channel.pk, outcome.status
        )
        return
    then = f"retry at {retry_at.isoformat()}" if retry_at else "given up"
    logger.warning(
        "Event %s (%s) not delivered to channel %s: %s %s; %s",
        event.id, event.kind, channel.pk, outcome.status or "no answer", outcome.error, then,
    )  # fmt: skip
