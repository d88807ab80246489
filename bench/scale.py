"""The scale tables: `python -m bench.scale`, or `make bench` with BENCH_SCALE=1 (after its table).

Issue 20 asks whether every read stays flat on the axes a team grows along:
- runs, on PostgreSQL: 10,000,000 executions (1,000,000 today) against
  10,000 (1,000 today), 200 scripts, 30 local days;
- scripts, on SQLite and on PostgreSQL: 10,000 scripts against 20, each
  with 30 runs over the month, 5 of them today;
and whether PostgreSQL under `make serve` records runs and serves cached
reads as fast as SQLite does. Each read that misses is diagnosed from its
SQL and plans (bench/scale_diagnose.py).

Environment:
  BENCH_DATABASE_URL   a PostgreSQL server (its database name is ignored: the scale
                       tables use their own, all named scale_*); without it only the
                       SQLite scripts axis runs
  BENCH_QUICK=1        tiny sizes and short runs (CI)
  BENCH_SCALE_RESEED=1 seed every database again, even one that could be kept
  BENCH_SCALE_ONLY     some of: runs,scripts,throughput (comma-separated; default all)
  BENCH_DIR            where the SQLite files, logs and results go (scale/ in it)
The databases are kept between runs (seeding 10,000,000 runs takes minutes)
while they still hold what the run needs: the same plan and migrations, and
today's runs still today in the zone they were seeded in, which is then the
run's TIME_ZONE (bench/scale_seed.py).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

from bench import scale_schema, scale_seed
from bench.load import load_tool
from bench.run import _git_commit, _phase, machine, midday_zone
from bench.scale_pages import over_sanity_line
from bench.scale_sizes import ScaleSizes, database_name, from_env
from bench.scale_table import render
from bench.scale_throughput import throughput

BASE_DIR = Path(__file__).resolve().parent.parent
# A kept database is used only while this many hours of its day remain: the run must
# end before midnight moves "today" away from its runs.
LAST_LOCAL_HOUR = 22
PARTS = ("runs", "scripts", "throughput")


def enabled() -> bool:
    return os.environ.get("BENCH_SCALE", "").strip().lower() in {"1", "true", "yes"}


def parts() -> set[str]:
    asked = {part.strip() for part in os.environ.get("BENCH_SCALE_ONLY", "").split(",") if part.strip()}
    unknown = asked - set(PARTS)
    if unknown:
        raise SystemExit(
            f"BENCH_SCALE_ONLY: unknown {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}"
        )
    return asked or set(PARTS)


def postgres_server() -> str | None:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


def choose_zone(server: str | None, sizes: ScaleSizes) -> str:
    """The zone of the kept runs database while it can still be used, else the environment's
    TIME_ZONE (bench.run sets it) or a zone where it is about noon."""
    if server and not scale_seed.reseed_asked():
        plan = sizes.runs_large
        marker = scale_seed.pg_marker(server, database_name(plan, quick=sizes.quick))
        if marker and marker.get("zone"):
            zone = marker["zone"]
            wanted = scale_seed.wanted_marker(plan, zone)
            if all(marker.get(key) == wanted[key] for key in wanted):
                if scale_seed.local_now(zone).hour < LAST_LOCAL_HOUR:
                    return zone
    return os.environ.get("TIME_ZONE") or midday_zone()


def _axes(
    server: str | None, sizes: ScaleSizes, zone: str, work: Path, wanted: set[str]
) -> tuple[list[dict], dict]:
    """The axes to measure, each with its two databases (seeded or kept), and every seed's marker."""
    axes, seeds = [], {}
    if server:
        version = _pg_version(server)
        for title, large_plan, small_plan in (
            ("Runs axis", sizes.runs_large, sizes.runs_small),
            ("Scripts axis", sizes.scripts_large, sizes.scripts_small),
        ):
            if title.split()[0].lower() not in wanted:
                continue
            urls = {}
            for side, plan in (("large", large_plan), ("small", small_plan)):
                name = database_name(plan, quick=sizes.quick)
                seeds[name] = scale_seed.ensure_pg(server, name, plan, zone)
                urls[side] = scale_schema.pg_url(server, name)
            axes.append(
                {"key": f"{title.split()[0].lower()}-pg", "title": title, "database": version, **urls}
            )
    if "scripts" not in wanted:
        return axes, seeds
    urls = {}
    for side, plan in (("large", sizes.scripts_large), ("small", sizes.scripts_small)):
        path = work / f"{database_name(plan, quick=sizes.quick)}.sqlite3"
        seeds[path.name] = scale_seed.ensure_sqlite(path, plan, zone)
        urls[side] = f"sqlite:///{path}"
    database = f"SQLite {sqlite3.sqlite_version}"
    axes.append({"key": "scripts-sqlite", "title": "Scripts axis", "database": database, **urls})
    return axes, seeds


