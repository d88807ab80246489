"""SQLite databases migrated before SQLite moved the rollup with triggers (0002 moved
it in Python there): install the triggers and recount the rollup, under the write
lock this migration holds. Where 0002 has just installed them, nothing to do."""

from django.db import migrations


def install_triggers(apps, schema_editor):
    from dashboard_app import rollup_triggers
    from dashboard_app.rollup_rebuild import Models, rebuild

    connection = schema_editor.connection
    if connection.vendor != "sqlite" or not rollup_triggers.missing(connection):
        return
    rebuild(
        connection.alias,
        Models(
            apps.get_model("scripts_app", "ScriptExecution"),
            apps.get_model("dashboard_app", "DailyRuns"),
            apps.get_model("dashboard_app", "RollupZone"),
        ),
    )


class Migration(migrations.Migration):

    dependencies = [("dashboard_app", "0002_daily_runs")]

    # Back to 0002: its reverse (dropping the rollup) removes the triggers.
    operations = [migrations.RunPython(install_triggers, migrations.RunPython.noop)]
