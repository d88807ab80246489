"""The migration that adds the rollup builds it from the executions already recorded."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from conftest import fresh_rollup, stored_rollup

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("dashboard_app", "0001_initial"), ("scripts_app", "0002_execution_times_in_range")]
WITH_ROLLUP = [("dashboard_app", "0002_daily_runs")]


@pytest.fixture
def executor():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    yield executor
    executor.loader.build_graph()
    executor.migrate(latest)


def test_migrating_counts_the_existing_runs_into_the_rollup(executor, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps  # models without receivers: no rollup upkeep
    Script, ScriptExecution = (
        old.get_model("scripts_app", "Script"),
        old.get_model("scripts_app", "ScriptExecution"),
    )
    now = timezone.now()
    scripts = [Script.objects.create(name=f"old-{i}") for i in range(3)]
    for days_ago in range(0, 40, 3):
        for index, script in enumerate(scripts):
            status = ["success", "error", "cancelled"][(days_ago + index) % 3]
            ScriptExecution.objects.create(
                script=script, status=status, started_at=now - timedelta(days=days_ago)
            )

    executor.loader.build_graph()
    executor.migrate(WITH_ROLLUP)

    assert stored_rollup() == fresh_rollup() != {}
    new = executor.loader.project_state(WITH_ROLLUP).apps
    assert new.get_model("dashboard_app", "RollupZone").objects.get().time_zone == "Europe/Berlin"


def test_counters_cached_before_the_migration_are_not_served_twice_after_it(executor, settings):
    """The day's counters are served as their value plus the rollup's moves since: a value
    cached before the rollup existed must be recounted, not added to the whole rollup."""
    from dashboard_app import stats

    settings.TIME_ZONE = "Europe/Berlin"
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Script, ScriptExecution = (
        old.get_model("scripts_app", "Script"),
        old.get_model("scripts_app", "ScriptExecution"),
    )
    DashboardStat = old.get_model("dashboard_app", "DashboardStat")
    script = Script.objects.create(name="old")
    for status in ("success", "error", "success"):
        ScriptExecution.objects.create(script=script, status=status, started_at=timezone.now())
    today_in_berlin = timezone.now().astimezone(ZoneInfo("Europe/Berlin")).date()
    for key, value in (("today_executions", 3), ("today_failed_scripts", 1)):  # as the old cache held them
        DashboardStat.objects.create(stat_key=key, stat_value=value, day=today_in_berlin)

    executor.loader.build_graph()
    executor.migrate(WITH_ROLLUP)

    read = stats.get_stats()
    assert (read.values["today_executions"], read.values["today_failed_scripts"]) == (3, 1)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite: 0002 moved the rollup in Python there")
def test_a_sqlite_database_migrated_before_the_triggers_gets_them_and_a_true_rollup(executor, settings):
    from dashboard_app import rollup_triggers

    settings.TIME_ZONE = "America/New_York"
    executor.migrate(WITH_ROLLUP)
    rollup_triggers.remove(connection)  # as 0002 left a SQLite database before the triggers
    old = executor.loader.project_state(WITH_ROLLUP).apps
    Script, ScriptExecution = (
        old.get_model("scripts_app", "Script"),
        old.get_model("scripts_app", "ScriptExecution"),
    )
    script = Script.objects.create(name="old")
    ScriptExecution.objects.create(script=script, status="error", started_at=timezone.now())  # not counted
    assert stored_rollup() != fresh_rollup()

    executor.loader.build_graph()
    executor.migrate([("dashboard_app", "0003_sqlite_rollup_triggers")])

    assert rollup_triggers.missing(connection) == []
    assert stored_rollup() == fresh_rollup() != {}
    ScriptExecution.objects.create(script=script, status="success", started_at=timezone.now())
    assert stored_rollup() == fresh_rollup()  # moved by the triggers now
