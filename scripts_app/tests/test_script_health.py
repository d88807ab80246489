"""Each script's health equals what its runs say, worked out here independently."""

from __future__ import annotations

import statistics
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from conftest import NOON_IN_SEOUL as NOON
from conftest import at
from scripts_app import health, script_order
from scripts_app.models import Script, ScriptExecution, Status

pytestmark = pytest.mark.usefixtures("noon_in_seoul")

SEOUL = ZoneInfo("Asia/Seoul")


def expected_health(script: Script) -> dict:
    """The plain definitions, from the rows, without the rollup: today is the local date
    in TIME_ZONE now (frozen or not)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.now().astimezone(zone).date()
    runs = list(ScriptExecution.objects.filter(script=script).order_by("-started_at", "-id"))
    on = lambda run: run.started_at.astimezone(zone).date()  # noqa: E731
    week = [run for run in runs if today - timedelta(days=6) <= on(run) <= today]
    ended = [run for run in week if run.status != Status.RUNNING]
    latest_ended = [run for run in week if run.completed_at][: health.MEDIAN_RUNS]
    durations = [run.completed_at - run.started_at for run in latest_ended]
    return {
        "runs_today": sum(on(run) == today for run in runs),
        "failures_today": sum(on(run) == today and run.status == Status.ERROR for run in runs),
        "success_rate": (sum(run.status == Status.SUCCESS for run in ended) / len(ended)) if ended else None,
        "recent": [run.status for run in runs[:10]][::-1],
        "median": statistics.median(durations) if durations else None,
    }


def shown_health(script: Script) -> dict:
    annotated = health.with_health(Script.objects.filter(pk=script.pk), NOON.astimezone(SEOUL).date()).get()
    return {
        "runs_today": annotated.runs_today,
        "failures_today": annotated.failures_today,
        "success_rate": annotated.success_rate,
        "recent": health.recent_results(annotated),
        "median": health.median_duration(script.pk, NOON.astimezone(SEOUL).date()).median,
    }


@pytest.fixture
def busy(make_script, make_execution):
    script = make_script(name="busy")
    plan = [
        # (local start, status, seconds to run or None while running)
        ("2026-11-26 11:00", Status.ERROR, 30),
        ("2026-11-26 00:00", Status.SUCCESS, 10),
        ("2026-11-25 23:59:59", Status.SUCCESS, 20),
        ("2026-11-24 08:00", Status.CANCELLED, 5),
        ("2026-11-20 00:00", Status.SUCCESS, 40),  # the first of the 7 days
        ("2026-11-19 23:59:59", Status.ERROR, 50),  # the day before: not in the rate
        ("2026-11-26 11:30", Status.RUNNING, None),
    ] + [(f"2026-11-{day:02d} 09:00", Status.SUCCESS, 60) for day in range(1, 12)]
    for start, status, seconds in plan:
        started = at(start, "Asia/Seoul")
        completed = started + timedelta(seconds=seconds) if seconds is not None else None
        make_execution(script, status=status, started_at=started, completed_at=completed)
    return script


def test_a_busy_scripts_health_equals_its_runs(busy):
    assert shown_health(busy) == expected_health(busy)
    assert shown_health(busy)["runs_today"] == 3
    assert shown_health(busy)["success_rate"] == pytest.approx(3 / 5)


def test_the_median_counts_the_latest_ended_runs_of_the_week_only(busy, monkeypatch, make_execution):
    # The week holds 5 ended runs of busy; a cap of 3 keeps the newest three (started
    # 2026-11-26 11:00, 00:00 and 2026-11-25 23:59:59: 30, 10 and 20 seconds).
    monkeypatch.setattr(health, "MEDIAN_RUNS", 3)
    durations = health.median_duration(busy.pk, NOON.astimezone(SEOUL).date())
    assert (durations.median, durations.counted, durations.capped) == (timedelta(seconds=20), 3, True)
    assert shown_health(busy) == expected_health(busy)

    monkeypatch.setattr(health, "MEDIAN_RUNS", 5)
    durations = health.median_duration(busy.pk, NOON.astimezone(SEOUL).date())
    assert (durations.counted, durations.capped) == (5, False)


def test_a_script_that_never_ran_has_no_rate_no_median_and_no_results(make_script):
    idle = make_script()
    assert shown_health(idle) == {
        "runs_today": 0,
        "failures_today": 0,
        "success_rate": None,
        "recent": [],
        "median": None,
    }


def test_runs_still_running_count_today_but_not_in_the_rate(make_script, make_execution):
    script = make_script()
    make_execution(script, status=Status.RUNNING)
    assert shown_health(script) == expected_health(script)
    assert shown_health(script)["success_rate"] is None


def test_sorting_puts_the_worst_scripts_first(make_script, make_execution):
    calm, flaky, broken, new = (make_script(name=name) for name in ("calm", "flaky", "broken", "new"))
    for _ in range(4):
        make_execution(calm, status=Status.SUCCESS)
        make_execution(flaky, status=Status.ERROR if _ % 2 else Status.SUCCESS)
        make_execution(broken, status=Status.ERROR)
    today = NOON.astimezone(SEOUL).date()

    def order(sort: str) -> list[str]:
        worst_first = script_order.ORDERS[sort](health.with_health(Script.objects.all(), today), today)
        return [script.name for script in worst_first[0:10]]

    assert order("failures") == ["broken", "flaky", "calm", "new"]
    assert order("success_rate") == ["broken", "flaky", "calm", "new"]  # no rate: last


def test_a_list_reads_each_scripts_last_results_in_one_subquery(busy):
    # Ten (one per OFFSET) made a page of 50 scripts 500 probes of the runs' index.
    listed = health.with_health(Script.objects.all(), NOON.astimezone(SEOUL).date())
    sql = str(listed.query)
    assert sql.count('FROM "script_executions"') == 1
    assert "success_rate" not in sql  # worked out from succeeded_7d and ended_7d, not their subqueries again
