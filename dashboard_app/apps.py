from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class DashboardAppConfig(AppConfig):
    name = "dashboard_app"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from dashboard_app import checks, receivers, rollup, rollup_triggers  # noqa: F401 (checks registers itself)
        from scripts_app import run_counts
        from scripts_app.models import Script, ScriptExecution
        from scripts_app.signals import rows_changed

        # The scripts' lists count their runs from the rollup, not the table.
        run_counts.register(rollup)

        post_save.connect(receivers.script_saved, sender=Script, dispatch_uid="stats_script_saved")
        post_delete.connect(receivers.script_deleted, sender=Script, dispatch_uid="stats_script_deleted")
        rows_changed.connect(receivers.scripts_changed, sender=Script, dispatch_uid="stats_scripts_changed")
        if rollup_triggers.moves_rollup(connections[DEFAULT_DB_ALIAS]):
            return  # PostgreSQL moves the rollup itself, in the writing statement
        pre_save.connect(
            receivers.execution_saving, sender=ScriptExecution, dispatch_uid="rollup_execution_saving"
        )
        post_save.connect(
            receivers.execution_saved, sender=ScriptExecution, dispatch_uid="rollup_execution_saved"
        )
        # No post_delete receiver for executions: it would stop Django from
        # deleting a script's executions with one DELETE (their rollup rows
        # go with the script). Their other deletions arrive through rows_changed.
        rows_changed.connect(
            receivers.executions_changed, sender=ScriptExecution, dispatch_uid="rollup_executions_changed"
        )
