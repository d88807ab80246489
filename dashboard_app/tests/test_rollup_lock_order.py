"""On PostgreSQL every writer of the rollup locks its two tables in one order, the day's totals
first (migration 0007): a runner's trigger and a reconcile holding the rollup lock can then never
wait for each other in a circle, as they did when a cached plan and LOCK TABLE disagreed."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from dashboard_app.tests.test_rollup_triggers import other_connection
from scripts_app.models import ScriptExecution, Status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (rollup triggers)"),
]

LOCKS_OF = """
SELECT c.relname, l.granted FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
WHERE l.pid = %s AND c.relname IN ('dashboard_daily_totals', 'dashboard_daily_runs')
"""
WAITING_FOR_TOTALS = """
SELECT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
WHERE c.relname = 'dashboard_daily_totals' AND NOT l.granted
"""


def locks_held_while_a_run_waits_for_the_totals(script, *, earlier_runs: int) -> dict[str, bool]:
    """Record `earlier_runs` runs on a fresh connection (0: the statement's first parse there; more:
    a cached plan), then one more while another transaction holds the totals: the locks its
    backend holds on the rollup's tables while it waits."""
    ready, done = threading.Event(), threading.Event()

    def runner():
        try:
            for _ in range(earlier_runs):
                ScriptExecution.objects.create(script=script, status=Status.SUCCESS)
            ready.wait(10)
            ScriptExecution.objects.create(script=script, status=Status.ERROR)
        finally:
            connections.close_all()
            done.set()

    holder = other_connection()
    thread = threading.Thread(target=runner)
    thread.start()
    try:
        holder.execute("LOCK TABLE dashboard_daily_totals IN SHARE ROW EXCLUSIVE MODE")
        ready.set()
        with other_connection() as observer:
            deadline = time.monotonic() + 10
            while not (waiting := observer.execute(WAITING_FOR_TOTALS).fetchall()):
                assert time.monotonic() < deadline, "the run never waited for the totals"
                time.sleep(0.02)
            (pid,) = waiting[0]
            return {name: granted for name, granted in observer.execute(LOCKS_OF, [pid]).fetchall()}
    finally:
        holder.rollback()
        holder.close()
        thread.join(10)
        assert done.is_set()


@pytest.mark.parametrize("earlier_runs", [0, 6], ids=["first statement of a session", "cached plan"])
def test_a_run_locks_the_days_totals_before_the_per_script_rows(make_script, earlier_runs):
    held = locks_held_while_a_run_waits_for_the_totals(make_script(), earlier_runs=earlier_runs)

    assert held == {"dashboard_daily_totals": False}  # waiting for the totals, holding nothing else
    assert ScriptExecution.objects.count() == earlier_runs + 1  # and recorded once let through
