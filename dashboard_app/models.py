"""The cached dashboard counters (the `dashboard_stats` table)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scripts_app.dates import local_today


class DashboardStat(models.Model):
    """One cached counter. dashboard_app.stats owns every read and write of it.

    `stale` and `version` make concurrent upkeep safe: a write marks the row
    stale and bumps `version` after it commits, and a recompute stores its
    value only if `version` is still the one it read before counting.
    """

    stat_key = models.CharField(_("key"), max_length=64, primary_key=True)
    stat_value = models.BigIntegerField(_("value"), default=0)
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
