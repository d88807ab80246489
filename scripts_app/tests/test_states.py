"""A script's state follows its runs and its schedule: decided after every saved run and by the
watcher at the due time and the grace's end, each change recorded once as a flip."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from conftest import at
from scripts_app.models import Flip, Reason, Script, ScriptExecution, State, Status
from scripts_app.monitoring import states, watcher

pytestmark = pytest.mark.django_db

NOON = at("2026-11-26 12:00", "Asia/Seoul")


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def reloaded(script: Script) -> Script:
    return Script.objects.get(pk=script.pk)


def run(script: Script, status: str, **fields) -> ScriptExecution:
    return ScriptExecution.objects.create(script=script, status=status, **fields)


def flips(script: Script) -> list[tuple[str, str, str]]:
    found = Flip.objects.filter(script=script).order_by("at", "id")
    return list(found.values_list("old_state", "new_state", "reason"))


# ---------------------------------------------------------------- without a schedule


def test_a_script_without_a_schedule_is_up_until_its_last_ended_run_fails(clock, make_script):
    script = make_script()
    assert reloaded(script).state == State.UP
    run(script, Status.SUCCESS)
    assert reloaded(script).state == State.UP
    run(script, Status.ERROR, error_message="disk full")
    assert (reloaded(script).state, reloaded(script).failing) == (State.DOWN, True)
    assert Flip.objects.get(script=script).detail == "disk full"
    run(script, Status.RUNNING)  # a run that has not ended says nothing yet
    run(script, Status.CANCELLED)  # nor does a cancelled one
    assert reloaded(script).state == State.DOWN
    run(script, Status.SUCCESS)
    assert reloaded(script).state == State.UP
    assert flips(script) == [("up", "down", Reason.FAILED), ("down", "up", Reason.RECOVERED)]


def test_a_run_patched_from_running_to_error_makes_it_down(clock, make_script):
    script = make_script()
    started = run(script, Status.RUNNING)
    started.status, started.completed_at = Status.ERROR, NOON
    started.save()
    assert reloaded(script).state == State.DOWN


def test_thresholds_need_n_failures_in_a_row_to_go_down_and_m_successes_to_come_back(clock, make_script):
    script = make_script(down_after_failures=3, up_after_successes=2)
    for _ in range(2):
        run(script, Status.ERROR)
    assert reloaded(script).state == State.UP
    run(script, Status.SUCCESS)  # the streak is broken
    for _ in range(2):
        run(script, Status.ERROR)
    assert reloaded(script).state == State.UP
    run(script, Status.ERROR)
    assert reloaded(script).state == State.DOWN
    run(script, Status.SUCCESS)
    assert reloaded(script).state == State.DOWN  # one success is not two
    run(script, Status.SUCCESS)
    assert reloaded(script).state == State.UP
    assert [new for _old, new, _why in flips(script)] == ["down", "up"]


def test_switching_a_script_off_pauses_it_and_on_again_resumes_it(clock, make_script):
    script = make_script()
    Script.objects.filter(pk=script.pk).toggle_active()
    assert reloaded(script).state == State.PAUSED
    Script.objects.filter(pk=script.pk).toggle_active()
    assert reloaded(script).state == State.UP
    assert flips(script) == [("up", "paused", Reason.PAUSED), ("paused", "up", Reason.RESUMED)]


# ---------------------------------------------------------------- with a schedule


def test_a_scheduled_script_is_new_until_its_first_run(clock, make_script):
    script = make_script(schedule="0 2 * * *", time_zone="Asia/Seoul")
    assert (reloaded(script).state, reloaded(script).next_due) == (State.NEW, None)
    run(script, Status.SUCCESS, started_at=NOON - timedelta(minutes=5))
    script = reloaded(script)
    assert script.state == State.UP
    assert script.next_due == at("2026-11-27 02:00", "Asia/Seoul")  # the next fire after the run


def test_late_at_the_due_time_then_down_when_the_grace_ends_exactly_then_up_when_a_run_starts(make_script):
    with time_machine.travel(at("2026-11-26 02:00:10", "Asia/Seoul"), tick=False) as clock:
        script = make_script(schedule="0 2 * * *", time_zone="Asia/Seoul", grace_seconds=3600)
        run(script, Status.SUCCESS)
        due = at("2026-11-27 02:00", "Asia/Seoul")
        assert reloaded(script).check_at == due
        clock.move_to(due - timedelta(microseconds=1))
        assert watcher.tick().flips == 0 and reloaded(script).state == State.UP
        clock.move_to(due)
        assert watcher.tick().flips == 1 and reloaded(script).state == State.LATE
        assert reloaded(script).check_at == due + timedelta(hours=1)
        clock.move_to(due + timedelta(hours=1) - timedelta(microseconds=1))
        assert watcher.tick().flips == 0 and reloaded(script).state == State.LATE
        clock.move_to(due + timedelta(hours=1))  # the grace ends exactly now
        assert watcher.tick().flips == 1 and reloaded(script).state == State.DOWN
        assert reloaded(script).check_at is None  # nothing but a run can change it now
        clock.shift(timedelta(minutes=10))
        run(script, Status.RUNNING)
        assert reloaded(script).state == State.UP
        assert reloaded(script).next_due == at("2026-11-28 02:00", "Asia/Seoul")
    assert [(old, new) for old, new, _why in flips(script)] == [
        ("new", "up"), ("up", "late"), ("late", "down"), ("down", "up")
    ]


@pytest.mark.parametrize(
    ("expression", "first_due_utc"),
    [("30 2 * * *", "2026-03-29 01:00"), ("0 2 * * *", "2026-03-29 01:00")],
)
def test_a_job_in_berlins_skipped_hour_is_due_when_the_clock_jumps(make_script, expression, first_due_utc):
    """Spring forward on 2026-03-29: 02:00 -> 03:00 CEST. 02:30 does not exist that day."""
    with time_machine.travel(at("2026-03-28 02:31", "Europe/Berlin"), tick=False) as clock:
        script = make_script(schedule=expression, time_zone="Europe/Berlin", grace_seconds=600)
        run(script, Status.SUCCESS)
        assert reloaded(script).next_due == at(first_due_utc, "UTC")
        clock.move_to(at(first_due_utc, "UTC") + timedelta(minutes=10))
        watcher.tick()
        assert reloaded(script).state == State.DOWN


def test_a_job_in_berlins_repeated_hour_is_due_once(make_script):
    """Fall back on 2026-10-25: 03:00 CEST -> 02:00 CET. 02:30 happens twice; the job once."""
    with time_machine.travel(at("2026-10-24 02:31", "Europe/Berlin"), tick=False) as clock:
        script = make_script(schedule="30 2 * * *", time_zone="Europe/Berlin", grace_seconds=600)
        run(script, Status.SUCCESS)
        assert reloaded(script).next_due == at("2026-10-25 00:30", "UTC")  # 02:30 CEST, the first pass
        clock.move_to(at("2026-10-25 00:31", "UTC"))
        run(script, Status.SUCCESS)  # it ran in the first pass: not due again in the second
        assert reloaded(script).next_due == at("2026-10-26 01:30", "UTC")  # 02:30 CET the next day


def test_seoul_midnight_is_due_one_second_after_235959(make_script):
    with time_machine.travel(at("2026-11-26 23:59:59", "Asia/Seoul"), tick=False):
        script = make_script(schedule="0 0 * * *", time_zone="Asia/Seoul")
        run(script, Status.SUCCESS)
    assert reloaded(script).next_due == at("2026-11-27 00:00", "Asia/Seoul")


def test_a_period_is_due_that_long_after_the_last_start(make_script):
    with time_machine.travel(NOON - timedelta(hours=2), tick=False) as clock:
        script = make_script(period_seconds=6 * 3600, grace_seconds=60)
        clock.move_to(NOON)
        run(script, Status.SUCCESS, started_at=NOON - timedelta(hours=1))
    assert reloaded(script).next_due == NOON + timedelta(hours=5)


def test_a_schedule_set_later_counts_from_when_it_was_set(clock, make_script):
    script = make_script()
    run(script, Status.SUCCESS, started_at=NOON - timedelta(days=3))
    script.period_seconds = 3600
    script.save()
    script = reloaded(script)
    assert (script.state, script.next_due) == (State.UP, NOON + timedelta(hours=1))


def test_resuming_a_paused_script_counts_its_due_time_from_then(make_script):
    with time_machine.travel(NOON, tick=False) as clock:
        script = make_script(period_seconds=3600, grace_seconds=60)
        run(script, Status.SUCCESS)
        Script.objects.filter(pk=script.pk).toggle_active()
        clock.shift(timedelta(days=2))
        watcher.tick()
        assert reloaded(script).state == State.PAUSED  # a paused script is never late
        Script.objects.filter(pk=script.pk).toggle_active()
        script = reloaded(script)
        assert (script.state, script.next_due) == (State.UP, NOON + timedelta(days=2, hours=1))


def test_a_run_running_past_its_maximum_run_time_is_ended_as_failed(make_script):
    with time_machine.travel(NOON, tick=False) as clock:
        script = make_script(max_runtime_seconds=3600)
        stuck = run(script, Status.RUNNING)
        assert reloaded(script).check_at == NOON + timedelta(hours=1)
        clock.shift(timedelta(minutes=59))
        assert watcher.tick().runs_ended == 0
        clock.shift(timedelta(minutes=1))
        result = watcher.tick()
    stuck.refresh_from_db()
    assert (result.runs_ended, result.flips) == (1, 1)
    assert (stuck.status, stuck.completed_at) == (Status.ERROR, NOON + timedelta(hours=1))
    assert stuck.error_message == "No end reported within 1:00:00: ended by the watcher."
    assert reloaded(script).state == State.DOWN


def test_a_tick_reads_only_the_scripts_whose_check_time_has_come(
    clock, make_script, django_assert_num_queries
):
    for _ in range(20):
        run(make_script(period_seconds=3600), Status.SUCCESS)  # on time: checked in an hour
    with django_assert_num_queries(1):
        assert watcher.tick().looked_at == 0


def test_evaluating_again_changes_nothing_and_records_no_flip(clock, make_script):
    script = make_script()
    run(script, Status.ERROR)
    assert states.evaluate(script.pk) is None
    assert states.evaluate_all() == 0
    assert len(flips(script)) == 1


def test_runs_written_in_bulk_are_decided_by_evaluate_all(clock, make_script):
    script = make_script()
    ScriptExecution.objects.bulk_create([ScriptExecution(script=script, status=Status.ERROR)])
    assert reloaded(script).state == State.UP  # no signal for a bulk write
    assert states.evaluate_all() == 1
    assert reloaded(script).state == State.DOWN
