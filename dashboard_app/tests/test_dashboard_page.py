"""The dashboard page as the server renders it (before its script runs)."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.contrib.auth import get_user_model

from conftest import at
from dashboard_app.counters import stats

NOON = at("2026-11-26 12:00", "Asia/Seoul")


@pytest.fixture
def operator_client(client, db):
    client.force_login(get_user_model().objects.create_user("viewer", password="x-long-password-9"))
    return client


def shown(html: str) -> dict[str, int]:
    return {key: int(value) for key, value in re.findall(r'data-stat="(\w+)">(\d+)<', html)}


def test_it_sends_anonymous_visitors_to_the_login_page(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"


def test_it_renders_the_four_counters_as_the_stats_module_counts_them(
    operator_client, make_script, make_execution, seoul
):
    with time_machine.travel(NOON, tick=False):
        broken = make_script(active=False)
        make_execution(broken, status="error")
        make_execution(broken, status="error")
        make_script()
        html = operator_client.get("/").content.decode()
        expected = stats.get_stats(use_cache=False).values
    assert (
        shown(html)
        == expected
        == {
            "total_scripts": 2,
            "today_executions": 2,
            "today_failed_scripts": 1,
            "inactive_scripts": 1,
        }
    )


def test_it_says_which_day_and_zone_it_counts_and_when(operator_client, seoul):
    with time_machine.travel(NOON, tick=False):
        html = operator_client.get("/").content.decode()
    assert 'data-meta="date" datetime="2026-11-26"' in html
    assert '<span data-meta="time_zone">Asia/Seoul</span>' in html
    assert 'datetime="2026-11-26T12:00:00+09:00"' in html  # computed at


def test_daily_counters_link_to_the_list_of_the_day_they_count(operator_client, seoul):
    with time_machine.travel(NOON, tick=False):
        html = operator_client.get("/").content.decode()
    assert 'href="/counters/today_executions/?day=2026-11-26"' in html
    assert 'href="/counters/today_failed_scripts/?day=2026-11-26"' in html
    assert 'href="/counters/total_scripts/"' in html
    assert 'href="/counters/inactive_scripts/"' in html


def test_the_counters_are_a_live_region_and_refresh_every_30_seconds(operator_client, settings):
    html = operator_client.get("/").content.decode()
    assert re.search(r'<section class="counters"[^>]*aria-live="polite"', html)
    assert 'data-refresh-seconds="30"' in html
    assert 'data-stats-url="/api/dashboard/stats"' in html


def test_the_history_chart_covers_14_days_ending_today(operator_client, make_execution, seoul):
    with time_machine.travel(NOON, tick=False):
        make_execution(status="success")
        make_execution(status="running")
        html = operator_client.get("/").content.decode()
    shown = r'data-day="([\d-]+)" data-total="(\d+)" data-running="(\d+)" data-success="(\d+)"'
    days = re.findall(shown, html)
    assert len(days) == 14
    assert days[0] == ("2026-11-13", "0", "0", "0")
    assert days[-1] == ("2026-11-26", "2", "1", "1")
    assert html.count('class="bar-zero"') == 13  # every empty day is drawn, not left as a gap


@pytest.mark.parametrize(("asked", "shown"), [("7", 7), ("30", 30), ("14", 14), ("9", 14), ("x", 14)])
def test_the_chart_shows_7_14_or_30_days(operator_client, seoul, asked, shown):
    with time_machine.travel(NOON, tick=False):
        html = operator_client.get(f"/?days={asked}").content.decode()
    assert len(re.findall(r'<a class="day" ', html)) == shown
    assert re.search(rf'data-range="{shown}"[^>]*aria-current|aria-current="true" data-range="{shown}"', html)


def test_the_navigation_shows_admin_to_staff_only(operator_client, admin_client):
    assert 'href="/admin/"' not in operator_client.get("/").content.decode()
    html = admin_client.get("/").content.decode()
    assert 'href="/admin/"' in html
    assert 'href="/api/docs/"' in html


def test_a_warm_dashboard_takes_a_handful_of_queries(
    operator_client, make_execution, django_assert_max_num_queries
):
    for _ in range(5):
        make_execution()
    operator_client.get("/")  # warms the counters
    with django_assert_max_num_queries(5):  # session, user, counters, history
        operator_client.get("/")
