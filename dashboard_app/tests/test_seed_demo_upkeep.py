"""Demo data written in bulk by seed_demo leaves the cached counters true."""

import io
import random

import time_machine
from django.core.management import call_command

from conftest import at
from dashboard_app.counters import stats
from scripts_app.demo_data import SeedPlan, seed_demo

AFTERNOON = at("2026-11-26 15:00", "Asia/Seoul")


def test_counters_cached_before_seeding_are_true_after_it(seoul, db):
    with time_machine.travel(AFTERNOON, tick=False):
        assert stats.get_stats().values == dict.fromkeys(stats.KEYS, 0)

        plan = SeedPlan(scripts=30, executions=600, days=3, today=200)
        seed_demo(plan, rng=random.Random(5), batch_size=50)

        served = stats.get_stats()
        fresh = {key: counter.count(served.day) for key, counter in stats.COUNTERS.items()}
        assert served.values == fresh
        assert served.values["today_executions"] == 200
        call_command("refresh_stats", "--check", stdout=io.StringIO())  # exits 1 on drift
