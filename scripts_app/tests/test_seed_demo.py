"""seed_demo: realistic demo data in bulk (scripts_app.demo_data and its command)."""

import io
import random
from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command

from conftest import at
from scripts_app.dates import day_window
from scripts_app.demo_data import SeedError, SeedPlan, seed_demo
from scripts_app.models import Script, ScriptExecution, Status

AFTERNOON = at("2026-11-26 15:00", "Asia/Seoul")
TODAY = AFTERNOON.date()


@pytest.fixture
def afternoon(seoul, db):
    with time_machine.travel(AFTERNOON, tick=False):
        yield


def seed(**plan) -> None:
    seed_demo(SeedPlan.spread_evenly(**plan), rng=random.Random(1), batch_size=97)


def test_it_adds_the_rows_asked_for_with_the_share_today(afternoon):
    seed(scripts=12, executions=500, days=5, today=120)

    assert Script.objects.count() == 12
    assert ScriptExecution.objects.count() == 500
    assert ScriptExecution.objects.started_on(TODAY).count() == 120


def test_past_executions_fall_evenly_on_the_days_before_today_and_today_before_now(afternoon):
    seed(scripts=3, executions=500, days=5, today=100)

    for back in range(1, 5):
        assert ScriptExecution.objects.started_on(TODAY - timedelta(days=back)).count() == 100
    assert not ScriptExecution.objects.filter(started_at__gte=AFTERNOON).exists()
    first_day_start, _ = day_window(TODAY - timedelta(days=4))
    assert not ScriptExecution.objects.filter(started_at__lt=first_day_start).exists()


def test_without_today_each_day_gets_an_even_share(afternoon):
    seed(scripts=3, executions=300, days=3)

    assert ScriptExecution.objects.started_on(TODAY).count() == 100


def test_statuses_are_mixed_and_each_row_is_consistent(afternoon):
    seed(scripts=20, executions=3000, days=3, today=1000)

    statuses = Counter(ScriptExecution.objects.values_list("status", flat=True))
    assert statuses[Status.SUCCESS] > statuses[Status.ERROR] > 0
    assert statuses[Status.CANCELLED] > 0
    assert ScriptExecution.objects.filter(status=Status.RUNNING).exists()
    assert not ScriptExecution.objects.filter(status=Status.ERROR, error_message="").exists()
    assert not ScriptExecution.objects.exclude(status=Status.ERROR).exclude(error_message="").exists()
    # Only today's rows may still be running; the others have ended.
    running = ScriptExecution.objects.filter(status=Status.RUNNING)
    assert running.count() == running.filter(started_at__gte=day_window(TODAY)[0]).count()
    assert not ScriptExecution.objects.exclude(status=Status.RUNNING).filter(completed_at=None).exists()
    assert all(e.completed_at >= e.started_at for e in ScriptExecution.objects.exclude(completed_at=None))


def test_some_scripts_are_inactive(afternoon):
    seed(scripts=200, executions=0, days=1)

    assert 0 < Script.objects.inactive().count() < 100


def test_with_no_new_scripts_executions_go_to_the_existing_ones(afternoon, make_script):
    existing = {make_script().pk, make_script().pk}

    seed(scripts=0, executions=50, days=2, today=10)

    assert set(ScriptExecution.objects.values_list("script_id", flat=True)) <= existing
    assert Script.objects.count() == 2


def test_a_second_run_adds_more_without_name_clashes(afternoon):
    seed(scripts=5, executions=10, days=2)
    seed(scripts=5, executions=10, days=2)

    assert Script.objects.count() == 10
    assert ScriptExecution.objects.count() == 20


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, "--no-progress", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_seeds_and_says_what_it_added(afternoon):
    output = run("--scripts", "4", "--executions", "40", "--days", "4", "--today", "7", "--seed", "3")

    assert "Added 4 scripts" in output and "40 executions (7 today)" in output
    assert ScriptExecution.objects.started_on(TODAY).count() == 7


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--scripts", "2", "--executions", "10", "--today", "11"], "--today"),
        (["--scripts", "2", "--executions", "10", "--days", "0"], "--days"),
        (["--scripts", "-1", "--executions", "10"], "--scripts"),
        (["--scripts", "2", "--executions", "10", "--days", "1", "--today", "3"], "--days 1"),
        (["--scripts", "0", "--executions", "10"], "--scripts"),
    ],
)
def test_bad_input_is_refused_naming_the_option_and_nothing_is_written(afternoon, args, named):
    with pytest.raises(CommandError, match=named):
        run(*args)

    assert not Script.objects.exists()
    assert not ScriptExecution.objects.exists()


def test_a_plan_is_checked_before_anything_is_written():
    with pytest.raises(SeedError, match="--today"):
        SeedPlan(scripts=1, executions=5, days=2, today=6)
