"""On PostgreSQL the rollup's function locks the scripts whose week a statement moves before any
rollup row (migration 0011): a transaction writing a script's runs of two days of the week in
two statements, and a run of that script recorded between them, wait for each other in turn
instead of deadlocking (each used to hold a row the other waited for: the second day's per-script
row, the week's row)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.db import connection

from conftest import fresh_week, stored_week
from dashboard_app.rollup import week
from dashboard_app.tests.lock_waits import write_between
from scripts_app.dates import local_today, local_zone
from scripts_app.models import ScriptExecution, Status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (row locks)"),
]

A_RUN = (
    "INSERT INTO script_executions (script_id, status, started_at, completed_at, error_message, output) "
    "VALUES (%s, 'success', %s, %s, '', '')"
)


def test_a_run_recorded_between_two_statements_of_a_bulk_write_of_its_week_waits(make_script):
    today = local_today()
    week.roll(today, force=True)
    script = make_script()
    yesterday_noon = datetime.combine(today - timedelta(days=1), time(12), tzinfo=local_zone())
    just_now = datetime.now(local_zone())

    errors = write_between(
        lambda bulk: bulk.execute(A_RUN, [script.pk, yesterday_noon, yesterday_noon]),
        lambda: ScriptExecution.objects.create(script=script, status=Status.ERROR, started_at=just_now),
        lambda bulk: bulk.execute(A_RUN, [script.pk, just_now, just_now]),
    )

    assert errors == []
    assert ScriptExecution.objects.filter(script=script).count() == 3
    assert week.last_day() == today
    assert stored_week() == fresh_week(today)
    assert stored_week()[script.pk][:2] == (2, 3)  # succeeded, ended
