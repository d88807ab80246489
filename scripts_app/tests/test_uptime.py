"""A script's 30-day uptime, worked out from its flips: the share of the window not spent down,
paused time left out, the window starting at the script's creation when that is later."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from conftest import NOON_IN_SEOUL as NOW
from scripts_app.models import Flip, Reason, Script, State, Status
from scripts_app.monitoring.uptime import uptime

DAY = timedelta(days=1)


@pytest.fixture
def script(make_script):
    """A script without a schedule (it starts up, with no flip), created 60 days before NOW."""
    script = make_script()
    assert not Flip.objects.filter(script=script).exists()
    return _with(script, created_at=NOW - 60 * DAY)


def _with(script: Script, **fields) -> Script:
    Script.objects.filter(pk=script.pk).update(**fields)
    return Script.objects.get(pk=script.pk)


def flips(script: Script, *changes: tuple[str, str, timedelta]) -> Script:
    """Record each (from, to, how long before NOW) and leave the script in the last state."""
    for old, new, before in changes:
        Flip.objects.create(
            script=script, old_state=old, new_state=new, at=NOW - before, reason=Reason.FAILED
        )
    return _with(script, state=changes[-1][1])


def test_a_script_never_down_is_up_the_whole_window(script):
    measured = uptime(script, now=NOW)
    assert (measured.start, measured.end) == (NOW - 30 * DAY, NOW)
    assert measured.share == 1.0 and measured.down == timedelta(0)


def test_a_day_down_in_thirty_is_29_30ths(script):
    script = flips(script, (State.UP, State.DOWN, 10 * DAY), (State.DOWN, State.UP, 9 * DAY))
    measured = uptime(script, now=NOW)
    assert measured.down == DAY
    assert measured.share == pytest.approx(29 / 30)


def test_the_window_starts_30_days_ago_and_cuts_a_longer_outage(script):
    # Down from 40 days ago to 29 days ago: only the last of those days is in the window.
    script = flips(script, (State.UP, State.DOWN, 40 * DAY), (State.DOWN, State.UP, 29 * DAY))
    assert uptime(script, now=NOW).down == DAY


def test_down_since_before_the_window_and_still_down_is_zero(script):
    script = flips(script, (State.UP, State.DOWN, 45 * DAY))
    measured = uptime(script, now=NOW)
    assert measured.down == 30 * DAY and measured.share == 0.0


def test_a_script_created_ten_days_ago_counts_from_its_creation(script):
    script = _with(script, created_at=NOW - 10 * DAY)
    script = flips(script, (State.UP, State.DOWN, 2 * DAY), (State.DOWN, State.UP, DAY))
    measured = uptime(script, now=NOW)
    assert measured.start == NOW - 10 * DAY
    assert measured.share == pytest.approx(0.9)


def test_paused_time_is_left_out_of_the_window(script):
    script = flips(
        script,
        (State.UP, State.PAUSED, 20 * DAY),
        (State.PAUSED, State.UP, 10 * DAY),
        (State.UP, State.DOWN, 4 * DAY),
        (State.DOWN, State.UP, 2 * DAY),
    )
    measured = uptime(script, now=NOW)
    assert measured.paused == 10 * DAY and measured.counted == 20 * DAY
    assert measured.share == pytest.approx(1 - 2 / 20)


def test_a_script_paused_the_whole_window_has_no_uptime(script):
    script = flips(script, (State.UP, State.PAUSED, 31 * DAY))
    assert uptime(script, now=NOW).share is None


def test_a_script_created_this_instant_has_no_uptime(script):
    script = _with(script, created_at=NOW)
    assert uptime(script, now=NOW).share is None


def test_a_flip_exactly_at_the_windows_start_counts_from_the_start(script):
    script = flips(script, (State.UP, State.DOWN, 30 * DAY), (State.DOWN, State.UP, 29 * DAY))
    assert uptime(script, now=NOW).down == DAY


def test_a_flip_exactly_now_adds_nothing_yet(script):
    script = flips(script, (State.UP, State.DOWN, timedelta(0)))
    measured = uptime(script, now=NOW)
    assert measured.down == timedelta(0) and measured.share == 1.0


def test_a_flip_after_now_does_not_count_but_tells_the_state_before_it(script):
    # A writer whose clock is ahead recorded a flip a minute from now: until then, down.
    script = flips(script, (State.UP, State.DOWN, 2 * DAY), (State.DOWN, State.UP, -timedelta(minutes=1)))
    assert uptime(script, now=NOW).down == 2 * DAY


def test_it_reads_the_flips_in_one_query(script, django_assert_num_queries):
    script = flips(script, *[(State.UP, State.DOWN, n * DAY) for n in range(1, 20)])
    with django_assert_num_queries(1):
        uptime(script, now=NOW)


def test_a_failed_run_and_a_success_three_hours_later_cost_three_hours(script, make_execution, seoul):
    # Through the real path: runs saved, states decided, flips recorded.
    with time_machine.travel(NOW - 3 * DAY, tick=False):
        script = _with(script, created_at=NOW - 10 * DAY)
        make_execution(script, status=Status.ERROR, error_message="disk full")
    with time_machine.travel(NOW - 3 * DAY + timedelta(hours=3), tick=False):
        make_execution(script, status=Status.SUCCESS)
    script.refresh_from_db()
    assert script.state == State.UP
    measured = uptime(script, now=NOW)
    assert measured.down == timedelta(hours=3)
    assert measured.share == pytest.approx(1 - 3 / (10 * 24))
