"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against live_server."""

from __future__ import annotations

import os
import shutil

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from dashboard_app.tests.browser_helpers import watch_csp_violations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (pip install -r requirements-dev.txt)")
    if not shutil.which(CHROMIUM):
        pytest.skip(f"No Chromium at {CHROMIUM}: install Debian's package with `apt-get install chromium`")
    # Playwright's sync API leaves an event loop marked running on this thread
    # while it lives, which makes Django treat the test's own (synchronous)
    # ORM calls as async-unsafe, and route them to other connections. So it
    # lives for one module only, and the permission is withdrawn after it.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def staff_user(transactional_db):
    return get_user_model().objects.create_superuser("operator", password="a-long-test-password-1")


@pytest.fixture
def browser_context(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900}
    )
    yield context
    context.close()


@pytest.fixture
def console_errors():
    """Console errors and uncaught exceptions of the pages a test opens."""
    return []


@pytest.fixture
def csp_violations():
    """Content-Security-Policy violations of the pages a test opens: any fails the test."""
    return []


@pytest.fixture
def page(browser_context, console_errors, csp_violations):
    page = browser_context.new_page()
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    watch_csp_violations(page, csp_violations)
    yield page
    assert csp_violations == [], "the page broke its Content-Security-Policy"


@pytest.fixture
def logged_in(browser_context, live_server, staff_user):
    """Log the browser in as staff_user without going through the form."""
    client = Client()
    client.force_login(staff_user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    browser_context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True}]
    )
    return staff_user


_browser_seconds: list[float] = []


def pytest_runtest_logreport(report) -> None:
    if "/test_browser_" in report.nodeid:
        _browser_seconds.append(report.duration)


def pytest_terminal_summary(terminalreporter) -> None:
    # CI's log says how long the real-browser tests took (setup, call and teardown).
    if _browser_seconds:
        terminalreporter.write_line(f"browser tests: {sum(_browser_seconds):.1f} s in Chromium")
