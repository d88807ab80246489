"""On PostgreSQL the rollup is moved by triggers in the writing statement; a trigger that
cannot move it leaves the write standing and has today recounted."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection, transaction

from conftest import fresh_counts, fresh_rollup, stored_rollup
from dashboard_app import stats
from dashboard_app.models import DailyRuns, DashboardStat
from dashboard_app.rollup_triggers import TRIGGERS
from scripts_app.dates import local_today
from scripts_app.models import ScriptExecution, Status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (rollup triggers)"),
]


def other_connection() -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432
    )


def test_the_triggers_are_installed_on_script_executions(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'script_executions'::regclass")
        assert {name for (name,) in cursor.fetchall()} >= set(TRIGGERS)


def test_a_write_whose_rollup_row_is_locked_too_long_stands_and_today_is_recounted(
    make_script, make_execution
):
    script = make_script()
    make_execution(script, status=Status.SUCCESS)
    assert stats.get_stats().values == fresh_counts()
    with other_connection() as holder:
        # Another transaction holds today's row of this script, longer than this write will wait.
        holder.execute("SELECT 1 FROM dashboard_daily_runs WHERE script_id = %s FOR UPDATE", [script.pk])
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '100ms'")
            make_execution(script, status=Status.ERROR)  # must not raise
        holder.rollback()
    assert ScriptExecution.objects.count() == 2  # the write stands
    assert DashboardStat.objects.get(stat_key=stats.TODAY_EXECUTIONS).stale  # marked for a recount
    assert DailyRuns.objects.get(day=local_today(), script=script).error == 0  # not moved
    read = stats.get_stats()
    assert (read.values, read.source) == (fresh_counts(), "live")
    assert stored_rollup() == fresh_rollup()
