"""Once: SQLite databases migrated while SQLite moved the rollup in Python got their triggers
here. Now a no-op: 0004 installs both databases' triggers from fixed SQL (and counts the
rollup where none exists), so this step has nothing left to do."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("dashboard_app", "0002_daily_runs")]

    operations = []
