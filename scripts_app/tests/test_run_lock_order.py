"""On PostgreSQL a run's write locks its script's row before the run, as a ping does.

A ping locks its script's row (counting the ping), then writes a run, whose rollup rows the
triggers lock. A run saved through the ORM or the API used to write first and lock the script
after (to decide its state): with a ping of the same script in between, each waited for the
other and PostgreSQL aborted one of them as a deadlock. Here a transaction does what a ping
does, a step at a time, around a write that has to wait for it.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from rest_framework.test import APIClient

from dashboard_app.tests.lock_waits import write_between
from scripts_app.models import Script, ScriptExecution, Status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (row locks)"),
]

A_PINGS_LOCK = "UPDATE scripts SET pings_in_minute = pings_in_minute + 1 WHERE id = %s"
A_PINGS_RUN = (
    "INSERT INTO script_executions (script_id, status, started_at, error_message, output) "
    "VALUES (%s, 'success', now(), '', '')"
)


def write_while_a_ping_holds(script: Script, write: Callable[[], object]) -> list[Exception]:
    """`write` started while another transaction holds the script's row as a ping does; once
    the write waits, that transaction writes its run and commits. The write's errors."""
    return write_between(
        lambda ping: ping.execute(A_PINGS_LOCK, [script.pk]),
        write,
        lambda ping: ping.execute(A_PINGS_RUN, [script.pk]),
    )


def test_a_run_saved_while_a_ping_holds_its_script_waits_and_both_are_recorded(make_script):
    script = make_script()

    errors = write_while_a_ping_holds(
        script, lambda: ScriptExecution.objects.create(script=script, status=Status.ERROR)
    )

    assert errors == []
    assert sorted(ScriptExecution.objects.filter(script=script).values_list("status", flat=True)) == [
        Status.ERROR,
        Status.SUCCESS,
    ]


def test_a_run_deleted_through_the_api_while_a_ping_holds_its_script_waits(make_script, django_user_model):
    script = make_script()
    run = ScriptExecution.objects.create(script=script, status=Status.ERROR)
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_superuser("admin", "admin@example.com", "pw"))
    answers = []

    errors = write_while_a_ping_holds(
        script, lambda: answers.append(client.delete(f"/api/executions/{run.pk}/").status_code)
    )

    assert (errors, answers) == ([], [204])
    assert list(ScriptExecution.objects.filter(script=script).values_list("status", flat=True)) == [
        Status.SUCCESS
    ]
