"""Runs of scripts (the `script_executions` table): their statuses, the range of instants they
may start in, and the queries the counters are defined by."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scripts_app.dates import day_window


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


RUN_TABLE_FIELDS = ("script_id", "status", "started_at", "completed_at", "error_message")


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

    def for_run_table(self) -> ScriptExecutionQuerySet:
        """The columns a list of runs shows (the pages' run_table.html, the API's list), with
        the script's name (`script_name`): not a run's output, which can be long, nor the
        script's other columns, which made reading and building a page of 50 rows cost as much
        as drawing it. The name is a joined column, not a Script built beside each run: half
        the cost of building a row."""
        return self.only(*RUN_TABLE_FIELDS).annotate(script_name=F("script__name"))


class ScriptExecution(models.Model):
    """One run of a script. Triggers in the database count every insert, update and delete into
    the dashboard's rollup (README, "How a write reaches the counters"), so bulk writes and raw
    SQL are counted like save(); a save() also decides its script's state."""

    script = models.ForeignKey(
        "scripts_app.Script",
        verbose_name=_("script"),
        on_delete=models.CASCADE,
        related_name="executions",
        # Covered by the (script, started_at, id) index below.
        db_index=False,
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    error_message = models.TextField(_("error message"), blank=True, default="")
    # Null where empty: on SQLite a nullable column is added in place, where a NOT NULL one
    # would rebuild the table (dropping the rollup's triggers with it).
    # What a ping's POST body said (the error message of a failed run says it there).
    output = models.TextField(_("output"), null=True, blank=True)  # noqa: DJ001
    # Pairs a ping's start with its end when runs overlap (?rid=).
    rid = models.UUIDField(_("run id (pings)"), null=True, blank=True)

    objects = ScriptExecutionQuerySet.as_manager()

    class Meta:
        db_table = "script_executions"
        ordering = ["-started_at", "-id"]
        verbose_name = _("script execution")
        verbose_name_plural = _("script executions")
        indexes = [
            # Today's failures, distinct scripts: answered from the index alone.
            models.Index(fields=["status", "started_at", "script"], name="exec_status_started_script"),
            # A script's runs and its last run (or last ten), in the order they are read (newest
            # first, ties by id: an index scan with no sort, whatever the statistics say); also
            # serves the foreign key.
            models.Index(fields=["script", "started_at", "id"], name="exec_script_started_id"),
            # A script's runs still running (a ping's end, stuck runs): few, whatever the history.
            models.Index(
                fields=["script", "started_at"], name="exec_script_running", condition=Q(status="running")
            ),
            # A script's last failure (its error message on the lists of failed scripts): one probe,
            # in the statement's full order.
            models.Index(
                fields=["script", "started_at", "id"],
                name="exec_script_failed_id",
                condition=Q(status="error"),
            ),
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

    def save(self, *args, **kwargs) -> None:
        # Its script's state is decided on post_save (monitoring.receivers): in one transaction
        # with the run, so that a flip (and the alerts queued with it) commits with it or not at all.
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            super().save(*args, **kwargs)

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

    def name_of_script(self) -> str:
        """The script's name: for_run_table()'s column when the run was read with it, else
        read through the script."""
        if "script_name" in self.__dict__:
            return self.__dict__["script_name"]
        return self.script.name
