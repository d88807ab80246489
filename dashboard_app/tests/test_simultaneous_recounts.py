"""Sixteen readers arriving together when today is due for a recount trigger one recount."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import fresh_counts
from dashboard_app.counters import stats
from dashboard_app.models import DashboardStat
from dashboard_app.tests.concurrency import Worker, midday_zone, start_together
from scripts_app.models import Script, ScriptExecution, Status

pytestmark = pytest.mark.django_db(transaction=True)

READERS = 16
CACHE_TTL = 300


def test_sixteen_readers_at_an_expired_ttl_recount_today_once(settings):
    settings.TIME_ZONE = midday_zone()
    settings.STATS_CACHE_TTL = CACHE_TTL
    script = Script.objects.create(name="busy")
    ScriptExecution.objects.bulk_create(
        ScriptExecution(script=script, status=Status.ERROR if n % 10 == 0 else Status.SUCCESS)
        for n in range(500)
    )
    stats.refresh_stats()
    daily = DashboardStat.objects.filter(stat_key__in=stats.DAILY_KEYS)
    daily.update(updated_at=timezone.now() - timedelta(seconds=CACHE_TTL + 60))  # the TTL ran out
    versions_before = dict(daily.values_list("stat_key", "version"))

    readers = [Worker("read", time_zone=settings.TIME_ZONE, cache_ttl=CACHE_TTL) for _ in range(READERS)]
    try:
        start_together(readers)
        reports = [reader.finish() for reader in readers]
    finally:
        for reader in readers:
            reader.kill()

    recounts = {
        key: version - versions_before[key] for key, version in daily.values_list("stat_key", "version")
    }
    assert recounts == dict.fromkeys(stats.DAILY_KEYS, 1)
    assert sorted(report["source"] for report in reports) == ["cache"] * (READERS - 1) + ["live"]
    assert all(report["values"] == fresh_counts() for report in reports)
    assert all(report["logged_errors"] == [] for report in reports)
