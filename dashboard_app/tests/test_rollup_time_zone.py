"""A change of TIME_ZONE moves every day boundary: the rollup notices it and is rebuilt."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.management import call_command

from conftest import at, fresh_counts, fresh_rollup, stored_rollup
from dashboard_app import rollup_rebuild, stats

pytestmark = pytest.mark.django_db(transaction=True)

# 00:30 in Seoul on the 27th is 15:30 UTC on the 26th: the runs below fall on one day in UTC
# and on two in Seoul.
JUST_AFTER_MIDNIGHT_IN_SEOUL = at("2026-11-27 00:30", "Asia/Seoul")


def test_a_new_time_zone_rebuilds_the_rollup_on_the_next_read(settings, make_script, make_execution):
    settings.TIME_ZONE = "UTC"
    with time_machine.travel(JUST_AFTER_MIDNIGHT_IN_SEOUL, tick=False):
        script = make_script()
        make_execution(script, status="error", started_at=at("2026-11-26 15:10", "UTC"))  # Seoul: the 27th
        make_execution(script, status="success", started_at=at("2026-11-26 13:00", "UTC"))  # Seoul: the 26th
        assert stats.get_stats().values["today_executions"] == 2
        assert rollup_rebuild.zone_of_rollup() == "UTC"

        settings.TIME_ZONE = "Asia/Seoul"
        read = stats.get_stats()

        assert rollup_rebuild.zone_of_rollup() == "Asia/Seoul"
        assert stored_rollup() == fresh_rollup()
        assert read.values == fresh_counts()
        assert read.values["today_executions"] == 1  # only the 15:10 UTC run is on Seoul's 27th

        # From then on the triggers count new runs on Seoul's days too.
        make_execution(script, status="error", started_at=at("2026-11-26 14:50", "UTC"))  # Seoul: the 26th
        make_execution(script, status="success", started_at=at("2026-11-26 15:20", "UTC"))  # Seoul: the 27th
        assert stored_rollup() == fresh_rollup()
        assert stats.get_stats().values["today_executions"] == 2


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
    assert rollup_rebuild.zone_of_rollup() == "UTC"


def test_the_system_check_warns_of_a_rollup_counted_in_another_zone(settings, make_script):
    from dashboard_app.checks import check_rollup_zone

    settings.TIME_ZONE = "UTC"
    make_script()
    stats.refresh_stats()
    assert check_rollup_zone(databases=["default"]) == []
    settings.TIME_ZONE = "America/Santiago"
    (warning,) = check_rollup_zone(databases=["default"])
    assert warning.id == "dashboard_app.W002" and "UTC" in warning.msg
