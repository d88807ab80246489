"""Scripts (the `scripts` table): the registry, each script's expected schedule, its state and
the secret of its ping URLs."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Case, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scripts_app.announcing import AnnouncingQuerySet, TracksSavedState
from scripts_app.tables.runs import ScriptExecution


class State(models.TextChoices):
    """A script's state (scripts_app.monitoring.states says when each holds)."""

    NEW = "new", _("new")
    UP = "up", _("up")
    LATE = "late", _("late")
    DOWN = "down", _("down")
    PAUSED = "paused", _("paused")


def default_time_zone() -> str:
    """A new script's schedule is read in TIME_ZONE unless it names another zone."""
    return settings.TIME_ZONE


def new_ping_key() -> str:
    """The secret in a script's ping URLs: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


class ScriptQuerySet(AnnouncingQuerySet):
    def inactive(self) -> ScriptQuerySet:
        """Scripts switched off."""
        return self.filter(active=False)

    def failed_on(self, day: date) -> ScriptQuerySet:
        """Scripts with at least one `error` execution started on a local day."""
        return self.filter(pk__in=ScriptExecution.objects.failed_on(day).values("script_id"))

    def toggle_active(self) -> int:
        """Flip `active` in one UPDATE, so two concurrent toggles both count."""
        flipped = Case(When(active=True, then=Value(False)), default=Value(True))
        return self.update(active=flipped, updated_at=timezone.now())

    def with_last_execution(self) -> ScriptQuerySet:
        """Annotate last_status and last_started_at: one query, via the (script, started_at) index."""
        last = ScriptExecution.objects.filter(script=OuterRef("pk")).order_by("-started_at", "-id")[:1]
        return self.annotate(
            last_status=Subquery(last.values("status")),
            last_started_at=Subquery(last.values("started_at")),
        )


class Script(TracksSavedState):
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True, default="")
    active = models.BooleanField(_("active"), default=True, db_index=True)
    execution_order = models.IntegerField(_("execution order"), default=0)
    # Defaults rather than auto_now*, which fixtures (raw saves) skip.
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)

    # When it is expected to run (scripts_app.monitoring.schedule): a cron expression read in
    # `time_zone`, or every `period_seconds`; late after that, down once `grace_seconds` more
    # have passed with no run started. A run still running after `max_runtime_seconds` is
    # ended as failed. Down after `down_after_failures` failed runs in a row, up again after
    # `up_after_successes` runs in a row succeeded.
    schedule = models.CharField(_("schedule (cron)"), max_length=120, blank=True, default="")
    period_seconds = models.PositiveIntegerField(_("period (seconds)"), null=True, blank=True)
    grace_seconds = models.PositiveIntegerField(_("grace (seconds)"), default=3600)
    max_runtime_seconds = models.PositiveIntegerField(
        _("maximum run time (seconds)"), null=True, blank=True
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default=default_time_zone)
    down_after_failures = models.PositiveSmallIntegerField(_("down after failed runs"), default=1)
    up_after_successes = models.PositiveSmallIntegerField(_("up after successful runs"), default=1)

    # Its state, derived and stored (scripts_app.monitoring.states): what evaluate() decided
    # last, why, and when the watcher must look again.
    state = models.CharField(
        _("state"), max_length=8, choices=State.choices, default=State.UP, editable=False
    )
    failing = models.BooleanField(_("down because of its runs"), default=False, editable=False)
    next_due = models.DateTimeField(_("next due"), null=True, blank=True, editable=False)
    check_at = models.DateTimeField(_("next check"), null=True, blank=True, editable=False)
    last_flip_at = models.DateTimeField(_("state since"), null=True, blank=True, editable=False)
    # The due time counts from the last run's start, or from this (a schedule set or changed,
    # the script switched on again) when later.
    watched_since = models.DateTimeField(_("watched since"), default=timezone.now, editable=False)

    # Ping URLs (scripts_app.monitoring.pings): their secret, and this minute's count of pings.
    ping_key = models.CharField(
        _("ping key"), max_length=64, unique=True, default=new_ping_key, editable=False
    )
    pings_minute = models.DateTimeField(null=True, blank=True, editable=False)
    pings_in_minute = models.PositiveIntegerField(default=0, editable=False)

    objects = ScriptQuerySet.as_manager()
    # What the receivers compare before and after a save (dashboard counters, states).
    tracked_fields = ("active", "schedule", "period_seconds", "time_zone")

    class Meta:
        db_table = "scripts"
        ordering = ["execution_order", "id"]
        verbose_name = _("script")
        verbose_name_plural = _("scripts")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="script_name_not_blank"),
            models.CheckConstraint(
                condition=Q(schedule="") | Q(period_seconds__isnull=True), name="script_cron_or_period"
            ),
            models.CheckConstraint(condition=Q(grace_seconds__gt=0), name="script_grace_positive"),
            models.CheckConstraint(
                condition=Q(down_after_failures__gt=0, up_after_successes__gt=0),
                name="script_thresholds_positive",
            ),
        ]
        indexes = [
            # The watcher reads only the scripts whose check time has come.
            models.Index(fields=["check_at"], name="script_check_at", condition=Q(check_at__isnull=False)),
            # Needs attention, worst first; ?state= filters.
            models.Index(fields=["state", "last_flip_at"], name="script_state_since"),
            # The lists' order: a page of scripts is a page of this index, not a sort of them all.
            models.Index(fields=["execution_order", "id"], name="script_list_order"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def success_rate(self) -> float | None:
        """Of the runs started in the last 7 local days that ended, the share that succeeded;
        None when none ended. Read from health.with_health()'s succeeded_7d and ended_7d (in
        Python: as an annotation it ran both of their subqueries again for every script)."""
        ended = getattr(self, "ended_7d", None)
        return self.succeeded_7d / ended if ended else None

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.updated_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)
