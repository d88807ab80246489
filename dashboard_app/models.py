"""The dashboard's tables: the cached counters (dashboard_stats), the rollup of runs per day
(dashboard_daily_runs, dashboard_daily_totals) and per script's week (dashboard_week_rates)
and the zone whose days it counts (dashboard_rollup_zone); the alerts'
channels and notifications are defined with the alerts (dashboard_app/alerts/tables.py)."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dashboard_app.alerts.tables import Channel, Notification
from scripts_app.dates import local_today


class DashboardStat(models.Model):
    """One cached counter. dashboard_app.counters.stats owns every read and write of it.

    `stale` and `version` make concurrent upkeep safe: a write marks the row
    stale and bumps `version` after it commits, and a recompute stores its
    value only if `version` is still the one it read before counting.
    """

    stat_key = models.CharField(_("key"), max_length=64, primary_key=True)
    stat_value = models.BigIntegerField(_("value"), default=0)
    # Daily counters only: the day's total in the rollup when stat_value was
    # counted. A read serves stat_value plus what the rollup moved since.
    rollup_total = models.BigIntegerField(_("rollup total then"), default=0)
    # The local date a daily counter counts; ignored for the other counters.
    day = models.DateField(_("day"), default=local_today)
    stale = models.BooleanField(_("stale"), default=False)
    version = models.BigIntegerField(_("version"), default=0)
    # When the value was last computed from the tables (the TTL counts from it).
    updated_at = models.DateTimeField(_("computed at"), default=timezone.now, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "dashboard_stats"
        ordering = ["stat_key"]
        verbose_name = _("dashboard counter")
        verbose_name_plural = _("dashboard counters")

    def __str__(self) -> str:
        return f"{self.stat_key}: {self.stat_value}"


class DailyRuns(models.Model):
    """How many runs of one script started on one local day, by status: the rollup.

    Every read of history (today's counters, the chart, the lists' totals)
    sums these rows instead of counting executions, so it costs the same at
    ten million executions as at ten thousand. Triggers in the database move
    these counts in every statement that writes executions (migration 0004);
    dashboard_app.rollup.rebuild recounts them. A day is a local date in
    `RollupZone.time_zone`.
    """

    day = models.DateField(_("day"))
    # No database constraint: a script deleted with raw SQL must not make that
    # delete fail; the rollup is reconciled instead (refresh_stats).
    script = models.ForeignKey(
        "scripts_app.Script",
        verbose_name=_("script"),
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,  # covered by the (script, day) index
        related_name="+",
    )
    # One column per scripts_app.models.Status value, named after it.
    running = models.BigIntegerField(_("running"), default=0)
    success = models.BigIntegerField(_("success"), default=0)
    error = models.BigIntegerField(_("error"), default=0)
    cancelled = models.BigIntegerField(_("cancelled"), default=0)

    class Meta:
        db_table = "dashboard_daily_runs"
        verbose_name = _("runs per day")
        verbose_name_plural = _("runs per day")
        constraints = [models.UniqueConstraint(fields=["day", "script"], name="daily_runs_day_script")]
        indexes = [
            models.Index(fields=["script", "day"], name="daily_runs_script_day"),
            # A day's failed scripts, most failures first: a page of them is a page of this index.
            models.Index(
                fields=["day", "-error", "script"],
                name="daily_runs_day_failures",
                condition=models.Q(error__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.script_id}"


class DailyTotals(models.Model):
    """The rollup's per-day level: every script's runs of one local day, by status, and how many
    scripts had a failed run that day, so that a read of a day (today's counters, the chart, a
    list's total) sums a few rows, however many scripts there are.

    Kept by the same triggers, in the same statement, as DailyRuns. A day's totals are spread
    over `stripe` rows (on PostgreSQL the writing backend's, so that concurrent writers do not
    queue for one row): a day's figures are the sum of its rows.
    """

    day = models.DateField(_("day"))
    stripe = models.SmallIntegerField(_("stripe"), default=0)
    running = models.BigIntegerField(_("running"), default=0)
    success = models.BigIntegerField(_("success"), default=0)
    error = models.BigIntegerField(_("error"), default=0)
    cancelled = models.BigIntegerField(_("cancelled"), default=0)
    failed_scripts = models.BigIntegerField(_("scripts with a failed run"), default=0)

    class Meta:
        db_table = "dashboard_daily_totals"
        verbose_name = _("runs per day, all scripts")
        verbose_name_plural = _("runs per day, all scripts")
        constraints = [models.UniqueConstraint(fields=["day", "stripe"], name="daily_totals_day_stripe")]

    def __str__(self) -> str:
        return f"{self.day} ({self.stripe})"


class WeekRates(models.Model):
    """Each script's runs that ended on the rollup's week (the local days RollupZone.week_of and
    the 6 before it), how many of them succeeded, and its failed runs of week_of: the lists
    sorted by 7-day success rate read a page of the index on `rate`, however many scripts there
    are, where they summed a week of rollup rows for every script.

    Kept by the rollup's triggers in the statement that writes the runs (migration 0010), for
    the runs of the days in that week; dashboard_app.rollup.week rolls it to a new week on the
    first sorted read of a local day (or the watcher's pass, or refresh_stats). Until then,
    reads sum the rollup rows as before.
    """

    # No database constraint, as DailyRuns: a script deleted with raw SQL must not make that
    # delete fail (refresh_stats rebuilds the week).
    script = models.OneToOneField(
        "scripts_app.Script",
        verbose_name=_("script"),
        primary_key=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="+",
    )
    succeeded = models.BigIntegerField(_("succeeded"), default=0)
    ended = models.BigIntegerField(_("ended"), default=0)
    failures_today = models.BigIntegerField(_("failed on the week's last day"), default=0)
    rate = models.GeneratedField(
        expression=models.Case(
            models.When(
                ended__gt=0,
                then=Cast("succeeded", models.FloatField()) / Cast("ended", models.FloatField()),
            )
        ),
        output_field=models.FloatField(),
        db_persist=True,
        verbose_name=_("success rate"),
    )

    class Meta:
        db_table = "dashboard_week_rates"
        verbose_name = _("runs of the week")
        verbose_name_plural = _("runs of the week")
        indexes = [
            # Lowest rate first, then most failures today, then id: a page of the sort.
            models.Index(
                fields=["rate", "-failures_today", "script"],
                name="week_rates_lowest_first",
                condition=models.Q(ended__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.script_id}: {self.succeeded}/{self.ended}"


class RollupZone(models.Model):
    """The time zone whose local days the rollup counts (one row, id 1), read by the triggers
    at every write.

    A change of TIME_ZONE moves every day boundary: until `refresh_stats` has recounted every
    day in the new zone (`complete`), reads count the executions instead (rollup.zone).
    """

    time_zone = models.CharField(_("time zone"), max_length=64)
    rebuilt_at = models.DateTimeField(_("rebuilt at"), default=timezone.now)
    complete = models.BooleanField(_("every day recounted"), default=True)
    # The last day of the week WeekRates counts (None: not yet rolled; reads sum the rollup).
    week_of = models.DateField(_("week ending on"), null=True, blank=True)

    class Meta:
        db_table = "dashboard_rollup_zone"
        verbose_name = _("rollup time zone")

    def __str__(self) -> str:
        return self.time_zone


__all__ = ["Channel", "DailyRuns", "DailyTotals", "DashboardStat", "Notification", "RollupZone", "WeekRates"]
