"""Runs per local day for the history chart, and the chart's geometry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from conftest import at
from scripts_app import run_history
from scripts_app.chart import bar_chart
from scripts_app.history import DayRuns, runs_per_day

NOON = at("2026-11-26 12:00", "Asia/Seoul")


def test_days_without_runs_are_zero_not_missing(db, seoul):
    with time_machine.travel(NOON, tick=False):
        history = runs_per_day()
    assert len(history) == 14
    assert history[0].day == date(2026, 11, 13) and history[-1].day == date(2026, 11, 26)
    assert all(day.success == day.error == 0 for day in history)


def test_runs_are_counted_on_their_local_day(make_script, make_execution, seoul):
    script = make_script()
    make_execution(script, status="success", started_at=at("2026-11-25 23:59:59", "Asia/Seoul"))
    make_execution(script, status="error", started_at=at("2026-11-26 00:00:00", "Asia/Seoul"))
    make_execution(script, status="success", started_at=at("2026-11-26 00:00:00", "Asia/Seoul"))
    make_execution(script, status="cancelled", started_at=at("2026-11-26 09:00", "Asia/Seoul"))
    make_execution(script, status="success", started_at=at("2026-11-12 23:00", "Asia/Seoul"))  # too old
    with time_machine.travel(NOON, tick=False):
        by_day = {d.day: (d.success, d.error) for d in runs_per_day()}
    assert by_day[date(2026, 11, 25)] == (1, 0)
    assert by_day[date(2026, 11, 26)] == (1, 1)
    assert sum(s + e for s, e in by_day.values()) == 3


def test_it_takes_one_query_whatever_the_number_of_days(db, seoul, django_assert_num_queries):
    run_history.source()  # the first read in a process asks which zone the rollup counts
    with django_assert_num_queries(1):
        runs_per_day(days=14, today=date(2026, 11, 26))


def test_a_column_stacks_every_status_and_is_as_tall_as_the_days_runs():
    history = [
        DayRuns(date(2026, 11, 25), running=1, success=5, error=2, cancelled=1),
        DayRuns(date(2026, 11, 26), running=0, success=0, error=3, cancelled=0),
    ]
    chart = bar_chart(history)
    assert chart.top_value == 10
    first, second = chart.columns
    assert [segment.status for segment in first.segments] == ["success", "error", "cancelled", "running"]
    assert [segment.status for segment in second.segments] == ["error"]  # a zero draws nothing
    unit = (chart.baseline - chart.top_y) / chart.top_value
    assert sum(segment.height for segment in first.segments) == pytest.approx(9 * unit, abs=0.05)
    assert first.segments[0].y + first.segments[0].height == pytest.approx(chart.baseline, abs=0.01)
    for lower, upper in zip(first.segments, first.segments[1:], strict=False):
        assert upper.y + upper.height == pytest.approx(lower.y, abs=0.01)  # stacked, no gaps


def test_an_empty_history_still_has_a_scale():
    chart = bar_chart([DayRuns(date(2026, 11, 26), running=0, success=0, error=0, cancelled=0)])
    assert chart.top_value == 2 and chart.columns[0].segments == []


def test_a_month_labels_every_few_days_and_always_today():
    days = [DayRuns(date(2026, 11, 1) + timedelta(days=n), 0, 0, 0, 0) for n in range(30)]
    labelled = [column.runs.day.day for column in bar_chart(days).columns if column.labelled]
    assert labelled[-1] == 30 and len(labelled) <= 15
