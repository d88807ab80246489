"""Scripts (workflows) and the record of their runs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scripts_app.announcing import AnnouncingQuerySet, TracksSavedState
from scripts_app.dates import day_window


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

    objects = ScriptQuerySet.as_manager()
    tracked_fields = ("active",)

    class Meta:
        db_table = "scripts"
        ordering = ["execution_order", "id"]
        verbose_name = _("script")
        verbose_name_plural = _("scripts")
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="script_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.updated_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)


class Status(models.TextChoices):
    RUNNING = "running", _("running")
    SUCCESS = "success", _("success")
    ERROR = "error", _("error")
    CANCELLED = "cancelled", _("cancelled")


# A run in one of these is over; `running` is the only other status.
ENDED_STATUSES = (Status.SUCCESS, Status.ERROR, Status.CANCELLED)


# The instants every supported database can store *and* Python can read back:
# PostgreSQL would store 0001-01-01 00:00+14:00 (year 0 in UTC), then fail
# every read of that row.
EARLIEST_INSTANT = datetime.min.replace(tzinfo=UTC)
LATEST_INSTANT = datetime.max.replace(tzinfo=UTC)


class ScriptExecutionQuerySet(models.QuerySet):
    def started_on(self, day: date) -> ScriptExecutionQuerySet:
        """Executions whose started_at falls on a local day (an indexed range)."""
        start, end = day_window(day)
        return self.filter(started_at__gte=start, started_at__lt=end)

    def failed(self) -> ScriptExecutionQuerySet:
        return self.filter(status=Status.ERROR)

    def failed_on(self, day: date) -> ScriptExecutionQuerySet:
        """The failed runs behind Script.objects.failed_on(day)."""
        return self.started_on(day).failed()


class ScriptExecution(models.Model):
    """One run of a script. Nothing in Python watches its writes: triggers in the database
    count every insert, update and delete into the dashboard's rollup (README, "How a write
    reaches the counters"), so bulk writes and raw SQL are counted like save()."""

    script = models.ForeignKey(
        Script,
        verbose_name=_("script"),
        on_delete=models.CASCADE,
        related_name="executions",
        # Covered by the (script, started_at) index below.
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    error_message = models.TextField(_("error message"), blank=True, default="")

    objects = ScriptExecutionQuerySet.as_manager()

    class Meta:
        db_table = "script_executions"
        ordering = ["-started_at", "-id"]
        verbose_name = _("script execution")
        verbose_name_plural = _("script executions")
        indexes = [
            # Today's failures, distinct scripts: answered from the index alone.
            models.Index(fields=["status", "started_at", "script"], name="exec_status_started_script"),
            # A script's runs and its last run; also serves the foreign key.
            models.Index(fields=["script", "started_at"], name="exec_script_started"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="execution_status_valid"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(completed_at__gte=F("started_at")),
                name="execution_completed_not_before_start",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.RUNNING) | Q(completed_at__isnull=True),
                name="running_execution_not_completed",
            ),
            models.CheckConstraint(
                condition=Q(started_at__gte=EARLIEST_INSTANT, started_at__lte=LATEST_INSTANT),
                name="execution_started_in_range",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(completed_at__lte=LATEST_INSTANT),
                name="execution_completed_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.script_id} {self.status} {self.started_at:%Y-%m-%d %H:%M:%S}"

    def clean(self) -> None:
        for name in ("started_at", "completed_at"):
            value = getattr(self, name)
            try:
                if value is not None and value.tzinfo is not None:
                    value.astimezone(UTC)
            except OverflowError:
                raise ValidationError(
                    {name: _("This time is out of the range that can be stored.")}
                ) from None
        if self.completed_at and self.started_at and self.completed_at < self.started_at:
            raise ValidationError(
                {"completed_at": _("The completion time may not be earlier than the start time.")}
            )
        if self.status == Status.RUNNING and self.completed_at:
            raise ValidationError({"completed_at": _("A running execution has no completion time.")})
