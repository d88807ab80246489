"""Several watchers at once (several hosts running watch_schedules): every due script flips
once, and every stuck run is ended once. Real processes, each with its own connection."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from dashboard_app.tests.concurrency import Worker, midday_zone, start_together
from scripts_app.models import Flip, Script, ScriptExecution, State, Status

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPTS = 150


@pytest.mark.skipif(
    connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]),
    reason="SQLite file database only",
)
def test_two_watchers_flip_each_due_script_once_and_end_each_stuck_run_once(settings):
    settings.TIME_ZONE = midday_zone()
    two_hours_ago = timezone.now() - timedelta(hours=2)
    with time_machine.travel(two_hours_ago, tick=False):
        scripts = [
            Script.objects.create(
                name=f"due-{n}", period_seconds=600, grace_seconds=60, max_runtime_seconds=900
            )
            for n in range(SCRIPTS)
        ]
        for script in scripts:
            ScriptExecution.objects.create(script=script, status=Status.SUCCESS)
            ScriptExecution.objects.create(script=script, status=Status.RUNNING)  # stuck by now
    assert Script.objects.filter(check_at__lte=timezone.now()).count() == SCRIPTS

    watchers = [Worker("watch", time_zone=settings.TIME_ZONE, cache_ttl=300) for _ in range(2)]
    try:
        start_together(watchers)
        reports = [worker.finish() for worker in watchers]
    finally:
        for worker in watchers:
            worker.kill()

    assert all(report["logged_errors"] == [] for report in reports)
    assert sum(report["flips"] for report in reports) == SCRIPTS
    assert sum(report["runs_ended"] for report in reports) == SCRIPTS
    per_script = Counter(Flip.objects.filter(new_state=State.DOWN).values_list("script_id", flat=True))
    assert set(per_script.values()) == {1}
    assert set(Script.objects.values_list("state", flat=True)) == {State.DOWN}
    assert not ScriptExecution.objects.filter(status=Status.RUNNING).exists()
    made = [(report["flips"], report["runs_ended"], report["passes"]) for report in reports]
    print(f"\n[watchers] (flips, runs ended, passes) per watcher: {made}")
