"""The migration that adds the rollup builds it from the executions already recorded."""

from __future__ import annotations

from datetime import timedelta

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
