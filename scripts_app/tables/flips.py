"""Every change of a script's state (the `script_flips` table): the basis of its state history,
its uptime and the alerts (dashboard_app.alerts writes its notifications in the flip's own
transaction, on scripts_app.signals.state_flipped)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scripts_app.tables.scripts import Script, State


class Reason(models.TextChoices):
    """Why a state changed; `detail` says more (the failed run's error, the missed due time)."""

    FAILED = "failed", _("its runs failed")
    MISSED = "missed", _("no run started within the grace time")
    LATE = "late", _("a run was due and none has started")
    RECOVERED = "recovered", _("its runs succeeded again")
    STARTED = "started", _("a run started")
    PAUSED = "paused", _("switched off")
    RESUMED = "resumed", _("switched on")
    SCHEDULED = "scheduled", _("its schedule changed")
    RECOUNTED = "recounted", _("worked out again from its runs")


class Flip(models.Model):
    script = models.ForeignKey(
        Script, verbose_name=_("script"), on_delete=models.CASCADE, related_name="flips", db_index=False
    )  # the (script, at) index serves it
    old_state = models.CharField(_("from"), max_length=8, choices=State.choices)
    new_state = models.CharField(_("to"), max_length=8, choices=State.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.CharField(_("why"), max_length=16, choices=Reason.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True, default="")

    class Meta:
        db_table = "script_flips"
        ordering = ["-at", "-id"]
        verbose_name = _("change of state")
        verbose_name_plural = _("changes of state")
        indexes = [models.Index(fields=["script", "at"], name="flip_script_at")]

    def __str__(self) -> str:
        return f"{self.script_id}: {self.old_state} -> {self.new_state} at {self.at:%Y-%m-%d %H:%M:%S}"
