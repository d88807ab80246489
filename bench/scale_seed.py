"""The scale tables' databases: made once, kept, and seeded again only when they must be.

A database is migrated by the product (`manage.py migrate`, once per zone into
a template it is copied from: bench/scale_schema.py), filled by the
server (bench/scale_seed_sql.py), its rollup made exact and proven so by
`manage.py refresh_stats --check`. Then a marker is written beside it (on
PostgreSQL the database's comment, on SQLite a .seed.json file next to it)
saying what it holds: the plan, the zone whose days it counts, the day that
was today, and a digest of the migrations. The next run keeps it if the
marker still says what that run needs, and seeds it again otherwise (or when
BENCH_SCALE_RESEED=1): a new day, another zone, a changed migration.

On PostgreSQL the big INSERT runs with session_replication_role = replica,
which switches off the rollup's statement triggers and the foreign key's
per-row checks for this session only; the rollup is then recounted by one
GROUP BY. A database of more than REBUILD_INDEXES_ABOVE runs also drops the
executions' secondary indexes first and builds them again after: a bulk
index build is several times faster than ten million insertions.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from contextlib import closing
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql

from bench import scale_seed_sql as q
from bench.scale_schema import create_pg, create_sqlite, maintenance, manage, migrations_digest, pg_url
from bench.scale_sizes import RunsPlan, ScriptsPlan

REBUILD_INDEXES_ABOVE = 1_000_000
TODAY_HOURS = 11  # today's runs start in the day's first hours: before noon, when the bench runs


def log(message: str) -> None:
    print(f"[bench scale] {message}", file=sys.stderr, flush=True)


def wanted_marker(plan: RunsPlan | ScriptsPlan, zone: str) -> dict:
    return {
        "plan": {"kind": type(plan).__name__, **asdict(plan)},
        "generator": q.GENERATOR_VERSION[type(plan).__name__],
        "zone": zone,
        "day": local_now(zone).date().isoformat(),
        "migrations": migrations_digest(),
    }


def local_now(zone: str) -> datetime:
    return datetime.now(ZoneInfo(zone))


def midnights(zone: str, days: int) -> list[datetime]:
    """The UTC instants at which today and each of the days-1 days before it begin."""
    today = local_now(zone).date()
    return [_day_start(today - timedelta(days=back), zone) for back in range(days)]


def _day_start(day: date, zone: str) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def today_span_seconds(zone: str) -> int:
    """Seconds after midnight in which today's runs start: the first TODAY_HOURS hours,
    and never later than a minute ago."""
    elapsed = (datetime.now(UTC) - midnights(zone, 1)[0]).total_seconds()
    span = int(min(TODAY_HOURS * 3600, elapsed - 60))
    if span < 60:
        raise RuntimeError(f"The day in {zone} has only just begun: run the scale tables a little later.")
    return span


def reseed_asked() -> bool:
    return os.environ.get("BENCH_SCALE_RESEED", "").strip().lower() in {"1", "true", "yes"}


# ---------------------------------------------------------------- PostgreSQL


def pg_marker(server_url: str, name: str) -> dict | None:
    with maintenance(server_url) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
    if row is None or not row[0]:
        return None
    try:
        return json.loads(row[0])
    except ValueError:
        return None


def ensure_pg(server_url: str, name: str, plan: RunsPlan | ScriptsPlan, zone: str) -> dict:
    """The database `name` holding `plan` in `zone`'s days: kept if its marker says so, else made."""
    wanted = wanted_marker(plan, zone)
    found = pg_marker(server_url, name)
    if found and not reseed_asked() and {k: found.get(k) for k in wanted} == wanted:
        return {**found, "kept": True}
    log(f"seeding {name} ({plan})")
    started = time.monotonic()
    create_pg(server_url, name, zone)
    url = pg_url(server_url, name)
    timings = {"migrate_s": time.monotonic() - started}
    with psycopg.connect(url, autocommit=True) as conn:
        timings |= _pg_fill(conn, plan, zone)
    timings |= prove_exact(url, zone)
    marker = {**wanted, **timings, "seed_s": time.monotonic() - started}
    with maintenance(server_url) as conn:
        conn.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(json.dumps(marker))
            )
        )
    log(f"seeded {name} in {marker['seed_s']:.0f} s")
    return {**marker, "kept": False}


