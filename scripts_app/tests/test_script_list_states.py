"""/scripts/: each script's state and next due time, the filter by state (combined with the
sort), and the forms' schedule fields grouped under their heading."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from conftest import NOON_IN_SEOUL as NOON
from scripts_app.models import Status
from scripts_app.views import SCRIPTS_PER_PAGE

pytestmark = pytest.mark.usefixtures("noon_in_seoul")


@pytest.fixture
def scripts(make_script, make_execution):
    """down (failed), up (ran fine), new (scheduled, never ran), paused (switched off)."""
    down, up = make_script(name="down-one"), make_script(name="up-one", period_seconds=3600)
    make_execution(down, status=Status.ERROR, error_message="boom")
    make_execution(up, status=Status.SUCCESS)
    new = make_script(name="new-one", schedule="30 4 * * *", time_zone="Asia/Seoul")
    paused = make_script(name="paused-one", active=False)
    return {"down": down, "up": up, "new": new, "paused": paused}


def listed(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr data-script="(\d+)"', html)]


def row(html: str, pk: int) -> str:
    """The script's row, no-break spaces (Django's "1\xa0hour") as spaces."""
    return re.search(rf'<tr data-script="{pk}".*?</tr>', html, re.S).group(0).replace("\xa0", " ")


def test_each_row_shows_the_state_and_the_next_due_time(admin_client, scripts):
    html = admin_client.get("/scripts/").content.decode()
    for state, script in scripts.items():
        assert f'data-state="{state}" data-state-badge' in row(html, script.pk)
    # up: its next due time, one period after its run; new: the first run expected.
    assert 'data-next-due="2026-11-26T04:00:00+00:00"' in row(html, scripts["up"].pk)
    assert "(in 1 hour)" in row(html, scripts["up"].pk)
    new = row(html, scripts["new"].pk)
    assert 'data-next-due="2026-11-26T19:30:00+00:00"' in new and "(first run)" in new
    assert 'data-next-due=""' in row(html, scripts["down"].pk)


def test_the_state_filter_lists_only_that_state(admin_client, scripts):
    for state, script in scripts.items():
        html = admin_client.get(f"/scripts/?state={state}").content.decode()
        assert listed(html) == [script.pk], state
        assert re.search(rf'<a href="\?state={state}" aria-current="true" data-state-filter="{state}">', html)


def test_there_is_a_link_for_each_state_and_one_for_all(admin_client, scripts):
    html = admin_client.get("/scripts/").content.decode()
    assert re.findall(r'data-state-filter="(\w*)"', html) == ["", "new", "up", "late", "down", "paused"]


def test_the_filter_and_the_sort_combine_and_keep_each_other(
    admin_client, scripts, make_script, make_execution
):
    worse = make_script(name="worse")
    make_execution(worse, status=Status.ERROR)
    make_execution(worse, status=Status.ERROR, started_at=NOON - timedelta(minutes=5))
    html = admin_client.get("/scripts/?state=down&sort=failures").content.decode()
    assert listed(html) == [worse.pk, scripts["down"].pk]
    assert 'href="?state=up&amp;sort=failures"' in html  # a state link keeps the sort
    assert 'href="?state=down&amp;sort=success_rate"' in html  # a sort link keeps the state
    assert 'href="/scripts/?sort=failures"' in html  # "all" keeps the sort


def test_an_unknown_state_is_ignored_like_an_unknown_sort(admin_client, scripts):
    response = admin_client.get("/scripts/?state=sideways&sort=nonsense")
    assert response.status_code == 200
    assert sorted(listed(response.content.decode())) == sorted(script.pk for script in scripts.values())


def test_a_state_no_script_is_in_says_so(admin_client, scripts):
    html = admin_client.get("/scripts/?state=late").content.decode()
    assert listed(html) == [] and "No script is late." in html


def test_the_pages_of_a_filtered_list_keep_the_filter(admin_client, make_script, make_execution):
    for n in range(SCRIPTS_PER_PAGE + 1):
        make_execution(make_script(name=f"failing-{n:03}"), status=Status.ERROR)
    html = admin_client.get("/scripts/?state=down&sort=failures").content.decode()
    assert len(listed(html)) == SCRIPTS_PER_PAGE == 25
    assert "?state=down&amp;sort=failures&amp;page=2" in html


def test_the_form_groups_the_schedule_fields_under_a_heading_with_their_help(admin_client):
    html = admin_client.get("/scripts/new/").content.decode()
    fieldset = re.search(r"<fieldset[^>]*data-schedule-fields>.*?</fieldset>", html, re.S).group(0)
    assert "<legend><h2>Schedule</h2></legend>" in fieldset
    for name in ["schedule", "period_seconds", "grace_seconds", "max_runtime_seconds", "time_zone",
                 "down_after_failures", "up_after_successes"]:  # fmt: skip
        assert f'name="{name}"' in fieldset and f'id="id_{name}_helptext"' in fieldset
    assert 'name="name"' not in fieldset and 'name="name"' in html


def test_a_schedule_error_is_shown_under_its_field(admin_client):
    response = admin_client.post("/scripts/new/", {"name": "never", "schedule": "0 0 30 2 *"})
    assert response.status_code == 200
    html = response.content.decode()
    field = re.search(r'<div class="field has-error">\s*<label for="id_schedule">.*?</div>', html, re.S)
    field = field.group(0)
    assert "This cron expression never fires: none of its months has that day." in field
    assert 'aria-invalid="true"' in field
