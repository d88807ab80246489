from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScriptsAppConfig(AppConfig):
    name = "scripts_app"
    verbose_name = _("Scripts")

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_save

        from scripts_app.models import Script, ScriptExecution
        from scripts_app.monitoring import receivers
        from scripts_app.signals import rows_changed

        # Each script's state follows its runs and its schedule (scripts_app.monitoring.states).
        pre_save.connect(receivers.run_saving, sender=ScriptExecution, dispatch_uid="state_run_saving")
        post_save.connect(receivers.run_saved, sender=ScriptExecution, dispatch_uid="state_run_saved")
        post_save.connect(receivers.script_saved, sender=Script, dispatch_uid="state_script_saved")
        rows_changed.connect(receivers.scripts_changed, sender=Script, dispatch_uid="state_scripts_changed")
