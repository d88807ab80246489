"""The "two recomputes commit out of order" race, with real processes.

Process A reads the row versions and counts, then stalls before storing.
Meanwhile process B creates a script (its upkeep marks the row stale) and
process C recomputes and stores the new count. When A finally stores its
older count, the version guard refuses it: the cache keeps the newer value.
(test_cache_policy.py replays the same steps in one process.)
"""

from __future__ import annotations

import pytest
from django.conf import settings

from dashboard_app.counters import stats
from dashboard_app.models import DashboardStat
from dashboard_app.tests.concurrency import Worker, start_together
from scripts_app.models import Script

pytestmark = pytest.mark.django_db(transaction=True)


def run(role: str, *args: object) -> Worker:
    worker = Worker(role, *args, time_zone=settings.TIME_ZONE, cache_ttl=3600)
    start_together([worker])
    return worker


def test_an_older_recompute_that_stores_last_cannot_overwrite_a_newer_one(settings, capsys):
    settings.STATS_CACHE_TTL = 3600
    Script.objects.create(name="first")
    stats.refresh_stats()
    slow = run("slow_recompute")
    try:
        assert slow.receive() == {"counted": 1}  # A has counted, not stored
        assert run("write_script", "second").finish()["logged_errors"] == []  # B
        assert run("read").finish()["values"]["total_scripts"] == 2  # C stores 2
        slow.send()
        late = slow.finish()  # A stores its older count last
    finally:
        slow.kill()
    row = DashboardStat.objects.get(stat_key=stats.TOTAL_SCRIPTS)
    cached = stats.get_stats()
    with capsys.disabled():
        print(
            f"\n[race] slow recompute counted {late['value']}, stored last: accepted={late['stored']}; "
            f"row holds {row.stat_value} (stale={row.stale}); cached read {cached.values['total_scripts']} "
            f"({cached.source}), fresh {Script.objects.count()}"
        )
    assert late == {"value": 1, "stored": False, "logged_errors": []}
    assert (row.stat_value, row.stale) == (2, False)
    assert (cached.values["total_scripts"], cached.source) == (2, "cache")
