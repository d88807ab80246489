"""Exporting the filtered executions list as CSV from the page, in a real browser."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_filtering_then_exporting_downloads_the_filtered_runs(page, logged_in, make_script, make_execution):
    backup, report = make_script(name="=backup"), make_script(name="report")
    make_execution(backup, status="error", error_message="-disk full")
    make_execution(backup, status="success")
    make_execution(report, status="error", error_message="timeout")
    page.goto("/executions/")
    page.select_option("#id_status", "error")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("[data-item-count]")).to_have_attribute("data-item-count", "2")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    assert download.value.suggested_filename == "executions.csv"
    with open(download.value.path(), newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(io.StringIO(file.read())))
    assert sorted((row["script_name"], row["status"], row["error_message"]) for row in rows) == [
        ("'=backup", "error", "'-disk full"),
        ("report", "error", "timeout"),
    ]
