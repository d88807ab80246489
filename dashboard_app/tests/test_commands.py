"""refresh_stats, reset_daily_stats and the crontab command."""

import io
import stat
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command

from conftest import at
from dashboard_app.counters import recount, stats
from dashboard_app.models import DashboardStat
from scripts_app.models import Status

NOON = at("2026-11-26 12:00", "Asia/Seoul")


@pytest.fixture
def registry(seoul, make_script, make_execution):
    with time_machine.travel(NOON, tick=False) as clock:
        flaky = make_script(name="flaky")
        make_script(name="off", active=False)
        make_execution(flaky, status=Status.ERROR)
        make_execution(flaky, status=Status.SUCCESS)
        yield clock


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_refresh_stats_prints_each_counter_as_key_value_lines(registry):
    assert run("refresh_stats").splitlines() == [
        "total_scripts: 2",
        "today_executions: 2",
        "today_failed_scripts: 1",
        "inactive_scripts: 1",
    ]
    assert dict(DashboardStat.objects.values_list("stat_key", "stat_value")) == {
        "total_scripts": 2,
        "today_executions": 2,
        "today_failed_scripts": 1,
        "inactive_scripts": 1,
    }


def test_check_passes_when_the_cache_is_true(registry):
    run("refresh_stats")
    assert "(ok)" in run("refresh_stats", "--check")


def test_check_exits_1_naming_the_drifted_key_and_changes_nothing(registry):
    run("refresh_stats")
    DashboardStat.objects.filter(stat_key="today_executions").update(stat_value=40)
    with pytest.raises(CommandError, match="today_executions") as raised:
        run("refresh_stats", "--check")
    assert raised.value.returncode == 1
    assert "inactive_scripts" not in str(raised.value)
    assert DashboardStat.objects.get(stat_key="today_executions").stat_value == 40


def test_check_exit_code_from_the_command_line(registry):
    run("refresh_stats")
    DashboardStat.objects.filter(stat_key="total_scripts").update(stat_value=-1)
    with pytest.raises(SystemExit) as exited:
        from django.core.management import ManagementUtility

        ManagementUtility(["manage.py", "refresh_stats", "--check"]).execute()
    assert exited.value.code == 1


def test_check_ignores_rows_already_marked_for_recompute(registry):
    run("refresh_stats")
    DashboardStat.objects.filter(stat_key="total_scripts").update(stat_value=9)
    recount.mark_stale(["total_scripts"])
    assert "awaiting recompute" in run("refresh_stats", "--check")


def test_reset_daily_stats_twice_gives_the_same_counts(registry):
    run("refresh_stats")
    registry.shift(timedelta(days=1))  # the next day; yesterday's runs drop out
    first = run("reset_daily_stats")
    second = run("reset_daily_stats")
    assert first == second == "today_executions: 0\ntoday_failed_scripts: 0\n"
    daily = DashboardStat.objects.filter(stat_key__in=stats.DAILY_KEYS)
    assert {(row.day.isoformat(), row.stale, row.stat_value) for row in daily} == {("2026-11-27", False, 0)}


def test_reset_daily_stats_run_late_keeps_what_the_day_recorded(registry, make_execution):
    registry.move_to(at("2026-11-27 09:00", "Asia/Seoul"))
    make_execution(status=Status.ERROR)
    assert run("reset_daily_stats") == "today_executions: 1\ntoday_failed_scripts: 1\n"


def test_crontab_add_refuses_clearly_without_a_crontab_binary(settings, tmp_path):
    settings.CRONTAB_EXECUTABLE = str(tmp_path / "no-such-crontab")
    with pytest.raises(CommandError, match="No crontab binary"):
        run("crontab", "add")


def test_crontab_add_installs_the_hourly_reset(settings, tmp_path):
    # A stand-in crontab binary that keeps the installed table in a file.
    table = tmp_path / "table"
    fake = tmp_path / "crontab"
    fake.write_text(
        f'#!/bin/sh\nif [ "$1" = "-l" ]; then cat {table} 2>/dev/null; else cp "$1" {table}; fi\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    settings.CRONTAB_EXECUTABLE = str(fake)
    run("crontab", "add")
    line = table.read_text().strip()
    minute, hour = line.split()[:2]
    assert hour == "*" and minute.isdigit()
    assert "manage.py crontab run" in line
