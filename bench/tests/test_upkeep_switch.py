"""bench.upkeep: the switch that turns the dashboard's upkeep off for an on-versus-off ratio."""

import pytest

from bench.upkeep import disconnect_upkeep, reconnect_upkeep, upkeep_off
from conftest import fresh_rollup, stored_rollup
from dashboard_app.counters import stats
from dashboard_app.models import DailyRuns, DashboardStat
from scripts_app.models import ScriptExecution, Status

# Upkeep runs in and after the writes' transactions: the writes here must really commit.
pytestmark = pytest.mark.django_db(transaction=True)


def versions() -> dict[str, int]:
    return dict(DashboardStat.objects.values_list("stat_key", "version"))


@pytest.fixture
def cached(db, make_script):
    script = make_script()
    stats.get_stats()
    return script


def test_writes_with_upkeep_off_leave_the_cache_and_the_rollup_untouched(cached):
    before = versions()

    with upkeep_off():
        ScriptExecution.objects.create(script=cached, status=Status.ERROR)
        assert versions() == before
        assert not DailyRuns.objects.exists()

    assert stored_rollup() == fresh_rollup()  # recounted on the way out
    ScriptExecution.objects.create(script=cached, status=Status.ERROR)  # and with upkeep on, it moves
    assert stored_rollup() == fresh_rollup()
    assert stats.get_stats().values["today_executions"] == 2


def test_upkeep_is_back_after_the_switch_and_the_skipped_writes_are_not_served(cached):
    with upkeep_off():
        ScriptExecution.objects.create(script=cached, status=Status.ERROR)

    assert stats.get_stats().values["today_executions"] == 1
    ScriptExecution.objects.create(script=cached, status=Status.SUCCESS)
    read = stats.get_stats()
    assert (read.values["today_executions"], read.source) == (2, "cache")


def test_writes_that_leave_the_runs_as_they_were_need_no_recount(cached):
    with upkeep_off(net_zero=True):
        run = ScriptExecution.objects.create(script=cached, status=Status.ERROR)
        run.delete()
    assert stored_rollup() == fresh_rollup() == {}


def test_switching_off_what_is_not_connected_is_an_error_not_a_silent_no_op(db):
    disconnect_upkeep()
    try:
        with pytest.raises(RuntimeError, match="not connected"):
            disconnect_upkeep()
    finally:
        reconnect_upkeep()
