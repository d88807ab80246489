"""The Content-Security-Policy holds in a real browser: the admin and the API docs work under it.

Every browser test fails on a CSP violation (conftest.page); this module
covers the pages the other browser tests do not open, and shows the check
itself can fail.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN_PAGES = [
    "/admin/",
    "/admin/scripts_app/script/",
    "/admin/scripts_app/script/add/",
    "/admin/scripts_app/scriptexecution/",
    "/admin/scripts_app/scriptexecution/?status__exact=error",
    "/admin/scripts_app/scriptexecution/add/",
    "/admin/dashboard_app/dashboardstat/",
    "/admin/auth/user/",
]


def test_the_admin_works_under_the_policy(page, logged_in, make_execution, console_errors):
    run = make_execution(status="error", error_message="disk full")
    for path in [*ADMIN_PAGES, f"/admin/scripts_app/script/{run.script_id}/change/"]:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
        expect(page.locator("#content")).to_be_visible()
    page.goto("/admin/scripts_app/scriptexecution/add/")
    page.locator(
        ".select2-selection"
    ).first.click()  # the script picker: select2 and jQuery, under the policy
    expect(page.locator(".select2-results__option").first).to_be_visible()
    assert console_errors == []


def test_the_admin_sign_in_page_works_under_the_policy(page, staff_user, console_errors):
    page.goto("/admin/login/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "a-long-test-password-1")
    page.keyboard.press("Enter")
    expect(page.locator("#site-name")).to_be_visible()
    assert console_errors == []


def test_swagger_ui_works_under_the_policy(page, console_errors):
    response = page.goto("/api/docs/")
    assert "style-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Workflow dashboard API")
    page.locator(".opblock-summary").first.click()  # an operation unfolds: rendered by Swagger UI's script
    expect(page.locator(".opblock-body").first).to_be_visible()
    assert console_errors == []


def test_an_inline_style_or_script_is_refused_and_fails_the_test(page, logged_in, csp_violations):
    page.goto("/")
    page.evaluate(
        """() => {
            document.body.insertAdjacentHTML("beforeend", '<p style="color: red">inline style</p>');
            const script = document.createElement("script");
            script.textContent = "window.ran = true";
            document.body.append(script);
        }"""
    )
    expect(page.locator("body")).to_contain_text("inline style")
    assert page.evaluate("window.ran") is None  # the inline script did not run
    assert any("inline style" in v for v in csp_violations) and any(
        "inline script" in v for v in csp_violations
    )
    csp_violations.clear()  # seen: this test passes
