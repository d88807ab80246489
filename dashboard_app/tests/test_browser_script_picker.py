"""The executions page's script filter in Chromium: type part of a name, choose a script from
the API's matches, filter; the chosen script stays shown by name; emptying the field shows
every script's runs again."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_typing_then_choosing_a_script_filters_its_runs(page, logged_in, make_script, make_execution):
    backup, weekly = make_script(name="nightly-backup"), make_script(name="weekly-backup")
    report = make_script(name="report")
    for script, runs in ((backup, 2), (weekly, 1), (report, 3)):
        for _ in range(runs):
            make_execution(script)
    page.goto("/executions/")
    field = page.get_by_role("combobox", name="Script")
    field.fill("BACK")
    options = page.get_by_role("listbox", name="Scripts").get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.first).to_have_text("nightly-backup")
    field.press("ArrowDown")  # to weekly-backup
    field.press("Enter")
    expect(field).to_have_value("weekly-backup")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("[data-item-count]")).to_have_attribute("data-item-count", "1")
    assert f"script={weekly.pk}" in page.url
    expect(page.get_by_role("combobox", name="Script")).to_have_value("weekly-backup")

    field = page.get_by_role("combobox", name="Script")
    field.fill("nightly")
    page.get_by_role("listbox", name="Scripts").get_by_role("option", name="nightly-backup").click()
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("[data-item-count]")).to_have_attribute("data-item-count", "2")

    page.get_by_role("combobox", name="Script").fill("")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("[data-item-count]")).to_have_attribute("data-item-count", "6")


def test_a_name_nothing_matches_says_so_and_keeps_the_chosen_script(page, logged_in, make_execution):
    run = make_execution()
    page.goto(f"/executions/?script={run.script_id}")
    field = page.get_by_role("combobox", name="Script")
    expect(field).to_have_value(run.script.name)
    field.fill("no such script")
    expect(page.locator("[data-picker-status]")).to_have_text("No script matches.")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("combobox", name="Script")).to_have_value(run.script.name)
    expect(page.locator("[data-item-count]")).to_have_attribute("data-item-count", "1")


def test_without_javascript_the_chosen_script_is_shown_by_name(browser_context, logged_in, make_execution):
    run = make_execution()
    browser_context.route("**/*.js", lambda route: route.abort())
    page = browser_context.new_page()
    page.goto(f"/executions/?script={run.script_id}")
    field = page.get_by_role("combobox", name="Script")
    expect(field).to_have_value(run.script.name)
    expect(field).not_to_be_editable()
    page.get_by_role("button", name="Filter").click()
    assert f"script={run.script_id}" in page.url
    expect(page.locator("[data-item-count]")).to_have_attribute("data-item-count", "1")
