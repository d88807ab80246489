from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def script_receivers() -> tuple:
    """(signal, sender, receiver, dispatch_uid) for every receiver the dashboard connects: all on
    writes of scripts. Runs need none: triggers in the database count them (dashboard_app.rollup)."""
    from django.db.models.signals import post_delete, post_save, pre_delete

    from dashboard_app import receivers
    from scripts_app.models import Script
    from scripts_app.signals import rows_changed

    return (
        (post_save, Script, receivers.script_saved, "stats_script_saved"),
        (pre_delete, Script, receivers.script_deleting, "rollup_script_deleting"),
        (post_delete, Script, receivers.script_deleted, "stats_script_deleted"),
        (rows_changed, Script, receivers.scripts_changed, "stats_scripts_changed"),
    )


def alert_receivers() -> tuple:
    """(signal, sender, receiver, dispatch_uid) of the outbox: notifications are written in the
    transaction of the flip (or of the stuck runs' ending) that causes them."""
    from dashboard_app.alerts import outbox
    from scripts_app.models import Script
    from scripts_app.signals import runs_stuck, state_flipped

    return (
        (state_flipped, Script, outbox.flip_recorded, "alerts_flip_recorded"),
        (runs_stuck, Script, outbox.runs_ended_stuck, "alerts_runs_stuck"),
    )


class DashboardAppConfig(AppConfig):
    name = "dashboard_app"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from dashboard_app import checks  # noqa: F401 (registers the system checks)
        from dashboard_app.rollup import reads, zone
        from scripts_app import run_history

        # The scripts' lists, the API and the admin read runs per day from the rollup.
        run_history.register(reads)
        for signal, sender, receiver, dispatch_uid in (*script_receivers(), *alert_receivers()):
            signal.connect(receiver, sender=sender, dispatch_uid=dispatch_uid)
        # `flush` empties the zone's row with every table: count in TIME_ZONE's days again.
        post_migrate.connect(zone.record_if_missing, sender=self, dispatch_uid="rollup_zone_after_migrate")
