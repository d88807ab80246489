"""A guard on PostgreSQL: no page, list, API read or admin changelist plans a sequential scan of
script_executions. Each read's statements are captured and EXPLAINed with sequential scans
switched off, so the planner takes an index wherever one answers the statement: a Seq Scan
left in a plan means no index can, and at ten million runs it would read them all. Skipped on
SQLite."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboard_app.counters import stats
from dashboard_app.tests.plans import sequential_scans
from scripts_app.dates import local_today
from scripts_app.models import Status

pytestmark = pytest.mark.django_db

RUNS = "script_executions"
EXECUTIONS_ADMIN = "/admin/scripts_app/scriptexecution/"
READS = [
    "/",
    "/?days=30",
    *(f"/counters/{key}/" for key in stats.KEYS),
    "/scripts/",
    "/scripts/?sort=failures",
    "/scripts/?sort=success_rate",
    "/scripts/?state=up&sort=failures",
    "/scripts/{script}/",
    "/executions/",
    "/executions/?status=error",
    "/executions/?status=error&date={today}",
    "/executions/?script={script}",
    "/executions/?script={script}&status=success&date={today}",
    "/api/scripts/",
    "/api/scripts/?sort=failures",
    "/api/scripts/?sort=success_rate",
    "/api/scripts/?search=back",
    "/api/scripts/{script}/",
    "/api/executions/",
    "/api/executions/?status=error&date={today}",
    "/api/executions/?script={script}",
    "/api/executions/{run}/",
    "/api/dashboard/stats?use_cache=false",
    "/api/dashboard/history?days=30",
    "/admin/scripts_app/script/",
    "/admin/scripts_app/script/?active__exact=0",
    EXECUTIONS_ADMIN,
    EXECUTIONS_ADMIN + "?status__exact=error",
    EXECUTIONS_ADMIN + "?script__id__exact={script}",
]


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("a guard of PostgreSQL's plans (DATABASE_URL=postgres://…)")


@pytest.fixture
def history(make_script, make_execution):
    now = timezone.now()
    scripts = [make_script(name=name) for name in ("nightly-backup", "report", "cleanup")]
    run = None
    for days_ago in range(0, 9):
        for script in scripts:
            started = now - timedelta(days=days_ago, minutes=5)
            for status in (Status.SUCCESS, Status.ERROR, Status.CANCELLED):
                run = make_execution(
                    script, status=status, started_at=started, completed_at=started + timedelta(minutes=1)
                )
    make_execution(scripts[0], status=Status.RUNNING, started_at=now)
    scripts[2].active = False
    scripts[2].save()
    return scripts[0], run


def sequential_scans_of_runs(sql: str) -> list[str]:
    return sequential_scans(sql, RUNS)


@pytest.mark.usefixtures("postgresql")
def test_no_read_plans_a_sequential_scan_of_the_runs(admin_client, history):
    script, run = history
    values = {"script": script.pk, "run": run.pk, "today": local_today().isoformat()}
    scanned, explained = [], 0
    for template in READS:
        path = template.format(**values)
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(path)
        assert response.status_code == 200, path
        for query in queries:
            sql = query["sql"]
            if RUNS not in sql or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            explained += 1
            for found in sequential_scans_of_runs(sql):
                scanned.append(f"{path}: Seq Scan on {RUNS} {found}\n  {sql}")
    assert explained > len(READS) // 2  # the guard looked at the statements that read runs
    assert scanned == [], "\n".join(scanned)


@pytest.mark.usefixtures("postgresql")
def test_the_guard_sees_a_sequential_scan(history):
    # A filter no index answers: what the guard exists to catch.
    assert sequential_scans_of_runs(f"SELECT count(*) FROM {RUNS} WHERE error_message LIKE '%disk%'")
