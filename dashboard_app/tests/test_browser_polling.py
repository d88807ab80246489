"""The dashboard polls cheaply in a real browser: If-None-Match and 304, faster while in use."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from dashboard_app.counters import stats
from dashboard_app.pages.dashboard import ACTIVE_WINDOW_SECONDS
from dashboard_app.tests.browser_helpers import counters_shown, post_api

pytestmark = pytest.mark.django_db(transaction=True)

STATS = "/api/dashboard/stats"
REGULAR_MS = settings.DASHBOARD_REFRESH_SECONDS * 1000
ACTIVE_MS = settings.DASHBOARD_ACTIVE_REFRESH_SECONDS * 1000


@pytest.fixture
def registry(make_script, make_execution, transactional_db):
    alpha = make_script(name="alpha")
    make_execution(alpha, status="error")
    stats.refresh_stats()  # so that the page and its first poll both read the cache
    return alpha


# Records, in the page, each stats request (the If-None-Match it sent) and the
# status it got, before the dashboard's own code sees the answer: by the time
# a poll has been handled its record is complete.
RECORD_POLLS = """
window.statsPolls = [];
const realFetch = window.fetch;
window.fetch = function (url, options) {
  const promise = realFetch.apply(this, arguments);
  if (!String(url).includes("/api/dashboard/stats")) {
    return promise;
  }
  const poll = {ifNoneMatch: new Headers((options || {}).headers).get("If-None-Match"), status: null};
  window.statsPolls.push(poll);
  return promise.then(function (response) {
    poll.status = response.status;
    return response;
  });
};
"""


@pytest.fixture
def polls(page):
    """Each stats request the page has made so far: [(If-None-Match it sent, the status it got)]."""
    page.add_init_script(RECORD_POLLS)
    return lambda: [(poll["ifNoneMatch"], poll["status"]) for poll in page.evaluate("window.statsPolls")]


def settle(page) -> None:
    """Wait until a poll under way has been answered and the next one planned."""
    expect(page.locator("[data-counters]")).not_to_have_attribute("aria-busy", "true")


def advance(page, milliseconds: int) -> None:
    page.clock.run_for(milliseconds)
    settle(page)


def test_an_unchanged_dashboard_is_revalidated_with_a_304(page, logged_in, registry, polls, console_errors):
    page.clock.install()
    page.goto("/")
    rendered_etag = page.get_attribute("[data-dashboard]", "data-stats-etag")
    before = counters_shown(page)

    advance(page, REGULAR_MS + 100)
    expect(page.locator("[data-counters]")).to_have_attribute("data-state", "fresh")
    assert polls() == [(rendered_etag, 304)]
    assert counters_shown(page) == before

    post_api(page, "/api/executions/", {"script": registry.pk, "status": "error"})
    advance(page, REGULAR_MS + 100)
    expect(page.locator('[data-stat="today_executions"]')).to_have_text(str(before["today_executions"] + 1))
    assert polls()[1] == (rendered_etag, 200)

    # The write moved the rollup: that answer came from the cache, and from
    # then on, with nothing new, each poll is a 304 against its tag.
    advance(page, REGULAR_MS + 100)
    advance(page, REGULAR_MS + 100)
    (_, changed), (sent_after_change, unchanged), (sent_again, still_unchanged) = polls()[1:]
    assert (changed, unchanged, still_unchanged) == (200, 304, 304)
    assert rendered_etag != sent_after_change == sent_again
    assert console_errors == []


def test_a_304_after_a_failed_poll_clears_the_error(page, logged_in, registry, polls):
    page.clock.install()
    page.goto("/")
    page.route("**/api/dashboard/stats*", lambda route: route.fulfill(status=502, body="bad gateway"))
    advance(page, REGULAR_MS + 100)
    expect(page.locator("[data-counters]")).to_have_attribute("data-state", "stale")

    page.unroute("**/api/dashboard/stats*")
    advance(page, REGULAR_MS + 100)
    assert polls()[-1][1] == 304
    expect(page.locator("[data-counters]")).to_have_attribute("data-state", "fresh")
    expect(page.get_by_role("alert")).to_be_hidden()


def test_activity_on_the_page_polls_every_few_seconds_then_slows_down(page, logged_in, registry, polls):
    page.clock.install()
    page.goto("/")
    advance(page, ACTIVE_MS + 100)
    assert polls() == []  # nobody has touched the page: the regular pace

    page.mouse.move(200, 200)
    page.mouse.move(210, 220)
    advance(page, ACTIVE_MS + 100)
    assert len(polls()) == 1
    advance(page, ACTIVE_MS + 100)
    assert len(polls()) == 2

    # Let the activity window run out, polling at the fast pace meanwhile.
    for _ in range(ACTIVE_WINDOW_SECONDS * 1000 // ACTIVE_MS):
        advance(page, ACTIVE_MS + 100)
    fast = len(polls())
    assert fast >= ACTIVE_WINDOW_SECONDS * 1000 // ACTIVE_MS
    advance(page, ACTIVE_MS + 100)
    advance(page, ACTIVE_MS + 100)
    assert len(polls()) == fast  # back to the regular pace
    advance(page, REGULAR_MS)
    assert len(polls()) == fast + 1
    assert all(status == 304 for _etag, status in polls())


def test_activity_while_the_tab_is_hidden_does_not_poll(page, logged_in, registry, polls):
    page.clock.install()
    page.goto("/")
    page.evaluate(
        """() => {
            Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    page.mouse.move(200, 200)
    page.keyboard.press("Shift")
    advance(page, 5 * 60 * 1000)
    assert polls() == []
