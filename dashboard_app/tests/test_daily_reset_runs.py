"""reset_daily_stats run at midnight, late, twice, never, and by several processes at once.

However (and whether) the job runs, the cached counters equal a fresh count.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from conftest import at, fresh_counts
from dashboard_app.counters import stats
from scripts_app.models import Script, ScriptExecution, Status

pytestmark = pytest.mark.django_db(transaction=True)

EVENING = at("2026-11-26 22:00", "Asia/Seoul")


def reset() -> None:
    call_command("reset_daily_stats", stdout=io.StringIO())


def record(script: Script, status: str = Status.ERROR) -> None:
    ScriptExecution.objects.create(script=script, status=status)


SCHEDULES = {
    "at midnight": ["00:00"],
    "late, at 09:00": ["09:00"],
    "twice": ["00:00", "00:00"],
    "at midnight and again late": ["00:00", "09:00"],
    "never": [],
    "early, before midnight": ["23:59"],
}


@pytest.mark.parametrize("schedule", list(SCHEDULES))
def test_the_counters_stay_true_whenever_the_reset_runs(seoul, make_script, schedule):
    runs = SCHEDULES[schedule]
    with time_machine.travel(EVENING, tick=False) as clock:
        script = make_script()
        record(script)
        stats.get_stats()  # yesterday's counters, cached
        for hour in range(22, 24 + 12):  # 22:00 to 11:00 the next day, hour by hour
            for minute in (0, 59):
                instant = EVENING.replace(hour=0, minute=minute) + timedelta(hours=hour)
                clock.move_to(instant)
                for _ in range(runs.count(f"{instant:%H:%M}")):
                    reset()
                if minute == 0 and hour % 3 == 0:
                    record(script, Status.ERROR if hour % 2 else Status.SUCCESS)
                assert stats.get_stats().values == fresh_counts(), f"at {instant:%d %H:%M}"


def database_url() -> str:
    """The test database, as DATABASE_URL for a process of its own."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    host = connection.settings_dict["HOST"] or "127.0.0.1"
    user = connection.settings_dict["USER"]
    return f"postgres://{user}@{host}:{connection.settings_dict['PORT'] or 5432}/{name}"


STARTING_TOGETHER = """
import os, sys, time
import django
django.setup()
from django.core.management import call_command
time.sleep(max(0.0, float(os.environ["START_AT"]) - time.time()))
what = sys.argv[1]
if what == "reset":
    call_command("reset_daily_stats")
else:
    from scripts_app.models import Script, ScriptExecution
    script = Script.objects.get(name="runner")
    for n in range(20):
        ScriptExecution.objects.create(script=script, status="error" if n % 2 else "success")
"""


def test_several_processes_resetting_at_once_while_a_runner_records(make_script, settings):
    settings.TIME_ZONE = "UTC"
    script = make_script(name="runner")
    record(script)
    stats.get_stats()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workflow_project.settings",
        "DATABASE_URL": database_url(),
        "TIME_ZONE": settings.TIME_ZONE,
        # Django's startup takes about a second; all of them begin their work together.
        "START_AT": str(time.time() + 3),
    }
    jobs = ["reset", "reset", "reset", "runner"]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", STARTING_TOGETHER, job],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for job in jobs
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    for job, process, (_out, err) in zip(jobs, processes, outputs, strict=True):
        assert process.returncode == 0, f"{job}: {err}"
    assert ScriptExecution.objects.count() == 21  # nothing lost
    assert stats.get_stats().values == fresh_counts()
    assert stats.drifted(stats.check_drift()) == []
