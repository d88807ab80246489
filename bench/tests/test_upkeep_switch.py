"""bench.upkeep: the switch that turns stats upkeep off for an on-versus-off ratio."""

import pytest

from bench.upkeep import disconnect_upkeep, reconnect_upkeep, upkeep_off
from dashboard_app import stats
from dashboard_app.models import DashboardStat
from scripts_app.models import ScriptExecution, Status

# Upkeep runs after commit: the writes here must really commit.
pytestmark = pytest.mark.django_db(transaction=True)


def versions() -> dict[str, int]:
    return dict(DashboardStat.objects.values_list("stat_key", "version"))


@pytest.fixture
def cached(db, make_script):
    script = make_script()
    stats.get_stats()
    return script


def test_writes_with_upkeep_off_leave_the_cache_untouched(cached):
    before = versions()

    with upkeep_off():
        ScriptExecution.objects.create(script=cached, status=Status.ERROR)
        assert versions() == before

    stats.get_stats()  # fresh again after the switch marked everything stale
    fresh = versions()
    ScriptExecution.objects.create(script=cached, status=Status.ERROR)  # and with upkeep on, it does
    assert versions()["today_executions"] == fresh["today_executions"] + 1


def test_upkeep_is_back_after_the_switch_and_the_skipped_writes_are_not_served(cached):
    with upkeep_off():
        ScriptExecution.objects.create(script=cached, status=Status.ERROR)

    assert stats.get_stats().values["today_executions"] == 1  # every counter was marked stale on exit
    before = versions()
    ScriptExecution.objects.create(script=cached, status=Status.SUCCESS)
    assert versions()["today_executions"] == before["today_executions"] + 1


def test_switching_off_what_is_not_connected_is_an_error_not_a_silent_no_op(db):
    disconnect_upkeep()
    try:
        with pytest.raises(RuntimeError, match="not connected"):
            disconnect_upkeep()
    finally:
        reconnect_upkeep()
