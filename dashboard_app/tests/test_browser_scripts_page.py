"""The scripts page's active switch goes through the API and the dashboard follows."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from scripts_app.models import Script

pytestmark = pytest.mark.django_db(transaction=True)


def test_switching_a_script_off_on_the_scripts_page_raises_the_inactive_counter(
    page, logged_in, make_script, console_errors
):
    nightly = make_script(name="nightly")
    make_script(name="weekly", active=False)
    page.goto("/")
    expect(page.locator('[data-stat="inactive_scripts"]')).to_have_text("1")

    page.goto("/scripts/")
    switch = page.get_by_role("switch", name="nightly")
    expect(switch).to_have_attribute("aria-checked", "true")
    with page.expect_response(
        lambda r: r.url.endswith(f"/api/scripts/{nightly.pk}/toggle-active/")
    ) as answer:
        switch.click()
    assert answer.value.status == 200
    expect(switch).to_have_attribute("aria-checked", "false")
    expect(switch).to_contain_text("Inactive")
    assert Script.objects.get(pk=nightly.pk).active is False

    page.goto("/")
    expect(page.locator('[data-stat="inactive_scripts"]')).to_have_text("2")

    page.goto("/scripts/")
    page.get_by_role("switch", name="nightly").focus()
    page.keyboard.press("Space")  # keyboard users can switch it back
    expect(page.get_by_role("switch", name="nightly")).to_have_attribute("aria-checked", "true")
    page.goto("/")
    expect(page.locator('[data-stat="inactive_scripts"]')).to_have_text("1")
    assert console_errors == []
