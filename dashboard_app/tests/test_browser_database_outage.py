"""The open dashboard through a database outage: it says so, keeps the last numbers, and recovers by itself.

A real `make serve` on PostgreSQL, reached through a proxy the test cuts and
restores (workflow_project/tests/tcp_proxy.py), and Chromium on the page.
"""

from __future__ import annotations

from playwright.sync_api import expect

from dashboard_app.tests.browser_helpers import watch_csp_violations
from workflow_project.tests.served import create_admin, serve_environment, served
from workflow_project.tests.served_postgres import scratch_database
from workflow_project.tests.tcp_proxy import TcpProxy

PASSWORD = "a-long-test-password-1"
WAIT_MS = 30_000  # a few polls (every 2 s here) on a loaded machine


def test_the_dashboard_shows_a_database_outage_and_recovers_by_itself(chromium, tmp_path):
    with scratch_database("poller") as database_url, TcpProxy.for_url(database_url) as proxy:
        env = serve_environment(
            tmp_path,
            DATABASE_URL=proxy.url_through(database_url),
            DASHBOARD_REFRESH_SECONDS="2",
            CONN_MAX_AGE="60",
        )
        with served(env, tmp_path / "serve.log") as server:
            create_admin(database_url, PASSWORD)
            context = chromium.new_context(base_url=server.base, locale="en-US")
            page, violations = context.new_page(), []
            watch_csp_violations(page, violations)
            page.goto("/accounts/login/")
            page.fill("#id_username", "admin")
            page.fill("#id_password", PASSWORD)
            page.keyboard.press("Enter")
            expect(page.locator("h1")).to_have_text("Dashboard")
            counters, error = page.locator("[data-counters]"), page.locator("[data-stats-error]")
            shown = page.locator('[data-stat="total_scripts"]').inner_text()

            proxy.cut()
            expect(error).to_contain_text("the database is unavailable", timeout=WAIT_MS)
            expect(counters).to_have_attribute("data-state", "stale")
            expect(page.locator('[data-stat="total_scripts"]')).to_have_text(shown)  # the last good number

            proxy.restore()
            expect(counters).to_have_attribute("data-state", "fresh", timeout=WAIT_MS)
            expect(error).to_be_hidden()
            context.close()
            assert violations == []
