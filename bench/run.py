"""`make bench`: run each phase in its own process, then print one table.

Environment:
  BENCH_QUICK=1          tiny data and short runs (what the smoke test uses)
  BENCH_DATABASE_URL     PostgreSQL for the concurrent-writers and outages rows (else SQLite; no row 17)
  BENCH_DIR              where the SQLite files, logs and results go (default var/bench)
  BENCH_SCALE=1          then the scale tables (bench/scale.py): 10,000,000 runs on the
                         BENCH_DATABASE_URL server, 10,000 scripts on SQLite and PostgreSQL
  TIME_ZONE              the zone whose local days are counted; default: a fixed-offset
                         zone where it is about noon now, so that no run crosses midnight
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.load import load_tool
from bench.sizes import from_env
from bench.table import render

BASE_DIR = Path(__file__).resolve().parent.parent


def main() -> None:
    sizes = from_env()
    work = Path(os.environ.get("BENCH_DIR") or BASE_DIR / "var" / "bench").resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("TIME_ZONE", midday_zone())  # every phase inherits it
    started = time.monotonic()
    # The large and the small database: seeded once, then used by each phase in turn.
    both = {
        "db_url": _fresh_sqlite(work / "bench.sqlite3"),
        "BENCH_SMALL_DB": _fresh_sqlite(work / "bench-small.sqlite3"),
    }
    results = {"seed": _phase("bench.seed_phase", work / "seed.json", **both)}
    results["pages"] = _phase("bench.pages", work / "pages.json", **both)
    results["main"] = _phase("bench.main_phase", work / "main.json", **both)
    results["stream"] = _phase("bench.stream", work / "stream.json", db_url=both["db_url"])
    results["migration"] = _phase("bench.migration", work / "migration.json", **both)
    writers_url = os.environ.get("BENCH_DATABASE_URL") or _fresh_sqlite(work / "writers.sqlite3")
    results["writers"] = _phase("bench.writers", work / "writers.json", db_url=writers_url)
    results["operators"] = _phase(
        "bench.operators", work / "operators.json", db_url=_fresh_sqlite(work / "operators.sqlite3")
    )
    # Row 17 needs PostgreSQL: on SQLite the phase only says why it skipped.
    results["outages"] = _phase("bench.outages", work / "outages.json", db_url=writers_url)
    results["monitoring"] = _phase(
        "bench.monitoring", work / "monitoring.json", db_url=_fresh_sqlite(work / "monitoring.sqlite3"),
        BENCH_SMALL_DB=_fresh_sqlite(work / "monitoring-small.sqlite3"),
    )  # fmt: skip
    alerts_db = _fresh_sqlite(work / "alerts.sqlite3")
    results["alerts"] = _phase("bench.alerts", work / "alerts.json", db_url=alerts_db)
    context = {
        "commit": _git_commit(),
        "machine": machine(),
        "load_tool": load_tool(),
        "quick": sizes.quick,
        "time_zone": os.environ["TIME_ZONE"],
        "minutes": (time.monotonic() - started) / 60,
    }
    table = render(context, results)
    (work / "latest.md").write_text(table + "\n")
    print(table)
    from bench import scale  # imports this module: not at the top

    if scale.enabled():
        print()
        scale.main()


def midday_zone() -> str:
    """A fixed-offset zone where it is now about noon: today has begun hours ago and
    ends hours from now, whenever the bench runs."""
    offset = 12 - datetime.now(UTC).hour  # -11 .. 12, all valid Etc/GMT zones
    if offset == 0:
        return "Etc/GMT"
    # POSIX sign convention: Etc/GMT-3 is three hours *ahead* of UTC.
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def _fresh_sqlite(path: Path) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _phase(module: str, out: Path, *, db_url: str, **extra_env: str) -> dict:
    out.unlink(missing_ok=True)
    env = {**os.environ, **extra_env, "BENCH_DB": db_url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    subprocess.run([sys.executable, "-m", module, str(out)], cwd=BASE_DIR, env=env, check=True)
    return json.loads(out.read_text())


def _git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=BASE_DIR, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (
        " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    )


def machine() -> dict:
    meminfo = Path("/proc/meminfo")
    memory_kib = int(meminfo.read_text().split()[1]) if meminfo.exists() else 0
    return {
        "cpus": len(os.sched_getaffinity(0)),
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }
