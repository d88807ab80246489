"""Writer processes for the concurrency tests (run as `python -m dashboard_app.tests.workers ROLE`).

Each process is a fresh interpreter with its own database connection to the
test database that the parent test passes in WORKER_DATABASE (a JSON
settings dict). The protocol runs over stdin/stdout, one JSON object a line:
the worker prints {"ready": true}, waits for a line on stdin, works, and
prints its report. Roles:

- `writer`: the mixed workload (executions of every status, today and
  yesterday, reported finished through save() or QuerySet.update(),
  toggles, scripts created and deleted, cached reads in between).
- `slow_recompute`: reads the row versions and counts, reports
  {"counted": ...}, and waits for another line before it stores.
- `write_script`: creates one script and exits (its upkeep runs on commit).
- `read`: one cached read (it recomputes what is stale and stores it); reports
  the values and where they came from.
- `invalidate`: marks random sets of counters stale, as writes do after
  commit, with cached reads in between; reports how often it marked each.
- `watch`: watcher passes (as `watch_schedules` makes them) until two in a row
  find nothing due; reports how many flips and ended runs it made.
- `send_alerts BATCH`: sender passes of at most BATCH rows until two in a row claim
  nothing; reports how many it claimed and delivered.
"""

from __future__ import annotations

import json
import logging
import os
import random
import sys
from datetime import timedelta


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workflow_project.settings")
    from django.conf import settings

    settings.DATABASES["default"] = json.loads(os.environ["WORKER_DATABASE"])
    import django

    django.setup()


def say(**message) -> None:
    print(json.dumps(message), flush=True)


def wait_for_parent() -> None:
    sys.stdin.readline()


class ErrorCounter(logging.Handler):
    """Upkeep failures are logged, never raised: count them too."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage() + (f" ({record.exc_info[1]!r})" if record.exc_info else ""))


def writer(worker: int, executions: int, shared_ids: list[int]) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from dashboard_app.counters import recount, stats
    from scripts_app.models import Script, ScriptExecution, Status

    rng = random.Random(worker)
    report = {"worker": worker, "executions": 0, "today_kept": 0, "toggles": 0, "reads": 0}
    report |= {"scripts_created": 0, "scripts_deleted": 0, "errors": []}
    own: Script | None = None
    own_today = 0

    def attempt(action) -> None:
        try:
            action()
        except Exception as error:  # every failure is a finding: report it
            report["errors"].append(repr(error))

    def run_one(i: int) -> None:
        nonlocal own_today
        use_own = own is not None and i % 3 == 0
        script_id = own.pk if use_own else rng.choice(shared_ids)
        today = rng.random() > 0.1
        started = timezone.now() - (timedelta(0) if today else timedelta(days=1))
        # Only some scripts ever fail, so that today_failed_scripts is not simply all of them.
        outcomes = [Status.SUCCESS, Status.CANCELLED, Status.RUNNING]
        final = rng.choice(outcomes + ([Status.ERROR] if script_id % 3 == 0 else []))
        if i % 4 == 0 and final != Status.RUNNING:
            # A runner reports `running`, then PATCHes the outcome.
            run = ScriptExecution.objects.create(
                script_id=script_id, status=Status.RUNNING, started_at=started
            )
            run.status, run.completed_at = final, timezone.now()
            run.save()
        elif i % 4 == 2 and final != Status.RUNNING:
            # The same, finished with QuerySet.update() (no per-row signal from Django).
            run = ScriptExecution.objects.create(
                script_id=script_id, status=Status.RUNNING, started_at=started
            )
            ScriptExecution.objects.filter(pk=run.pk).update(status=final, completed_at=timezone.now())
        elif i % 4 == 1:
            with transaction.atomic():  # several writes, one upkeep at commit
                ScriptExecution.objects.create(script_id=script_id, status=final, started_at=started)
                Script.objects.filter(pk=script_id).update(execution_order=i)
        else:
            ScriptExecution.objects.create(script_id=script_id, status=final, started_at=started)
        report["executions"] += 1
        if today:
            if use_own:
                own_today += 1
            else:
                report["today_kept"] += 1

    def toggle() -> None:
        script = Script.objects.get(pk=rng.choice(shared_ids))
        script.active = not script.active
        script.save()
        report["toggles"] += 1

    def replace_own_script() -> None:
        nonlocal own, own_today
        if own is not None:
            own.delete()  # cascades to its executions
            report["scripts_deleted"] += 1
        own = Script.objects.create(name=f"worker-{worker}-{report['scripts_created']}")
        own_today = 0
        report["scripts_created"] += 1

    for i in range(executions):
        if i % 50 == 0:
            attempt(replace_own_script)
        attempt(lambda: run_one(i))  # noqa: B023 (called at once)
        if i % 25 == 7:
            attempt(toggle)
        if i % 5 == 3:
            attempt(stats.get_stats)
            report["reads"] += 1
    report["today_kept"] += own_today  # the last own script is kept
    attempt(stats.get_stats)
    report["unconfirmed_keys"] = sorted(recount.unconfirmed_keys)
    return report


def slow_recompute() -> dict:
    from dashboard_app.counters import recount, stat_rows, stats

    real_store = recount._store
    results = []

    def store_when_told(key, value, **kwargs):
        if not results:
            say(counted=value)
            wait_for_parent()
        stored = real_store(key, value, **kwargs)
        results.append(stored)
        return stored

    recount._store = store_when_told
    values = recount.recount_and_store(
        [stats.TOTAL_SCRIPTS],
        stat_rows.read_rows([stats.TOTAL_SCRIPTS]),
        count=lambda key: stats.COUNTERS[key].count(stats.local_today()),
        day=stats.local_today(),
        now=stats.timezone.now(),
    )
    return {"value": values[stats.TOTAL_SCRIPTS], "stored": results[0]}


def invalidate(worker: int, rounds: int) -> dict:
    from dashboard_app.counters import recount, stats

    rng = random.Random(worker)
    marks = dict.fromkeys(stats.KEYS, 0)
    errors = []
    for _ in range(rounds):
        keys = rng.sample(stats.KEYS, rng.randint(2, len(stats.KEYS)))
        try:
            recount.mark_stale(keys)  # raises, unlike the upkeep, which logs
            for key in keys:
                marks[key] += 1
            if rng.random() < 0.2:
                stats.get_stats()
        except Exception as error:
            errors.append(repr(error))
    return {"marks": marks, "errors": errors}


def watch() -> dict:
    from scripts_app.monitoring import watcher

    flips = ended = passes = idle = 0
    while idle < 2:
        tick = watcher.tick()
        flips, ended, passes = flips + tick.flips, ended + tick.runs_ended, passes + 1
        idle = idle + 1 if tick.looked_at == 0 else 0
    return {"flips": flips, "runs_ended": ended, "passes": passes}


def send_alerts(batch: int) -> dict:
    from dashboard_app.alerts import sender

    claimed = delivered = idle = 0
    while idle < 2:
        done = sender.send_due(batch=batch)
        claimed, delivered = claimed + done.claimed, delivered + done.delivered
        idle = idle + 1 if done.claimed == 0 else 0
    return {"claimed": claimed, "delivered": delivered}


def main() -> None:
    role = sys.argv[1]
    setup_django()
    errors = ErrorCounter()
    logging.getLogger("dashboard_app").addHandler(errors)
    say(ready=True)
    wait_for_parent()
    if role == "writer":
        report = writer(int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4]))
    elif role == "invalidate":
        report = invalidate(int(sys.argv[2]), int(sys.argv[3]))
    elif role == "slow_recompute":
        report = slow_recompute()
    elif role == "write_script":
        from scripts_app.models import Script

        report = {"id": Script.objects.create(name=sys.argv[2]).pk}
    elif role == "watch":
        report = watch()
    elif role == "send_alerts":
        report = send_alerts(int(sys.argv[2]))
    elif role == "read":
        from dashboard_app.counters import stats

        read = stats.get_stats()
        report = {"values": read.values, "source": read.source}
    else:
        raise SystemExit(f"unknown role {role!r}")
    say(**report, logged_errors=errors.messages)


if __name__ == "__main__":
    main()
