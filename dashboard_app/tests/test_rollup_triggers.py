"""On PostgreSQL the rollup is moved by triggers in the writing statement, whose zone is data
they read; a trigger that cannot move it fails the write with it, never half-written."""

from __future__ import annotations

import psycopg
import pytest
from django.db import OperationalError, connection, transaction

from conftest import fresh_counts, fresh_rollup, stored_rollup
from dashboard_app.counters import stats
from dashboard_app.models import DailyRuns, RollupZone
from dashboard_app.rollup.triggers import NAMES as TRIGGERS
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


def test_a_write_whose_rollup_row_is_locked_too_long_fails_whole_and_nothing_is_half_written(
    make_script, make_execution
):
    """No exception block in the trigger (migration 0004 says why): a lock timeout, like a
    deadlock the triggers' row locks could cause, is the writer's retryable error."""
    script = make_script()
    make_execution(script, status=Status.SUCCESS)
    assert stats.get_stats().values == fresh_counts()
    with other_connection() as holder:
        # Another transaction holds today's row of this script, longer than this write will wait.
        holder.execute("SELECT 1 FROM dashboard_daily_runs WHERE script_id = %s FOR UPDATE", [script.pk])
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '100ms'")
            make_execution(script, status=Status.ERROR)
        holder.rollback()
    assert ScriptExecution.objects.count() == 1  # the write did not happen
    assert stored_rollup() == fresh_rollup()
    read = stats.get_stats()
    assert (read.values, read.source) == (fresh_counts(), "cache")  # nothing to recount


def test_the_function_reads_the_zone_and_counts_nothing_without_one(make_script, make_execution):
    script = make_script()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_functiondef('dashboard_rollup_move'::regproc)")
        assert "FROM dashboard_rollup_zone WHERE id = 1" in cursor.fetchone()[0]
    RollupZone.objects.all().delete()  # by hand: reads stop trusting the rollup, writes go on
    make_execution(script, status=Status.ERROR)
    assert ScriptExecution.objects.count() == 1 and not DailyRuns.objects.exists()
    assert stats.get_stats().values == fresh_counts()  # counted from the executions meanwhile
