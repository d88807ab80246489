"""Pruning executions keeps the cached counters and the rollup true."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import NOON_IN_SEOUL as NOON
from conftest import fresh_rollup, stored_rollup
from dashboard_app.counters import stats
from scripts_app.models import ScriptExecution, Status

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("running_from_noon_in_seoul")]


def test_pruning_todays_runs_leaves_the_cached_read_exact(make_script, make_execution):
    failing, passing = make_script(), make_script()
    make_execution(failing, status=Status.ERROR, started_at=NOON - timedelta(hours=3))
    make_execution(failing, status=Status.SUCCESS, started_at=NOON - timedelta(hours=1))
    make_execution(passing, status=Status.SUCCESS, started_at=NOON - timedelta(hours=2))
    make_execution(passing, status=Status.SUCCESS, started_at=NOON - timedelta(days=3))
    warm = stats.refresh_stats().values
    assert (warm["today_executions"], warm["today_failed_scripts"]) == (3, 1)

    # --older-than 0 removes all but each script's latest run, today's included.
    call_command("prune_executions", "--older-than", "0", "--batch-size", "1", stdout=io.StringIO())

    cached = stats.get_stats()
    assert cached.source == "cache"
    assert cached.values == stats.get_stats(use_cache=False).values
    assert (cached.values["today_executions"], cached.values["today_failed_scripts"]) == (2, 0)
    assert ScriptExecution.objects.count() == 2
    assert stored_rollup() == fresh_rollup()


def test_pruning_leaves_the_rollup_to_the_database_and_marks_no_counter(make_script, make_execution):
    script = make_script()
    for hours in range(1, 7):
        make_execution(script, started_at=NOON - timedelta(days=10, hours=hours))
    stats.refresh_stats()
    with CaptureQueriesContext(connection) as queries:
        call_command("prune_executions", "--older-than", "1", "--batch-size", "2", stdout=io.StringIO())
    statements = [query["sql"].replace('"', "") for query in queries]
    moves = [sql for sql in statements if "dashboard_daily_runs" in sql]
    marks = [sql for sql in statements if "UPDATE dashboard_stats SET stale = true" in sql]
    # Five runs deleted in batches of 2, 2 and 1: the triggers move the rollup, unseen here.
    assert ScriptExecution.objects.count() == 1
    assert (len(moves), len(marks)) == (0, 0)
    assert stored_rollup() == fresh_rollup()
    assert stats.get_stats().values == stats.get_stats(use_cache=False).values
