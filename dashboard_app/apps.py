from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils.translation import gettext_lazy as _


class DashboardAppConfig(AppConfig):
    name = "dashboard_app"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from dashboard_app import checks, receivers, rollup  # noqa: F401 (checks registers itself)
        from scripts_app import run_counts
        from scripts_app.models import Script
        from scripts_app.signals import rows_changed

        # The scripts' lists count their runs from the rollup, not the table.
        run_counts.register(rollup)

        post_save.connect(receivers.script_saved, sender=Script, dispatch_uid="stats_script_saved")
        pre_delete.connect(receivers.script_deleting, sender=Script, dispatch_uid="rollup_script_deleting")
        post_delete.connect(receivers.script_deleted, sender=Script, dispatch_uid="stats_script_deleted")
        rows_changed.connect(receivers.scripts_changed, sender=Script, dispatch_uid="stats_scripts_changed")
        # Runs need no receivers: triggers in the database move the rollup (rollup_triggers.py).
