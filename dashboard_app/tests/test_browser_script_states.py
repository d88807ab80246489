"""States in a real browser (Chromium): the dashboard's "needs attention" panel shows a script
that is down, a script page's ping line copies and reports, regenerating replaces it, and the
scripts page filters by state; under the Content-Security-Policy, with no console error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from scripts_app.models import Script, ScriptExecution, Status

pytestmark = pytest.mark.django_db(transaction=True)

CURL = "curl -fsS -m 10 --retry 5 -o /dev/null"
# SCREENSHOTS=<dir> keeps a picture of each page these tests look at.
SCREENSHOTS = os.environ.get("SCREENSHOTS")


def snapshot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def test_the_dashboard_shows_a_script_that_is_down_and_leads_to_it(
    page, logged_in, make_script, make_execution, console_errors
):
    backup = make_script(name="nightly backup", schedule="0 2 * * *", time_zone="Asia/Seoul")
    make_execution(backup, status=Status.ERROR, error_message="disk full")
    make_execution(make_script(name="fine"), status=Status.SUCCESS)
    page.goto("/")
    panel = page.get_by_role("region", name="Needs attention")
    row = panel.locator(f'[data-attention-item="{backup.pk}"]')
    expect(row).to_have_attribute("data-kind", "down")
    expect(row).to_contain_text("its runs failed")
    expect(row).to_contain_text("disk full")
    expect(panel.locator("[data-attention-item]")).to_have_count(1)
    snapshot(page, "dashboard-attention")
    row.get_by_role("link", name="nightly backup").click()
    expect(page.locator("h1")).to_have_text("nightly backup")
    expect(page.locator('[data-fact="state"] [data-state-badge]')).to_have_text("down")
    schedule = page.locator('[data-fact="schedule"]')
    expect(schedule).to_have_text("every day at 02:00, Asia/Seoul; grace 1 hour")
    assert console_errors == []


def test_all_is_well_on_a_calm_dashboard(page, logged_in, make_script, console_errors):
    make_script(name="quiet")
    page.goto("/")
    expect(page.locator("[data-all-well]")).to_have_text("All is well: no script is down, late or stuck.")
    assert console_errors == []


def test_a_ping_line_copies_and_reports_a_run(
    page, browser_context, live_server, logged_in, make_script, console_errors
):
    nightly = make_script(name="nightly", schedule="0 2 * * *")
    browser_context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(f"/scripts/{nightly.pk}/")
    url = f"{live_server.url}/ping/{nightly.ping_key}"
    line = page.locator("code#ping-success")
    expect(line).to_have_text(f"{CURL} {url}")
    expect(page.locator("code#ping-after_command")).to_have_text(f"/path/to/command; {CURL} {url}/$?")
    expect(page.locator("code#ping-start")).to_have_text(f"{CURL} {url}/start")
    snapshot(page, "script-page-ping-urls")

    page.locator('[data-ping-line="success"]').get_by_role("button", name="Copy").click()
    expect(page.locator('[data-ping-line="success"] [data-copy-status]')).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == f"{CURL} {url}"

    # What the copied line asks for, as curl would ask it.
    answer = page.request.get(line.inner_text().split()[-1])
    assert (answer.status, answer.text()) == (200, "OK")
    assert ScriptExecution.objects.filter(script=nightly, status=Status.SUCCESS).count() == 1
    page.reload()
    expect(page.locator('[data-fact="state"] [data-state-badge]')).to_have_text("up")
    assert console_errors == []


def test_regenerating_replaces_the_lines_and_the_old_url_answers_404(
    page, live_server, logged_in, make_script, console_errors
):
    nightly = make_script(name="nightly")
    old = nightly.ping_key
    page.goto(f"/scripts/{nightly.pk}/")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Regenerate ping URLs").click()
    expect(page.locator(".message-success")).to_contain_text("has new ping URLs")
    assert dialogs and "stop working at once" in dialogs[0]
    new = Script.objects.get(pk=nightly.pk).ping_key
    assert new != old
    expect(page.locator("code#ping-success")).to_have_text(f"{CURL} {live_server.url}/ping/{new}")
    assert page.request.get(f"/ping/{old}").status == 404
    assert page.request.get(f"/ping/{new}").status == 200
    assert console_errors == []


def test_dismissing_the_question_keeps_the_key(page, logged_in, make_script):
    nightly = make_script(name="nightly")
    page.goto(f"/scripts/{nightly.pk}/")
    page.on("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Regenerate ping URLs").click()
    expect(page.locator("code#ping-success")).to_contain_text(nightly.ping_key)
    assert Script.objects.get(pk=nightly.pk).ping_key == nightly.ping_key


def test_the_scripts_page_filters_by_state_and_the_switch_shows_paused(
    page, logged_in, make_script, make_execution, console_errors
):
    broken, fine = make_script(name="broken"), make_script(name="fine")
    make_execution(broken, status=Status.ERROR)
    make_execution(fine, status=Status.SUCCESS)
    page.goto("/scripts/")
    page.get_by_role("navigation", name="Filter by state").get_by_role("link", name="down").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator(f'tr[data-script="{broken.pk}"] [data-state-badge]')).to_have_text("down")
    snapshot(page, "scripts-filtered-down")

    page.goto("/scripts/")
    page.get_by_role("switch", name="fine").click()
    expect(page.locator(f'tr[data-script="{fine.pk}"] [data-state-badge]')).to_have_text("paused")
    assert console_errors == []
