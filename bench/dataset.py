"""Build the benchmark's tables and move today's rows out of today and back.

Moving rows (an UPDATE that shifts started_at by whole years) lets one
million-row table be measured with 0, a few thousand or 100,000 rows today,
interleaved, without reseeding. It goes through QuerySet.update(), so the
cached counters are kept true like for any other write.
"""

from __future__ import annotations

import random
import sys
from datetime import timedelta

from django.core.management import call_command
from django.db import connection, connections, router
from django.db.models import F, Max
from django.utils import timezone
from rest_framework.authtoken.models import Token

from scripts_app.dates import day_window, local_today
from scripts_app.demo_data import SeedPlan, execution_rows, seed_demo
from scripts_app.models import Script, ScriptExecution

# Far before any seeded day, so that parked rows are the only rows there.
PARKING_SHIFT = timedelta(days=3650)
BENCH_USER = "bench"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def fresh_database(alias: str = "default") -> None:
    """Migrate and empty the benchmark's tables (a bench database only)."""
    call_command("migrate", database=alias, verbosity=0, interactive=False)
    ScriptExecution.objects.all().delete()
    Script.objects.all().delete()


def bench_user():
    """A superuser with staff status: it may use every page, the admin and the API."""
    from django.contrib.auth.models import User

    user, _ = User.objects.update_or_create(
        username=BENCH_USER, defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def bench_token() -> str:
    return Token.objects.get_or_create(user=bench_user())[0].key


def bench_session() -> str:
    """The session cookie of the bench user signed in, as a browser holds it after signing in."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(bench_user())
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def seed(*, scripts: int, executions: int, days: int, today: int, rng: random.Random) -> None:
    log(f"seeding {executions:,} executions ({today:,} today) for {scripts or 'the existing'} scripts")
    seed_demo(SeedPlan(scripts=scripts, executions=executions, days=days, today=today), rng=rng)
    database = connections[router.db_for_write(ScriptExecution)]
    if database.vendor == "sqlite":
        # Fold the seed's WAL (as large as the table) into the database, as
        # SQLite does on its own in time, so no measurement reads through it.
        with database.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def last_execution_id() -> int:
    return ScriptExecution.objects.aggregate(last=Max("pk"))["last"] or 0


def today_count() -> int:
    return ScriptExecution.objects.started_on(local_today()).count()


def table_rows() -> dict[str, int]:
    """What the chosen database holds (bench.routing): scripts, executions, today's, local days."""
    from dashboard_app.models import DailyRuns

    # Rows moved down to zero stay in the rollup (parking leaves some): days with runs only.
    with_runs = DailyRuns.objects.exclude(running=0, success=0, error=0, cancelled=0)
    return {
        "scripts": Script.objects.count(),
        "executions": ScriptExecution.objects.count(),
        "today": today_count(),
        "days": with_runs.values("day").distinct().count(),
    }


def park_today(*, keep: int = 0) -> int:
    """Move today's executions out of today, all but the first `keep` of them."""
    today = ScriptExecution.objects.started_on(local_today())
    after_id = today.order_by("pk").values_list("pk", flat=True)[keep - 1] if keep else 0
    return today.filter(pk__gt=after_id).update(
        started_at=F("started_at") - PARKING_SHIFT, completed_at=F("completed_at") - PARKING_SHIFT
    )


def unpark() -> int:
    """Bring every parked execution back to the time it had."""
    start, _ = day_window(local_today())
    return ScriptExecution.objects.filter(started_at__lt=start - PARKING_SHIFT + timedelta(days=2)).update(
        started_at=F("started_at") + PARKING_SHIFT, completed_at=F("completed_at") + PARKING_SHIFT
    )


def script_with_executions(count: int, *, rng: random.Random) -> Script:
    """A script whose `count` executions fall over the last few days, today included."""
    script = Script.objects.create(name=f"cascade-{rng.getrandbits(48):012x}")
    now = timezone.now()
    starts = sorted(now - timedelta(seconds=rng.uniform(0, 5 * 86400)) for _ in range(count))
    ScriptExecution.objects.bulk_create(execution_rows([script.pk], starts, rng=rng, today=False))
    return script


def database_label() -> str:
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
