"""The list behind each counter is the counter's own query (stats.COUNTERS[key].rows)."""

from __future__ import annotations

import re

import pytest
import time_machine

from conftest import at
from dashboard_app.counters import stats

NOON = at("2026-11-26 12:00", "Asia/Seoul")


@pytest.fixture
def registry(make_script, make_execution, seoul):
    with time_machine.travel(NOON, tick=False):
        alpha, beta = make_script(name="alpha"), make_script(name="beta", active=False)
        make_execution(alpha, status="error", error_message="first failure")
        make_execution(alpha, status="error", error_message="second failure")
        make_execution(beta, status="success")
        make_execution(beta, status="error", started_at=at("2026-11-25 23:59:59", "Asia/Seoul"))
        yield alpha, beta


def items(response) -> int:
    return len(re.findall(r"<tr data-item[ >]", response.content.decode()))


@pytest.mark.parametrize("key", stats.KEYS)
def test_each_list_has_exactly_as_many_items_as_its_counter(admin_client, registry, key):
    response = admin_client.get(f"/counters/{key}/")
    assert response.status_code == 200
    assert items(response) == stats.get_stats().values[key]
    assert f'data-item-count="{stats.get_stats().values[key]}"' in response.content.decode()


def test_the_failed_scripts_list_shows_how_often_each_failed_that_day_and_its_last_error(
    admin_client, registry
):
    html = admin_client.get("/counters/today_failed_scripts/").content.decode()
    assert "alpha" in html and "beta" not in html
    assert 'data-failed-runs="2"' in html
    assert "second failure" in html and "first failure" not in html


def test_a_daily_list_can_show_the_day_the_dashboard_counted(admin_client, registry):
    response = admin_client.get("/counters/today_failed_scripts/?day=2026-11-25")
    assert items(response) == 1
    assert "beta" in response.content.decode()


@pytest.mark.parametrize("day", ["yesterday", "2026-13-01", "9999-12-31"])
def test_a_malformed_day_is_a_400_that_says_so(admin_client, db, day):
    response = admin_client.get(f"/counters/today_executions/?day={day}")
    assert response.status_code == 400
    assert b"YYYY-MM-DD" in response.content


def test_an_unknown_counter_is_a_404(admin_client, db):
    assert admin_client.get("/counters/all_the_things/").status_code == 404


def test_lists_need_a_login(client, db):
    assert client.get("/counters/total_scripts/").status_code == 302


def test_the_lists_query_count_does_not_grow_with_rows(admin_client, registry, django_assert_max_num_queries):
    admin_client.get("/counters/today_executions/")  # the first read of a new zone rebuilds the rollup
    with django_assert_max_num_queries(8):
        admin_client.get("/counters/today_failed_scripts/")
    with django_assert_max_num_queries(8):
        admin_client.get("/counters/today_executions/")
