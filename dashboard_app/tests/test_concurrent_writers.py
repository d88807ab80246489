"""Several OS processes write at once; afterwards the cached read and the rollup are exact.

Each worker is a separate interpreter with its own connection to the test
database (dashboard_app/tests/workers.py): executions of every status, today
and yesterday, runs reported as `running` then finished, writes grouped in
transactions, toggles of shared scripts, scripts created and deleted with
their executions, and cached reads (which recompute and store) in between.
The TTL is an hour, so it cannot hide a lost invalidation.
"""

from __future__ import annotations

import pytest
from django.db import connection

from conftest import fresh_rollup, fresh_week, stored_rollup, stored_week
from dashboard_app.counters import stats
from dashboard_app.models import DashboardStat
from dashboard_app.rollup import week
from dashboard_app.tests.concurrency import Worker, midday_zone, start_together
from scripts_app.models import Script

pytestmark = pytest.mark.django_db(transaction=True)

CACHE_TTL = 3600
SHARED_SCRIPTS = 12


@pytest.fixture
def clock_at_midday(settings):
    settings.TIME_ZONE = midday_zone()
    settings.STATS_CACHE_TTL = CACHE_TTL
    return settings.TIME_ZONE


def run_writers(processes: int, executions: int, time_zone: str) -> list[dict]:
    shared = [Script.objects.create(name=f"shared-{i}", active=i % 4 != 0).pk for i in range(SHARED_SCRIPTS)]
    stats.refresh_stats()  # a warm cache that every write must invalidate
    workers = [
        Worker("writer", n, executions, f"{shared}", time_zone=time_zone, cache_ttl=CACHE_TTL)
        for n in range(processes)
    ]
    try:
        start_together(workers)
        return [worker.finish() for worker in workers]
    finally:
        for worker in workers:
            worker.kill()


def check_and_show(reports: list[dict], capsys, label: str) -> None:
    errors = [error for report in reports for error in report["errors"] + report["logged_errors"]]
    locked = [error for error in errors if "database is locked" in error]
    unconfirmed = [key for report in reports for key in report["unconfirmed_keys"]]
    drift = stats.drifted(stats.check_drift())  # rows the cache would serve, before any read
    rollup_true = stored_rollup() == fresh_rollup()
    week_true = stored_week() == fresh_week(week.last_day())  # refresh_stats counted today's week
    fresh_rows = DashboardStat.objects.filter(stale=False).count()
    cached = stats.get_stats()
    fresh = stats.get_stats(use_cache=False)
    expected_scripts = SHARED_SCRIPTS + sum(r["scripts_created"] - r["scripts_deleted"] for r in reports)
    expected_today = sum(report["today_kept"] for report in reports)
    with capsys.disabled():
        print(
            f"\n[{label}] {len(reports)} processes x {reports[0]['executions']} executions = "
            f"{sum(r['executions'] for r in reports)} rows written; "
            f"toggles {sum(r['toggles'] for r in reports)}, scripts created/deleted "
            f"{sum(r['scripts_created'] for r in reports)}/{sum(r['scripts_deleted'] for r in reports)}, "
            f"cached reads during the run {sum(r['reads'] for r in reports)}; "
            f"errors {len(errors)} (database is locked: {len(locked)}); "
            f"rows not stale at the end {fresh_rows}/4, drifted {drift}; rollup exact: {rollup_true}, "
            f"its week: {week_true}; "
            f"cached read ({cached.source}) {cached.values} vs fresh {fresh.values}; "
            f"expected total_scripts {expected_scripts}, today_executions {expected_today}"
        )
    assert errors == []
    assert unconfirmed == []
    assert drift == []
    assert rollup_true
    assert week_true
    assert cached.values == fresh.values
    assert fresh.values["total_scripts"] == expected_scripts == Script.objects.count()
    assert fresh.values["today_executions"] == expected_today


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL only (set DATABASE_URL=postgres://...)"
)
def test_eight_postgresql_writers_leave_the_cache_exact(clock_at_midday, capsys):
    reports = run_writers(processes=8, executions=250, time_zone=clock_at_midday)
    check_and_show(reports, capsys, "PostgreSQL")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite file database only")
def test_four_sqlite_writers_never_see_a_locked_database(clock_at_midday, capsys):
    reports = run_writers(processes=4, executions=100, time_zone=clock_at_midday)
    check_and_show(reports, capsys, "SQLite")
