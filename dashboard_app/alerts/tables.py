"""The alerts' tables: channels (where alerts go) and notifications (the outbox and the log of
every delivery). dashboard_app.models gathers them for Django.

A notification is written in the transaction that records the flip causing it (alerts.outbox),
so the two commit together or not at all; the sender (alerts.sender) claims it, delivers it and
records each attempt's outcome on it. Its `event_id` is chosen when it is written and sent with
every attempt, so a receiver can drop a copy a retry delivers twice.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    EMAIL = "email", _("email")
    WEBHOOK = "webhook", _("webhook")
    APPRISE = "apprise", _("apprise (Slack, Teams, Discord, Telegram, ntfy, …)")


class EventKind(models.TextChoices):
    DOWN = "down", _("down")
    UP = "up", _("up again")
    STUCK = "stuck", _("stuck run")
    TEST = "test", _("test")


# What a channel may subscribe to (a test is sent on demand only).
SUBSCRIBABLE = (EventKind.DOWN, EventKind.UP, EventKind.STUCK)
SUBSCRIBABLE_CHOICES = [(event.value, event.label) for event in SUBSCRIBABLE]


def default_events() -> list[str]:
    return [EventKind.DOWN.value, EventKind.UP.value]


class Channel(models.Model):
    """Where alerts go: an email address, a webhook URL or an apprise URL, for some events of
    some scripts (none chosen: all)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    # An apprise URL carries its service's tokens: shown back as its scheme only.
    target = models.CharField(_("target"), max_length=2000)
    # A webhook's signing key. Write-only: never shown back once saved.
    secret = models.CharField(_("secret"), max_length=200, blank=True, default="")
    events = models.JSONField(_("events"), default=default_events)
    scripts = models.ManyToManyField(
        "scripts_app.Script", verbose_name=_("scripts"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        db_table = "alert_channels"
        ordering = ["name", "id"]
        verbose_name = _("alert channel")
        verbose_name_plural = _("alert channels")

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed")


class Notification(models.Model):
    """One event for one channel: pending until delivered, or failed after a day of retries."""

    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.CASCADE, db_index=False)
    # Indexed although every flip that alerts writes to it: without, deleting scripts on
    # PostgreSQL would scan the whole log once for each script deleted (the foreign key's check).
    script = models.ForeignKey(
        "scripts_app.Script", verbose_name=_("script"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    event = models.CharField(_("event"), max_length=8, choices=EventKind.choices)
    # Which flip caused it, for the record: no constraint and no index, which every flip would
    # pay for (bench row 19d); a flip goes only with its script, and the script's notifications
    # with it.
    flip = models.ForeignKey(
        "scripts_app.Flip", verbose_name=_("change of state"), on_delete=models.DO_NOTHING, null=True,
        blank=True, related_name="+", db_constraint=False, db_index=False,
    )  # fmt: skip
    # What the event says, fixed when it is written so that every attempt sends the same.
    state = models.CharField(_("state then"), max_length=8, blank=True, default="")
    reason = models.CharField(_("reason"), max_length=400, blank=True, default="")
    # Random (uuid4): unique without an index to prove it, which every flip would pay for.
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, editable=False)
    status = models.CharField(_("status"), max_length=9, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # A sender's lease: until then no other sender takes the row; a sender killed mid-delivery
    # leaves it to be taken again once this has passed.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claim = models.UUIDField(_("claimed by"), null=True, blank=True, editable=False)
    last_status = models.CharField(_("last answer"), max_length=40, blank=True, default="")
    last_error = models.TextField(_("last error"), blank=True, default="")
    # Set when it went out as part of a summary (a mass outage): that summary's event id.
    summary_id = models.UUIDField(_("sent in summary"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        db_table = "alert_notifications"
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The pending rows: the sender's pass reads them all (few while a sender runs), and
            # its per-script order asks whether an older one of this channel and script is still
            # pending. No index of every row by status and time: each flip would write to it.
            models.Index(
                fields=["channel", "script", "id"], name="notification_pending_order",
                condition=Q(status="pending"),
            ),  # fmt: skip
            # The rows a sender holds (a claim is cleared when its row is recorded): an empty index
            # when a row is written, so free to a flip.
            models.Index(fields=["claim"], name="notification_claimed", condition=Q(claim__isnull=False)),
            # A channel's log, newest first, read backwards. Ascending because rows come in
            # newest last: each insert lands at the end of its channel's run of the index, where
            # a descending index would put it at the start and split pages there (bench row 19d).
            models.Index(fields=["channel", "created_at", "id"], name="notification_channel_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id} ({self.status})"
