"""Writes from outside Django (raw SQL) are counted at once: the rollup's triggers see every
statement. What they cannot see (rollup rows edited by hand, a restore of one table) is
caught: today's by the TTL, every day's by refresh_stats. `refresh_stats --check` names
what drifted; refresh_stats recounts it all."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from conftest import NOON_IN_SEOUL as NOON
from conftest import fresh_counts, fresh_rollup, stored_rollup
from dashboard_app.counters import stats
from dashboard_app.models import DailyRuns, DailyTotals
from dashboard_app.tests.triggers_off import switch_off_rollup_triggers
from scripts_app.models import ScriptExecution, Status

pytestmark = pytest.mark.django_db(transaction=True)

LAST_WEEK = NOON - timedelta(days=7)


@pytest.fixture
def clock(noon_in_seoul, settings):
    settings.STATS_CACHE_TTL = 300
    return noon_in_seoul


@pytest.fixture
def registry(clock, make_script, make_execution):
    script = make_script()
    make_execution(script, status=Status.SUCCESS)
    make_execution(script, status=Status.ERROR, started_at=LAST_WEEK)
    stats.refresh_stats()
    return script


def raw_insert(script_id: int, status: str, started_at) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO script_executions (script_id, status, started_at, error_message) "
            "VALUES (%s, %s, %s, '')",
            [script_id, status, connection.ops.adapt_datetimefield_value(started_at)],
        )


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("refresh_stats", *args, stdout=out)
    return out.getvalue()


SHIFT_BACK_THREE_DAYS = {
    "postgresql": "UPDATE script_executions SET started_at = started_at - interval '3 days'",
    "sqlite": "UPDATE script_executions SET started_at = datetime(started_at, '-3 days')",
}


def test_runs_written_with_raw_sql_are_counted_at_once_by_the_triggers(registry):
    raw_insert(registry.pk, Status.ERROR, NOON)
    raw_insert(registry.pk, Status.SUCCESS, LAST_WEEK)
    read = stats.get_stats()
    assert (read.values, read.source) == (fresh_counts(), "cache")
    assert read.values["today_failed_scripts"] == 1
    assert stored_rollup() == fresh_rollup()
    with connection.cursor() as cursor:
        cursor.execute(SHIFT_BACK_THREE_DAYS[connection.vendor])
        cursor.execute("DELETE FROM script_executions WHERE status = %s", [Status.SUCCESS])
    assert stored_rollup() == fresh_rollup()
    assert stats.get_stats().values == fresh_counts()


def test_use_cache_false_recounts_today_from_the_executions(registry):
    DailyRuns.objects.filter(day=NOON.date()).update(success=40)  # as a restore of one table could
    assert stats.get_stats(use_cache=False).values == fresh_counts()
    assert stored_rollup() == fresh_rollup()


def test_check_names_the_rollup_rows_a_raw_write_left_wrong_and_changes_nothing(registry):
    DailyRuns.objects.filter(day=LAST_WEEK.date()).update(cancelled=1)  # edited by hand
    before = stored_rollup()
    with pytest.raises(CommandError, match=r"rollup \(1 rows on 1 days: 2026-11-19\)") as raised:
        run("--check")
    assert raised.value.returncode == 1
    assert stored_rollup() == before


def test_check_passes_when_the_rollup_is_true(registry):
    assert "every day equals a fresh count (ok)" in run("--check")


def test_refresh_stats_recounts_every_day_after_raw_writes(registry):
    raw_insert(registry.pk, Status.CANCELLED, LAST_WEEK - timedelta(days=30))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM script_executions WHERE status = %s", [Status.SUCCESS])
        cursor.execute("UPDATE dashboard_daily_runs SET error = error + 5")  # any derived row edited by hand
    run()
    assert stored_rollup() == fresh_rollup()
    assert stats.get_stats().values == fresh_counts()
    assert "(ok)" in run("--check")


def test_rollup_rows_of_days_without_runs_are_removed_by_a_rebuild(registry):
    DailyRuns.objects.create(day=NOON.date() - timedelta(days=100), script_id=registry.pk, success=3)
    DailyRuns.objects.create(day=NOON.date() + timedelta(days=100), script_id=registry.pk, error=1)
    with pytest.raises(CommandError):
        run("--check")
    run()
    assert stored_rollup() == fresh_rollup()


def test_a_rollup_row_edited_by_hand_for_today_is_served_until_the_ttl_then_healed(registry, clock):
    # The day's totals: the level today's counters are read from (one row: one writer made it).
    DailyTotals.objects.filter(day=NOON.date()).update(success=40, running=0, error=0, cancelled=0)
    assert stats.get_stats().values["today_executions"] == 40
    with pytest.raises(CommandError, match="today_executions"):
        run("--check")
    clock.shift(timedelta(seconds=300))
    assert stats.get_stats().values == fresh_counts()
    assert stored_rollup() == fresh_rollup()


def test_runs_at_the_edges_of_the_calendar_are_rebuilt_like_any_other(registry):
    from scripts_app.models import EARLIEST_INSTANT, LATEST_INSTANT

    ScriptExecution.objects.create(script=registry, status=Status.SUCCESS, started_at=EARLIEST_INSTANT)
    ScriptExecution.objects.create(script=registry, status=Status.ERROR, started_at=LATEST_INSTANT)
    assert stored_rollup() == fresh_rollup()
    run()
    assert stored_rollup() == fresh_rollup()
    assert "every day equals a fresh count (ok)" in run("--check")


def test_the_system_check_warns_of_missing_triggers_and_refresh_stats_puts_them_back(registry):
    from dashboard_app.checks import check_rollup_zone

    assert check_rollup_zone(databases=["default"]) == []
    switch_off_rollup_triggers(connection)
    raw_insert(registry.pk, Status.ERROR, NOON)  # not counted: no trigger saw it
    (warning,) = check_rollup_zone(databases=["default"])
    assert warning.id == "dashboard_app.W003"
    run()
    assert check_rollup_zone(databases=["default"]) == []
    assert stored_rollup() == fresh_rollup()
    raw_insert(registry.pk, Status.ERROR, NOON)  # counted again
    assert stored_rollup() == fresh_rollup()


def test_check_names_missing_triggers_and_refresh_stats_puts_them_back(registry):
    switch_off_rollup_triggers(connection)
    with pytest.raises(CommandError, match="rollup triggers") as raised:
        run("--check")
    assert raised.value.returncode == 1
    run()
    assert "rollup triggers" not in run("--check")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's table of offsets")
def test_check_names_offsets_that_are_no_longer_the_zones_rules(registry):
    with connection.cursor() as cursor:  # as after a tzdata upgrade that moved a transition
        cursor.execute("UPDATE dashboard_rollup_zone_offsets SET offset_seconds = offset_seconds + 3600")
    with pytest.raises(CommandError, match="offsets differs") as raised:
        run("--check")
    assert raised.value.returncode == 1
    run()
    assert "every day equals a fresh count (ok)" in run("--check")
