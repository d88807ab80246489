"""The dashboard in a real browser (Chromium) against a live server and the real API."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from dashboard_app.counters import stats
from dashboard_app.tests.browser_helpers import counters_shown, post_api, stats_from_api
from scripts_app.sample_data import load_sample_data

pytestmark = pytest.mark.django_db(transaction=True)

# `make screenshot` refreshes the README's picture; a plain test run leaves the
# working tree alone and writes to a temporary folder.
README_SCREENSHOT = Path(settings.BASE_DIR) / "docs" / "dashboard.png"


@pytest.fixture
def registry(make_script, make_execution, transactional_db):
    alpha, beta, idle = make_script(name="alpha"), make_script(name="beta"), make_script(active=False)
    make_execution(alpha, status="success")
    make_execution(beta, status="error", error_message="disk full")
    return alpha, beta, idle


def test_logging_in_shows_the_four_counters_the_api_gives(page, staff_user, registry, console_errors):
    page.goto("/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "operator")
    page.fill("#id_password", "a-long-test-password-1")
    page.click("button[type=submit].button-primary")
    expect(page.locator("h1")).to_have_text("Dashboard")

    api = stats_from_api(page)
    assert (
        counters_shown(page)
        == api["data"]
        == {
            "total_scripts": 3,
            "today_executions": 2,
            "today_failed_scripts": 1,
            "inactive_scripts": 1,
        }
    )
    assert page.locator('[data-meta="date"]').get_attribute("datetime") == api["meta"]["date"]
    assert page.locator('[data-meta="time_zone"]').inner_text() == api["meta"]["time_zone"]
    assert console_errors == []


def test_a_run_recorded_through_the_api_shows_up_without_a_reload(page, logged_in, registry, console_errors):
    alpha, *_ = registry
    page.clock.install()
    page.goto("/")
    expect(page.locator('[data-stat="today_executions"]')).to_have_text("2")
    page.evaluate("window.notReloaded = true")

    response = post_api(
        page, "/api/executions/", {"script": alpha.pk, "status": "error", "error_message": "x"}
    )
    assert response.status == 201, response.text()
    page.clock.run_for(settings.DASHBOARD_REFRESH_SECONDS * 1000 + 100)

    expect(page.locator('[data-stat="today_executions"]')).to_have_text("3")
    expect(page.locator('[data-stat="today_failed_scripts"]')).to_have_text("2")
    assert page.evaluate("window.notReloaded") is True
    assert console_errors == []


def test_refreshing_pauses_while_hidden_and_resumes_at_once_when_visible(page, logged_in, registry):
    alpha, *_ = registry
    requests = []
    page.on("request", lambda request: "/api/dashboard/stats" in request.url and requests.append(request.url))
    page.clock.install()
    page.goto("/")
    page.evaluate(
        """() => {
            Object.defineProperty(document, "hidden", {configurable: true, get: () => window.fakeHidden});
            window.fakeHidden = true;
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    page.clock.run_for(5 * 60 * 1000)
    assert requests == []

    post_api(page, "/api/executions/", {"script": alpha.pk, "status": "success"})
    page.evaluate('window.fakeHidden = false; document.dispatchEvent(new Event("visibilitychange"))')
    expect(page.locator('[data-stat="today_executions"]')).to_have_text("3")
    assert len(requests) == 1 and requests[0].endswith("use_cache=true")


def test_refresh_now_asks_for_live_numbers(page, logged_in, registry, console_errors):
    page.goto("/")
    with page.expect_response(lambda r: "/api/dashboard/stats" in r.url) as answer:
        page.get_by_role("button", name="Refresh now").click()
    assert answer.value.url.endswith("use_cache=false")
    expect(page.locator('[data-meta="source"]')).to_have_text("live")
    assert console_errors == []


def test_a_failing_stats_api_shows_an_error_and_keeps_the_last_numbers(page, logged_in, registry):
    page.goto("/")
    before = counters_shown(page)
    page.route(
        "**/api/dashboard/stats*",
        lambda route: route.fulfill(status=500, content_type="application/json", body='{"success": false}'),
    )
    page.get_by_role("button", name="Refresh now").click()

    error = page.get_by_role("alert")
    expect(error).to_be_visible()
    expect(error).to_contain_text("status 500")
    expect(page.locator("[data-counters]")).to_have_attribute("data-state", "stale")
    expect(page.locator(".counter-stale-badge").first).to_be_visible()
    assert counters_shown(page) == before != {key: 0 for key in stats.KEYS}

    page.unroute("**/api/dashboard/stats*")
    page.get_by_role("button", name="Refresh now").click()
    expect(page.locator("[data-counters]")).to_have_attribute("data-state", "fresh")
    expect(error).to_be_hidden()


def test_the_dashboard_screenshot_in_the_readme(page, logged_in, seoul, console_errors, tmp_path):
    load_sample_data()
    page.set_viewport_size({"width": 1280, "height": 860})
    page.goto("/")
    expect(page.locator('[data-stat="total_scripts"]')).to_have_text("6")
    screenshot = README_SCREENSHOT if os.environ.get("UPDATE_SCREENSHOT") else tmp_path / "dashboard.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.stat().st_size > 10_000
    assert console_errors == []
