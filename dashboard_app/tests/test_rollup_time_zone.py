"""A change of TIME_ZONE moves every day boundary. Nothing is recounted inside a request: until
an operator runs `refresh_stats`, reads count the executions themselves and say so."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.management import call_command

from conftest import at, fresh_counts, fresh_rollup, stored_rollup
from dashboard_app.counters import stats
from dashboard_app.models import RollupZone
from dashboard_app.rollup import zone
from scripts_app import run_history
from scripts_app.run_filter import RunFilter

# These tests act as the operator themselves (conftest.rollup_follows_time_zone stands aside).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.rollup_zone_untouched]

# 00:30 in Seoul on the 27th is 15:30 UTC on the 26th: the runs below fall on one day in UTC
# and on two in Seoul.
JUST_AFTER_MIDNIGHT_IN_SEOUL = at("2026-11-27 00:30", "Asia/Seoul")


@pytest.fixture
def counted_in_utc(settings, make_script, make_execution):
    settings.TIME_ZONE = "UTC"
    call_command("refresh_stats", stdout=io.StringIO())
    with time_machine.travel(JUST_AFTER_MIDNIGHT_IN_SEOUL, tick=False):
        script = make_script()
        make_execution(script, status="error", started_at=at("2026-11-26 15:10", "UTC"))  # Seoul: the 27th
        make_execution(script, status="success", started_at=at("2026-11-26 13:00", "UTC"))  # Seoul: the 26th
        assert stats.get_stats().values["today_executions"] == 2
        yield script


def test_a_new_time_zone_is_counted_from_the_executions_until_refresh_stats(
    settings, counted_in_utc, make_execution, client, admin_user
):
    settings.TIME_ZONE = "Asia/Seoul"
    read = stats.get_stats()

    assert zone.counted_zone() == "UTC"  # the read recounted nothing
    assert read.values == fresh_counts()
    assert read.values["today_executions"] == 1  # only the 15:10 UTC run is on Seoul's 27th
    assert read.source == "live" and "UTC" in read.notice and "Asia/Seoul" in read.notice
    assert run_history.count_runs(RunFilter.of(day=read.day)) == 1  # the lists count the executions too
    client.force_login(admin_user)
    assert b"data-rollup-notice" in client.get("/").content
    assert "Asia/Seoul" in client.get("/api/dashboard/stats").json()["meta"]["notice"]

    call_command("refresh_stats", stdout=io.StringIO())

    assert zone.counted_zone() == "Asia/Seoul"
    assert stored_rollup() == fresh_rollup()
    read = stats.get_stats()
    assert (read.values, read.notice) == (fresh_counts(), None)
    assert b"data-rollup-notice" not in client.get("/").content
    # From then on the triggers count new runs on Seoul's days too.
    make_execution(counted_in_utc, status="error", started_at=at("2026-11-26 14:50", "UTC"))  # the 26th
    make_execution(counted_in_utc, status="success", started_at=at("2026-11-26 15:20", "UTC"))  # the 27th
    assert stored_rollup() == fresh_rollup()
    assert stats.get_stats().values["today_executions"] == 2


def test_a_recount_that_did_not_finish_is_not_trusted(settings, counted_in_utc):
    RollupZone.objects.filter(pk=1).update(complete=False)  # as a refresh_stats killed half-way
    settings.TIME_ZONE = "UTC"  # as a process started since: it asks the database again
    read = stats.get_stats()
    assert read.values == fresh_counts() and read.notice is not None
    out = io.StringIO()
    with pytest.raises(Exception, match="rollup recount unfinished"):
        call_command("refresh_stats", "--check", stdout=out)
    call_command("refresh_stats", stdout=io.StringIO())
    assert stats.get_stats().notice is None


@time_machine.travel(JUST_AFTER_MIDNIGHT_IN_SEOUL, tick=False)
def test_check_reports_a_rollup_counted_in_another_zone_and_changes_nothing(settings, make_script):
    settings.TIME_ZONE = "UTC"
    make_script()
    stats.refresh_stats()
    settings.TIME_ZONE = "Europe/Berlin"
    out = io.StringIO()
    with pytest.raises(Exception, match="rollup time zone"):
        call_command("refresh_stats", "--check", stdout=out)
    assert "counts local days of UTC, TIME_ZONE is Europe/Berlin" in out.getvalue()
    assert zone.counted_zone() == "UTC"


def test_the_system_check_warns_of_a_rollup_counted_in_another_zone(settings, make_script):
    from dashboard_app.checks import check_rollup_zone

    settings.TIME_ZONE = "UTC"
    make_script()
    stats.refresh_stats()
    assert check_rollup_zone(databases=["default"]) == []
    settings.TIME_ZONE = "America/Santiago"
    (warning,) = check_rollup_zone(databases=["default"])
    assert warning.id == "dashboard_app.W002" and "UTC" in warning.msg
