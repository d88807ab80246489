"""What the browser tests read off a page or ask the API."""

from __future__ import annotations

from dashboard_app.counters import stats

# Chromium reports each Content-Security-Policy violation in the console, e.g.
# "Refused to apply inline style because it violates the following Content
# Security Policy directive: ...".
CSP_VIOLATION = "Content Security Policy"


def watch_csp_violations(page, violations: list[str]) -> None:
    """Collect into `violations` every CSP violation `page` reports (blocked or report-only)."""
    page.on("console", lambda message: CSP_VIOLATION in message.text and violations.append(message.text))


def counters_shown(page) -> dict[str, int]:
    return {key: int(page.locator(f'[data-stat="{key}"]').inner_text()) for key in stats.KEYS}


def stats_from_api(page, *, use_cache: bool = True) -> dict:
    response = page.request.get(f"/api/dashboard/stats?use_cache={'true' if use_cache else 'false'}")
    assert response.ok, response.text()
    return response.json()


def csrf_token(page) -> str:
    return page.get_attribute('meta[name="csrf-token"]', "content")


def post_api(page, path: str, data: dict | None = None):
    """A same-origin API write with the page's session and CSRF token, as the page's script does."""
    return page.request.post(path, data=data or {}, headers={"X-CSRFToken": csrf_token(page)})