def _pg_fill(conn: psycopg.Connection, plan: RunsPlan | ScriptsPlan, zone: str) -> dict:
    timings: dict[str, float] = {}

    def step(label: str, statement, params=None) -> None:
        started = time.monotonic()
        conn.execute(statement, params)
        timings[label] = timings.get(label, 0.0) + time.monotonic() - started

    conn.execute("SET session_replication_role = replica")  # no rollup or foreign-key triggers
    conn.execute("SET maintenance_work_mem = '512MB'")
    conn.execute("SET work_mem = '64MB'")
    step("insert_s", q.PG_SCRIPTS, {"scripts": plan.scripts})
    indexes = []
    if isinstance(plan, RunsPlan) and plan.total > REBUILD_INDEXES_ABOVE:
        indexes = conn.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = 'script_executions'::regclass AND NOT indisprimary"
        ).fetchall()
        for index_name, _ in indexes:
            conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(index_name)))
    conn.execute("SELECT setseed(0.2026)")
    if isinstance(plan, RunsPlan):
        starts = midnights(zone, plan.days)
        past = plan.total - plan.today
        if past:
            span = (starts[0] - starts[-1]).total_seconds() * 1_000_000
            step("insert_s", q.PG_RUNS.format(status=q.PAST_STATUS.format(r="r")),
                 {"start": starts[-1], "step_us": span / past, "count": past})  # fmt: skip
        if plan.today:
            span = today_span_seconds(zone) * 1_000_000
            step("insert_s", q.PG_RUNS.format(status=q.TODAY_STATUS.format(r="r")),
                 {"start": starts[0], "step_us": span / plan.today, "count": plan.today})  # fmt: skip
    else:
        step("insert_s", q.PG_HISTORY, _history_params(plan, zone, midnights(zone, plan.days)))
    for _, definition in indexes:
        step("indexes_s", definition)
    step("rollup_s", "DELETE FROM dashboard_daily_runs")
    step("rollup_s", q.PG_RECOUNT_ROLLUP, {"zone": zone})
    step("rollup_s", "DELETE FROM dashboard_daily_totals")
    step("rollup_s", q.PG_RECOUNT_TOTALS)
    conn.execute("SET session_replication_role = DEFAULT")
    tables = "scripts, script_executions, dashboard_daily_runs, dashboard_daily_totals"
    step("vacuum_s", f"VACUUM (ANALYZE) {tables}")
    return timings


def _history_params(plan: ScriptsPlan, zone: str, starts: list) -> dict:
    past = plan.per_script - plan.today
    if past < 1 or plan.days < 2:
        raise ValueError(f"{plan}: the history needs runs before today")
    return {
        "per_script": plan.per_script,
        "past": past,
        "days": plan.days,
        "today_span": today_span_seconds(zone),
        "starts": starts,
    }


# ---------------------------------------------------------------- SQLite


def ensure_sqlite(path: Path, plan: ScriptsPlan, zone: str) -> dict:
    """The SQLite file at `path` holding `plan`: kept if its marker says so, else made."""
    wanted = wanted_marker(plan, zone)
    marker_path = Path(f"{path}.seed.json")
    found = json.loads(marker_path.read_text()) if marker_path.exists() else None
    if found and path.exists() and not reseed_asked() and {k: found.get(k) for k in wanted} == wanted:
        return {**found, "kept": True}
    log(f"seeding {path.name} ({plan})")
    started = time.monotonic()
    marker_path.unlink(missing_ok=True)
    create_sqlite(path, zone)
    url = f"sqlite:///{path}"
    timings = {"migrate_s": time.monotonic() - started}
    begun = time.monotonic()
    with closing(sqlite3.connect(path)) as conn, conn:  # the rollup's row triggers count each run
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        conn.execute(q.SQLITE_SCRIPTS, {"scripts": plan.scripts, "now": now})
        params = _history_params(plan, zone, midnights(zone, plan.days))
        params["starts_json"] = json.dumps([int(start.timestamp()) for start in params.pop("starts")])
        conn.execute(q.SQLITE_HISTORY, {**params, "now": now})
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    timings["insert_s"] = time.monotonic() - begun
    timings |= prove_exact(url, zone)
    marker = {**wanted, **timings, "seed_s": time.monotonic() - started}
    marker_path.write_text(json.dumps(marker, indent=2))
    log(f"seeded {path.name} in {marker['seed_s']:.0f} s")
    return {**marker, "kept": False}


# ---------------------------------------------------------------- the product's own commands


def prove_exact(url: str, zone: str) -> dict:
    """Store the counters as a first visit does, then `refresh_stats --check` must exit 0."""
    started = time.monotonic()
    warm = manage(url, zone, "shell", "-c", "from dashboard_app.counters.stats import get_stats; get_stats()")
    if warm.returncode:
        raise RuntimeError(f"the first read of the counters failed:\n{warm.stderr}")
    check = manage(url, zone, "refresh_stats", "--check")
    if check.returncode:
        raise RuntimeError(f"refresh_stats --check exited {check.returncode}:\n{check.stdout}{check.stderr}")
    return {"check_s": time.monotonic() - started, "check": check.stdout.strip().splitlines()}
