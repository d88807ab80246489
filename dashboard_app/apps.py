from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class DashboardAppConfig(AppConfig):
    name = "dashboard_app"
    verbose_name = _("Dashboard")

    def ready(self) -> None:
        from dashboard_app import checks, receivers  # noqa: F401 (checks registers itself)
        from scripts_app.models import Script, ScriptExecution
        from scripts_app.signals import rows_changed

        post_save.connect(receivers.script_saved, sender=Script, dispatch_uid="stats_script_saved")
        post_delete.connect(receivers.script_deleted, sender=Script, dispatch_uid="stats_script_deleted")
        post_save.connect(
            receivers.execution_saved, sender=ScriptExecution, dispatch_uid="stats_execution_saved"
        )
        # No post_delete receiver for executions: it would stop Django from
        # deleting a script's executions with one DELETE. Their deletions
        # arrive through rows_changed instead.
        for model in (Script, ScriptExecution):
            rows_changed.connect(
                receivers.rows_changed, sender=model, dispatch_uid=f"stats_rows_changed_{model.__name__}"
            )
