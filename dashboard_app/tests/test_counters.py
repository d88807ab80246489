"""Each counter on hand-built data, read live (use_cache=False)."""

import time_machine

from conftest import at
from dashboard_app.counters import stats
from scripts_app.models import Status

NOW = "2026-11-26 12:00"


def live(**kwargs):
    return stats.get_stats(use_cache=False).values


def test_an_empty_registry_counts_zero_everywhere(db, seoul):
    assert live() == {
        "total_scripts": 0,
        "today_executions": 0,
        "today_failed_scripts": 0,
        "inactive_scripts": 0,
    }


def test_total_and_inactive_scripts_count_the_scripts_table(make_script, seoul):
    make_script()
    make_script(active=False)
    make_script(active=False)
    values = live()
    assert (values["total_scripts"], values["inactive_scripts"]) == (3, 2)


def test_today_executions_counts_every_status_started_today(make_script, make_execution, seoul):
    script = make_script()
    with time_machine.travel(at(NOW, "Asia/Seoul"), tick=False):
        for status in Status.values:  # running, success, error, cancelled
            make_execution(script, status=status if status != Status.RUNNING else Status.RUNNING)
        make_execution(script, started_at=at("2026-11-25 23:59:59", "Asia/Seoul"))
        make_execution(script, started_at=at("2026-11-27 00:00:00", "Asia/Seoul"))
        assert live()["today_executions"] == 4


def test_failed_scripts_counts_distinct_scripts_not_failed_runs(make_script, make_execution, seoul):
    flaky, broken, healthy = make_script(), make_script(), make_script()
    with time_machine.travel(at(NOW, "Asia/Seoul"), tick=False):
        for _ in range(3):
            make_execution(flaky, status=Status.ERROR)
        make_execution(broken, status=Status.ERROR)
        make_execution(healthy, status=Status.SUCCESS)
        make_execution(healthy, status=Status.CANCELLED)
        make_execution(healthy, status=Status.RUNNING)
        # An error from yesterday does not count today.
        make_execution(healthy, status=Status.ERROR, started_at=at("2026-11-25 12:00", "Asia/Seoul"))
        values = live()
    assert values["today_failed_scripts"] == 2
    assert values["today_executions"] == 7


def test_each_counter_counts_exactly_the_list_behind_it(make_script, make_execution, seoul):
    script = make_script(active=False)
    with time_machine.travel(at(NOW, "Asia/Seoul"), tick=False):
        make_execution(script, status=Status.ERROR)
        make_execution(script, status=Status.ERROR)
        values = live()
        today = stats.get_stats().day
        for key, counter in stats.COUNTERS.items():
            assert len(list(counter.rows(today))) == values[key], key
