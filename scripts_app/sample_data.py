"""First run of a development server: an admin account and a labelled sample data set.

Only `manage.py bootstrap_dev` (called by `make run`) uses this, and it does
nothing unless the database is empty, so it can never touch real data.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from scripts_app.dates import day_start, local_today
from scripts_app.history import HISTORY_DAYS
from scripts_app.models import Script, ScriptExecution, Status
from scripts_app.monitoring import states

ADMIN_USERNAME = "admin"
SAMPLE_PREFIX = "[Sample] "
SAMPLE_NOTE = "Sample data created by `manage.py bootstrap_dev` on an empty database. Delete it freely."
SAMPLE_SCRIPTS = [
    # name, active, how often its runs fail (0..1)
    ("Nightly database backup", True, 0.05),
    ("Invoice PDF export", True, 0.2),
    ("Sync HR records", True, 0.1),
    ("Clean temp files", True, 0.0),
    ("Weekly sales report", True, 0.15),
    ("Legacy FTP upload", False, 0.5),
]


@dataclass(frozen=True)
class Bootstrapped:
    username: str
    password: str
    scripts: int
    executions: int


def database_is_empty() -> bool:
    return not get_user_model().objects.exists() and not Script.objects.exists()


@transaction.atomic
def bootstrap_dev() -> Bootstrapped | None:
    """Create the admin account and the sample data, or return None if the database has data."""
    if not database_is_empty():
        return None
    password = secrets.token_urlsafe(12)
    get_user_model().objects.create_superuser(ADMIN_USERNAME, email="", password=password)
    scripts, executions = load_sample_data()
    return Bootstrapped(ADMIN_USERNAME, password, scripts, executions)


def load_sample_data(*, seed: int = 7) -> tuple[int, int]:
    """Six clearly labelled scripts and two weeks of runs ending now. Returns the counts."""
    chance = random.Random(seed)
    scripts = Script.objects.bulk_create(
        Script(name=SAMPLE_PREFIX + name, description=SAMPLE_NOTE, active=active, execution_order=order)
        for order, (name, active, _) in enumerate(SAMPLE_SCRIPTS, start=1)
    )
    now = timezone.now()
    runs = []
    today = local_today()
    for days_ago in range(HISTORY_DAYS - 1, -1, -1):
        midnight = day_start(today - timedelta(days=days_ago))
        for script, (_, active, failure_rate) in zip(scripts, SAMPLE_SCRIPTS, strict=True):
            if not active and days_ago < 5:
                continue  # switched off five days ago
            for _run in range(chance.randint(1, 3)):
                started = midnight + timedelta(minutes=chance.randint(0, 24 * 60 - 1))
                if started >= now:
                    continue
                runs.append(_sample_run(script, started, now, failed=chance.random() < failure_rate))
    # Something happening right now, and a failure today (today even just after midnight).
    today_starts = day_start(today)
    runs.append(
        ScriptExecution(
            script=scripts[1], status=Status.RUNNING, started_at=max(now - timedelta(minutes=2), today_starts)
        )
    )
    runs.append(_sample_run(scripts[2], max(now - timedelta(minutes=30), today_starts), now, failed=True))
    ScriptExecution.objects.bulk_create(runs)
    for script in scripts:  # runs written in bulk send no signal: their states are decided here
        states.evaluate(script.pk)
    return len(scripts), len(runs)


def _sample_run(script: Script, started: datetime, now: datetime, *, failed: bool) -> ScriptExecution:
    completed = min(started + timedelta(seconds=random.Random(started.timestamp()).randint(5, 900)), now)
    return ScriptExecution(
        script=script,
        status=Status.ERROR if failed else Status.SUCCESS,
        started_at=started,
        completed_at=completed,
        error_message="Sample failure: connection reset by peer" if failed else "",
    )