def _pg_version(server: str) -> str:
    with scale_schema.maintenance(server) as conn:
        return "PostgreSQL " + conn.execute("SHOW server_version").fetchone()[0].split()[0]


def measure_axis(axis: dict, zone: str, work: Path, sizes: ScaleSizes) -> dict:
    key = axis["key"]
    scale_seed.log(f"{axis['title']} on {axis['database']}: every read, large ÷ small")
    pages = _phase("bench.scale_pages", work / f"pages-{key}.json", db_url=axis["large"],
                   BENCH_SMALL_DB=axis["small"], TIME_ZONE=zone)  # fmt: skip
    missed = [
        page for page in pages["pages"]
        if page["ratio"] > page["target"] or over_sanity_line(page["path"], page["large_s"])
    ]  # fmt: skip
    missed = sorted(missed, key=lambda page: -page["ratio"])[: sizes.diagnosed_pages]
    diagnosis = []
    if missed:
        scale_seed.log(f"diagnosing {len(missed)} reads on the large database")
        asked = work / f"missed-{key}.json"
        asked.write_text(json.dumps([{k: page[k] for k in ("number", "path", "auth")} for page in missed]))
        plans = work / f"plans-{key}"
        plans.mkdir(exist_ok=True)
        found = _phase("bench.scale_diagnose", plans / "diagnosis.json", db_url=axis["large"],
                       BENCH_SCALE_PAGES=str(asked), TIME_ZONE=zone)  # fmt: skip
        by_number = {page["number"]: page for page in missed}
        diagnosis = [{**by_number[page["number"]], **page} for page in found]
    return {**{k: axis[k] for k in ("key", "title", "database")}, "pages": pages, "diagnosis": diagnosis}


def main() -> str:
    sizes = from_env()
    work = Path(os.environ.get("BENCH_DIR") or BASE_DIR / "var" / "bench").resolve() / "scale"
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    server = postgres_server()
    zone = choose_zone(server, sizes)
    scale_seed.log(f"local days in {zone}")
    wanted = parts()
    axes, seeds = _axes(server, sizes, zone, work, wanted)
    results = {"seeds": seeds, "axes": [measure_axis(axis, zone, work, sizes) for axis in axes]}
    if "throughput" not in wanted:
        results["throughput"] = {"skipped": "not asked (BENCH_SCALE_ONLY)"}
    elif server:
        results["throughput"] = throughput(server, zone, sizes, work)
    else:
        results["throughput"] = {"skipped": "needs PostgreSQL: set BENCH_DATABASE_URL=postgres://…"}
    context = {
        "commit": _git_commit(),
        "machine": machine(),
        "load_tool": load_tool(),
        "quick": sizes.quick,
        "time_zone": zone,
        "minutes": (time.monotonic() - started) / 60,
    }
    (work / "results.json").write_text(json.dumps({"context": context, **results}, indent=2, default=str))
    table = render(context, results)
    (work / "scale.md").write_text(table + "\n")
    print(table)
    return table


if __name__ == "__main__":
    main()
