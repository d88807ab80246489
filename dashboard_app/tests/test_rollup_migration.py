"""The migrations of the rollup: counted from the executions already recorded where none
exists (0004), left as it is where one does, with the triggers replaced by fixed SQL."""

from __future__ import annotations

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from conftest import fresh_rollup, stored_rollup
from dashboard_app.rollup import triggers

# Migrations run under the TIME_ZONE each test sets, as a release step would: nothing else
# may recount the rollup meanwhile (conftest.rollup_follows_time_zone).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.rollup_zone_untouched]

BEFORE = [("dashboard_app", "0001_initial"), ("scripts_app", "0002_execution_times_in_range")]
BEFORE_FIXED_TRIGGERS = [
    ("dashboard_app", "0003_sqlite_rollup_triggers"),
    ("scripts_app", "0003_schedules_states_pings"),
]
WITH_ROLLUP = [("dashboard_app", "0005_daily_totals")]


@pytest.fixture
def executor():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    yield executor
    executor.loader.build_graph()
    executor.migrate(latest)


def migrated_to(executor, target):
    """The models as they were at `target`, the database migrated there (no receivers: nothing
    moves the counters but the database itself)."""
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_migrating_counts_the_existing_runs_into_the_rollup(executor, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    old = migrated_to(executor, BEFORE)
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
    zone = new.get_model("dashboard_app", "RollupZone").objects.get()
    assert (zone.time_zone, zone.complete) == ("Europe/Berlin", True)
    assert triggers.missing(connection) == []


def test_counters_cached_before_the_migration_are_not_served_twice_after_it(executor, settings):
    """The day's counters are served as their value plus the rollup's moves since: a value
    cached before the rollup existed must be recounted, not added to the whole rollup."""
    from dashboard_app.counters import stats

    settings.TIME_ZONE = "Europe/Berlin"
    old = migrated_to(executor, BEFORE)
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


# Triggers of the same names as the ones 0004 replaces: on a database migrated before it they
# were created from Python; here they do nothing, so a run they saw would not be counted.
DO_NOTHING = {
    "sqlite": [
        f"CREATE TRIGGER {name} AFTER INSERT ON script_executions BEGIN SELECT 1; END"
        for name in triggers.NAMES
    ],
    "postgresql": [
        "CREATE FUNCTION dashboard_rollup_move() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RETURN NULL; END $$",
        *(
            f"CREATE TRIGGER {name} AFTER INSERT ON script_executions "
            "FOR EACH STATEMENT EXECUTE FUNCTION dashboard_rollup_move()"
            for name in triggers.NAMES
        ),
    ],
}


def test_a_database_with_a_rollup_keeps_it_and_its_old_triggers_give_way(executor, settings):
    settings.TIME_ZONE = "America/New_York"
    old = migrated_to(executor, BEFORE_FIXED_TRIGGERS)
    Script, ScriptExecution = (old.get_model("scripts_app", name) for name in ("Script", "ScriptExecution"))
    DailyRuns, RollupZone = (old.get_model("dashboard_app", name) for name in ("DailyRuns", "RollupZone"))
    script = Script.objects.create(name="old")
    ScriptExecution.objects.create(script=script, status="error", started_at=timezone.now())
    # The rollup as the old triggers kept it, counted in New York's days.
    day = timezone.now().astimezone(ZoneInfo("America/New_York")).date()
    RollupZone.objects.update_or_create(pk=1, defaults={"time_zone": "America/New_York"})
    DailyRuns.objects.create(day=day, script_id=script.pk, error=1)
    with connection.cursor() as cursor:
        for statement in DO_NOTHING[connection.vendor]:
            cursor.execute(statement)

    executor.loader.build_graph()
    executor.migrate(WITH_ROLLUP)

    # The per-script row as it was, and the day's totals counted from it (0005).
    assert stored_rollup() == fresh_rollup() == {
        (day, script.pk, "error"): 1, (day, None, "error"): 1, (day, None, "failed_scripts"): 1
    }
    assert triggers.missing(connection) == []
    ScriptExecution.objects.create(script=script, status="success", started_at=timezone.now())
    assert stored_rollup() == fresh_rollup()  # counted by the new triggers, in New York's days


def test_sqlmigrate_shows_the_triggers_sql(executor):
    out = io.StringIO()
    call_command("sqlmigrate", "dashboard_app", "0004", stdout=out)
    shown = out.getvalue()
    for name in triggers.NAMES:
        assert f"CREATE TRIGGER {name}" in shown
    # What varies is data the triggers read: the zone's name, or SQLite's table of its offsets.
    reads = {"postgresql": "FROM dashboard_rollup_zone WHERE", "sqlite": "FROM dashboard_rollup_zone_offsets"}
    assert reads[connection.vendor] in shown
