"""Every page loads without console errors, on a wall screen and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/",
    "/scripts/",
    "/scripts/new/",
    "/executions/",
    "/executions/?status=error",
    "/counters/total_scripts/",
    "/counters/today_executions/",
    "/counters/today_failed_scripts/",
    "/counters/inactive_scripts/",
    "/channels/",
    "/channels/new/",
    "/notifications/",
]


@pytest.fixture
def some_runs(make_script, make_execution):
    from dashboard_app.alerts.tables import Channel

    Channel.objects.create(name="ops", kind="email", target="ops-team@example.com")
    script = make_script(name="nightly backup with a rather long name to wrap")
    make_execution(script, status="error", error_message="Traceback: something went wrong " * 5)
    make_execution(script, status="success")
    return script


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1920, 1080)])
def test_pages_load_cleanly_and_fit_the_screen(page, logged_in, some_runs, console_errors, width, height):
    page.set_viewport_size({"width": width, "height": height})
    for path in [*PAGES, f"/scripts/{some_runs.pk}/edit/"]:
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.locator("h1")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
    assert console_errors == []


def test_the_login_page_and_logging_out(page, staff_user, console_errors):
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Log in")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "wrong")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    page.fill("#id_password", "a-long-test-password-1")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Dashboard")
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("h1")).to_have_text("Log in")
    assert console_errors == []


def test_the_dashboard_can_be_used_with_the_keyboard(page, logged_in, some_runs):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    focused = []
    for _ in range(20):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.getAttribute('data-counter-link')"))
    assert {"total_scripts", "today_executions", "today_failed_scripts", "inactive_scripts"} <= set(focused)
