"""history.runs_on(day): a day's runs per status (the /metrics breakdown) in one query, on the local day."""

from __future__ import annotations

import pytest

from conftest import at
from scripts_app import run_history
from scripts_app.dates import local_today
from scripts_app.history import runs_on
from scripts_app.models import Status

pytestmark = pytest.mark.usefixtures("noon_in_seoul")


def test_it_counts_each_status_on_the_local_day_only(make_script, make_execution):
    script = make_script()
    make_execution(script, status=Status.ERROR, started_at=at("2026-11-26 00:00", "Asia/Seoul"))
    make_execution(script, status=Status.ERROR, started_at=at("2026-11-26 23:59:59", "Asia/Seoul"))
    make_execution(script, status=Status.CANCELLED)
    make_execution(script, status=Status.ERROR, started_at=at("2026-11-25 23:59:59", "Asia/Seoul"))
    make_execution(script, status=Status.SUCCESS, started_at=at("2026-11-27 00:00", "Asia/Seoul"))

    assert runs_on(local_today()) == {"running": 0, "success": 0, "error": 2, "cancelled": 1}


def test_a_day_without_runs_is_all_zeros_in_one_query(db, django_assert_num_queries):
    run_history.source()  # the first read in a process asks which zone the rollup counts
    with django_assert_num_queries(1):
        assert runs_on(local_today()) == dict.fromkeys(Status.values, 0)
