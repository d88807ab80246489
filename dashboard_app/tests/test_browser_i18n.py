"""The pages in Korean and in English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def korean_context(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="ko-KR")
    yield context
    context.close()


def test_a_korean_browser_gets_korean_pages_and_can_switch_to_english(
    korean_context, live_server, staff_user, make_script
):
    make_script(name="백업")
    page = korean_context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "ko"
    expect(page.locator("h1")).to_have_text("로그인")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "a-long-test-password-1")
    page.locator("main button[type=submit]").click()

    expect(page.locator("h1")).to_have_text("대시보드")
    expect(page.locator(".counter-total_scripts .counter-label")).to_have_text("전체 워크플로우")
    expect(page.locator('[data-stat="total_scripts"]')).to_have_text("1")
    assert "년" in page.locator('[data-meta="date"]').inner_text()  # a Korean long date
    expect(page.get_by_role("button", name="지금 새로 고침")).to_be_visible()

    page.select_option("#language-select", "en")
    page.get_by_role("button", name="변경").click()
    expect(page.locator("h1")).to_have_text("Dashboard")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator(".counter-total_scripts .counter-label")).to_have_text("Total scripts")
    page.goto("/scripts/")
    expect(page.locator("h1")).to_have_text("Scripts")
    assert errors == []
