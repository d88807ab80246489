"""Script health and the chart in a real browser (Chromium): the numbers add up and lead where they say."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dashboard_app.tests.browser_helpers import counters_shown
from scripts_app.dates import day_start, local_today
from scripts_app.models import Status
from scripts_app.tests.test_script_health import expected_health

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def registry(make_script, make_execution, transactional_db):
    nightly, flaky = make_script(name="nightly"), make_script(name="flaky")
    today = local_today()
    # Halfway through the part of each day that has passed today: on that day whatever the hour.
    into_the_day = (timezone.now() - day_start(today)) / 2

    def on(days_ago: int):
        return day_start(today - timedelta(days=days_ago)) + into_the_day

    outcomes = [Status.ERROR, Status.SUCCESS, Status.CANCELLED]
    for n in range(8):
        make_execution(nightly, status=Status.SUCCESS, started_at=on(n))
        make_execution(flaky, status=outcomes[n % 3], started_at=on(n % 3), error_message=f"boom {n}")
    make_execution(flaky, status=Status.RUNNING, started_at=on(0))
    return nightly, flaky


def test_todays_column_is_the_runs_today_counter_and_leads_to_those_runs(
    page, logged_in, registry, console_errors
):
    page.goto("/")
    runs_today = counters_shown(page)["today_executions"]
    today = page.locator("a.day").last
    assert int(today.get_attribute("data-total")) == runs_today == 5
    today.click()
    page.wait_for_load_state()
    assert "/executions/?date=" in page.url
    assert int(page.locator("[data-item-count]").get_attribute("data-item-count")) == runs_today
    expect(page.locator("[data-item]")).to_have_count(runs_today)
    assert console_errors == []


def test_the_range_switch_shows_7_14_or_30_days(page, logged_in, registry):
    page.goto("/")
    expect(page.locator("a.day")).to_have_count(14)
    page.locator('[data-range="30"]').click()
    expect(page.locator("a.day")).to_have_count(30)
    expect(page.locator('[data-range="30"]')).to_have_attribute("aria-current", "true")
    page.locator('[data-range="7"]').click()
    expect(page.locator("a.day")).to_have_count(7)


def test_the_scripts_list_sorts_the_worst_first_and_reads_out_each_result(page, logged_in, registry):
    nightly, flaky = registry
    page.goto("/scripts/")
    page.get_by_role("link", name="lowest success rate first").click()
    expect(page.locator("tbody th a").first).to_have_text("flaky")
    strip = page.locator(f'tr[data-script="{flaky.pk}"] .result-strip')
    expected = expected_health(flaky)["recent"]
    assert strip.locator(".visually-hidden").all_inner_texts() == expected
    assert strip.get_attribute("aria-label") == f"Last {len(expected)} results, oldest first"


def test_a_scripts_page_shows_its_health_and_switches_it_off(page, logged_in, registry, console_errors):
    _, flaky = registry
    page.goto("/scripts/")
    page.get_by_role("link", name="flaky", exact=True).click()
    expect(page.locator("h1")).to_have_text("flaky")
    truth = expected_health(flaky)
    assert page.locator('[data-figure="runs_today"]').inner_text() == str(truth["runs_today"])
    assert page.locator('[data-figure="failures_today"]').inner_text() == str(truth["failures_today"])
    expect(page.locator("a.day")).to_have_count(30)
    assert (
        sum(
            int(total) for total in page.locator("a.day").evaluate_all("els => els.map(e => e.dataset.total)")
        )
        == 9
    )

    switch = page.get_by_role("switch")
    expect(switch).to_have_attribute("aria-checked", "true")
    switch.click()
    expect(switch).to_have_attribute("aria-checked", "false")
    page.reload()
    expect(page.get_by_role("switch")).to_have_attribute("aria-checked", "false")
    assert console_errors == []
