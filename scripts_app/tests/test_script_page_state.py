"""/scripts/<id>/: the script's state and since when, why, its schedule in words, when a run is
next due, its last changes of state and its 30-day uptime."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine

from conftest import NOON_IN_SEOUL as NOON
from scripts_app.models import Flip, Reason, Script, State, Status
from scripts_app.monitoring import watcher

HOUR = timedelta(hours=1)


def fact(html: str, name: str) -> str:
    """The text of a fact (<dd data-fact="name">), tags removed, runs of spaces (no-break ones
    too) as one space."""
    found = re.search(rf'<dd data-fact="{name}"[^>]*>(.*?)</dd>', html, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", found).split())


def page(client, script: Script) -> str:
    response = client.get(f"/scripts/{script.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_script_says_its_schedule_in_words_and_when_its_first_run_is_expected(
    admin_client, make_script, noon_in_seoul
):
    nightly = make_script(name="nightly", schedule="0 2 * * *", time_zone="Asia/Seoul")
    html = page(admin_client, nightly)
    assert 'data-state="new" data-state-badge' in html
    assert fact(html, "schedule") == "every day at 02:00, Asia/Seoul; grace 1 hour"
    assert "First run expected" in html
    # The schedule's next fire after noon: 02:00 tomorrow in Seoul.
    assert '<time datetime="2026-11-26T17:00:00+00:00">' in html
    assert "(in 14 hours)" in fact(html, "next_due")


def test_a_script_without_a_schedule_says_its_runs_alone_decide(admin_client, make_script, noon_in_seoul):
    html = page(admin_client, make_script())
    assert "No schedule: its state follows its runs alone" in fact(html, "schedule")
    assert 'data-fact="next_due"' not in html


def test_a_failed_run_shows_down_since_then_and_its_error_as_why(
    admin_client, make_script, make_execution, noon_in_seoul
):
    script = make_script(name="backup")
    make_execution(script, status=Status.ERROR, error_message="disk full")
    html = page(admin_client, script)
    assert 'data-state="down" data-state-badge' in html
    assert '<time datetime="2026-11-26T03:00:00+00:00">' in re.search(
        r'data-fact="state".*?</dd>', html, re.S
    ).group(0)
    assert fact(html, "why") == "its runs failed · disk full"


def test_a_late_script_shows_the_due_time_it_missed_and_its_next_due(
    admin_client, make_script, make_execution, seoul
):
    with time_machine.travel(NOON, tick=False):
        hourly = make_script(name="hourly", period_seconds=3600, grace_seconds=1800)
        make_execution(hourly, status=Status.SUCCESS)
    with time_machine.travel(NOON + HOUR + timedelta(minutes=10), tick=False):
        watcher.tick()
        html = page(admin_client, hourly)
    assert 'data-state="late" data-state-badge' in html
    assert fact(html, "why").startswith("a run was due and none has started · due Nov. 26, 2026, 1 p.m.")
    assert "Next due" in html and '<time datetime="2026-11-26T04:00:00+00:00">' in html
    assert "(10 minutes ago)" in fact(html, "next_due")


def test_the_history_shows_the_last_20_changes_newest_first(admin_client, make_script, noon_in_seoul):
    script = make_script()
    for n in range(25):
        old, new = (State.UP, State.DOWN) if n % 2 == 0 else (State.DOWN, State.UP)
        reason = Reason.FAILED if new == State.DOWN else Reason.RECOVERED
        Flip.objects.create(script=script, old_state=old, new_state=new, at=NOON - (25 - n) * HOUR,
                            reason=reason, detail=f"n{n}")  # fmt: skip
    html = page(admin_client, script)
    shown = [int(pk) for pk in re.findall(r'<tr data-flip="(\d+)"', html)]
    newest = list(Flip.objects.filter(script=script).order_by("-at").values_list("pk", flat=True)[:20])
    assert shown == newest
    row = re.search(rf'<tr data-flip="{newest[0]}">.*?</tr>', html, re.S).group(0)
    when, old, new = row.split("</td>")[:3]
    assert 'data-state="up"' in old and 'data-state="down"' in new
    assert "its runs failed" in row and "n24" in row


def test_a_script_with_no_change_of_state_says_so(admin_client, make_script, noon_in_seoul):
    assert "No change of state yet." in page(admin_client, make_script())


def test_the_uptime_is_the_share_of_30_days_not_spent_down(admin_client, make_script, noon_in_seoul):
    script = make_script()
    Script.objects.filter(pk=script.pk).update(created_at=NOON - timedelta(days=40), state=State.UP)
    Flip.objects.create(script=script, old_state=State.UP, new_state=State.DOWN, at=NOON - 3 * HOUR,
                        reason=Reason.FAILED)  # fmt: skip
    Flip.objects.create(script=script, old_state=State.DOWN, new_state=State.UP, at=NOON - HOUR,
                        reason=Reason.RECOVERED)  # fmt: skip
    html = page(admin_client, script)
    share = 1 - 2 / (30 * 24)
    assert f'data-share="{share}"' in html
    assert fact(html, "uptime") == "99.72% down 2 hours of 4 weeks, 2 days since Oct. 27, 2026, noon"


def test_a_script_created_just_now_has_no_uptime_yet(admin_client, make_script, noon_in_seoul):
    assert fact(page(admin_client, make_script()), "uptime").startswith("— nothing to count yet")


def test_the_page_costs_the_same_with_many_changes_of_state(
    admin_client, make_script, noon_in_seoul, django_assert_max_num_queries
):
    script = make_script(schedule="0 2 * * *")
    page(admin_client, script)
    with django_assert_max_num_queries(10) as few:
        page(admin_client, script)
    few_queries = len(few.captured_queries)  # (the next request resets the connection's log)
    for n in range(60):
        Flip.objects.create(script=script, old_state=State.UP, new_state=State.DOWN, at=NOON - n * HOUR,
                            reason=Reason.FAILED)  # fmt: skip
    with django_assert_max_num_queries(few_queries):
        html = page(admin_client, script)
    assert len(re.findall(r"<tr data-flip=", html)) == 20


@pytest.mark.parametrize("path", ["/scripts/{pk}/"])
def test_every_state_label_is_there_for_the_switch_to_show(admin_client, make_script, path, noon_in_seoul):
    script = make_script()
    html = admin_client.get(path.format(pk=script.pk)).content.decode()
    labels = re.search(r'<script id="state-labels" type="application/json">(.*?)</script>', html).group(1)
    assert all(f'"{state}"' in labels for state in State.values)
