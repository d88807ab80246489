"""The one table `make bench` prints (Markdown, so docs/benchmarks.md can hold it as is).

Rows 1-9 are the cache and the write path (this module); rows 10-16, what the
per-day rollup must hold flat, come from bench/table_rollup.py.
"""

from __future__ import annotations

from bench.table_alerts import alerts_rows
from bench.table_cells import check, mib, ms, row, yes
from bench.table_monitoring import monitoring_rows
from bench.table_rollup import migration_served_exact, rollup_rows


def render(context: dict, results: dict) -> str:
    main, writers, seed = results["main"], results["writers"], results["seed"]
    machine, large, small = context["machine"], seed["rows"]["default"], seed["rows"]["small"]
    lines = [
        f"Benchmark at commit {context['commit']}"
        + (" (BENCH_QUICK: tiny data, not a result)" if context["quick"] else ""),
        f"- database: {seed['database']}; large: {large['scripts']:,} scripts, "
        f"{large['executions']:,} executions ({large['today']:,} today) over {large['days']} local days; "
        f"small: {small['scripts']:,} scripts, {small['executions']:,} executions ({small['today']:,} today) "
        f"over {small['days']} local days; concurrent writers on {writers['database']}",
        f"- local days in {context['time_zone']}; machine: {machine['cpus']} CPUs, "
        f"{machine['memory_gib']} GiB, Python {machine['python']}, {machine['system']}",
        f"- load tool: {context['load_tool']} on loopback, gunicorn sync workers (one per server); "
        f"run took {context['minutes']:.1f} min",
        "- each ratio is the median of per-round ratios; the two sides run in alternating rounds",
        f"- after the run a cached read equals a fresh count: {yes(main['counters_true'])}",
        "- right after the migration that builds the rollup (rows 15-16), a cached read of counters "
        f"stored before it equals a fresh count: {yes(migration_served_exact(results['migration']))}",
        "",
        "| # | measure | side by side | ratio | target | verdict |",
        "| --- | --- | --- | --- | --- | --- |",
        *_cache_rows(main),
        *_write_rows(main),
        _writersrow(writers),
        row(
            "7",
            "memory: peak RSS of the gunicorn worker that served rows 1-2",
            mib(main["reads"]["peak_rss_kib"] or 0),
            None,
            "-",
            None,
        ),
        *_operator_rows(results["operators"]),
        *rollup_rows(results),
        _outages_row(results["outages"]),
        *monitoring_rows(results["monitoring"]),
        *alerts_rows(results["alerts"]),
    ]
    return "\n".join(lines)


def _outages_row(outages: dict) -> str:
    """Row 17 (bench/outages.py): correctness through the outages is the verdict; latency is shown."""
    measure = "outages: dashboards and runners over HTTP through a Redis and a database outage"
    target = "0 other answers, 0 lost, exact"
    if "skipped" in outages:
        return row("17", measure, f"skipped: {outages['skipped']}", None, target, None)
    plan, quiet, outage = outages["plan"], outages["p99_quiet_ms"], outages["p99_outage_ms"]
    other = sum(outages["unexpected"].values())
    detail = (
        f"{plan['readers']} readers, {plan['runners']} runners, {plan['seconds']:.0f} s, 4 workers: "
        f"{outages['reads_per_s']:,.0f} reads/s, {outages['writes_per_s']:,.0f} writes/s; "
        f"p99 read {outages['p99_read_ms']:,.0f} ms ({outage:,.0f} in outages, {quiet:,.0f} quiet; "
        f"ratio outages ÷ quiet); answers other than 200/201/304/503: {other}; "
        f"lost writes {outages['lost']} of {outages['acknowledged']:,}; "
        f"counters {'exact' if outages['exact'] else 'NOT exact'}"
    )
    ratio = outage / quiet if quiet and outage else None
    held = other == 0 and outages["lost"] == 0 and outages["exact"]
    return row("17", measure, detail, ratio, target, held)


def _cache_rows(main: dict) -> list[str]:
    """Rows 1-3: the cached read against the floor, against a recount, and the recount's scaling."""
    rows, reads, scaling = main["rows"], main["reads"], main["scaling"]
    rps = reads["rps"]
    all_cached = all(source == "cache" for source in reads["cached_sources"])
    return [
        row(
            "1",
            "read floor: cached GET /api/dashboard/stats ÷ floor (authenticated DRF view, constant dict)",
            f"{rps['cached']:,.0f} vs {rps['floor']:,.0f} req/s"
            + ("" if all_cached else " (NOT all served from cache)")
            + f"; HTTP errors {reads['errors']}",
            reads["floor_ratio"],
            "≥ 0.80",
            check(reads["floor_ratio"], lambda r: r >= 0.8) and all_cached,
        ),
        row(
            "2",
            f"cache benefit at {rows['executions']:,} executions, {rows['today']:,} today: "
            "live recompute time ÷ cached read time",
            f"{ms(1 / rps['live'])} vs {ms(1 / rps['cached'])} per request",
            reads["benefit_ratio"],
            "> 1",
            check(reads["benefit_ratio"], lambda r: r > 1),
        ),
        row(
            "3",
            f"live recompute (today's rollup rows recounted): {scaling['large_rows']['total']:,} ÷ "
            f"{scaling['small_rows']['total']:,} total rows, "
            f"{scaling['large_rows']['today']:,} today in both",
            f"{ms(scaling['large_s'])} vs {ms(scaling['small_s'])}",
            scaling["ratio"],
            "≤ 1.5",
            check(scaling["ratio"], lambda r: r <= 1.5),
        ),
    ]


def _write_rows(main: dict) -> list[str]:
    """Rows 4a-5: recording a run (ORM, REST API), with many runs today, and a cascade delete."""
    overhead, api, flat, cascade = main["overhead"], main["api_overhead"], main["flat"], main["cascade"]
    return [
        row(
            "4a",
            "write: record an execution through the ORM, upkeep on ÷ off",
            f"{ms(overhead['on_s'])} vs {ms(overhead['off_s'])} per write",
            overhead["ratio"],
            "≤ 1.3",
            check(overhead["ratio"], lambda r: r <= 1.3),
        ),
        row(
            "4b",
            f"write: {flat['today_rows']:,} executions already today ÷ 0 today (upkeep on)",
            f"{ms(flat['full_s'])} vs {ms(flat['empty_s'])} per write",
            flat["ratio"],
            "≤ 1.2",
            check(flat["ratio"], lambda r: r <= 1.2),
        ),
        row(
            "4c",
            "write: record a run through the REST API over HTTP as a runner does (token; POST `running`, "
            "PATCH to `success`/`error`), upkeep on ÷ off",
            f"{ms(api['on_s'])} vs {ms(api['off_s'])} per run ({api['runners']} runners, "
            f"{api['runs_per_round']} runs a round)",
            api["ratio"],
            "≤ 1.3",
            check(api["ratio"], lambda r: r <= 1.3),
        ),
        row(
            "5",
            f"cascade: delete a script with {main['cascade_executions']:,} executions, upkeep on ÷ off",
            f"{ms(cascade['on_s'])} ({len(cascade['on_queries'])} queries) vs "
            f"{ms(cascade['off_s'])} ({len(cascade['off_queries'])} queries)",
            cascade["ratio"],
            "≤ 1.5",
            check(cascade["ratio"], lambda r: r <= 1.5),
        ),
    ]


def _writersrow(writers: dict) -> str:
    """Row 6: concurrent writer processes; the counters and the rollup must come out exact."""
    return row(
        "6",
        f"{writers['processes']} concurrent writer processes on {writers['database']}: "
        "throughput upkeep on ÷ off",
        f"{writers['on_per_s']:,.0f} vs {writers['off_per_s']:,.0f} executions/s; "
        f"errors {writers['errors']}; final counts {'exact' if writers['exact'] else 'NOT exact'}; "
        f"rollup {'exact' if writers['rollup_exact'] else 'NOT exact'}",
        writers["ratio"],
        "≥ 0.80, 0 errors, exact",
        check(writers["ratio"], lambda r: r >= 0.8)
        and writers["errors"] == 0
        and writers["exact"]
        and writers["rollup_exact"]
        and not writers["crashed"],
    )


def _operator_rows(operators: dict) -> list[str]:
    """Rows 8-9 (bench/operators.py): what Prometheus and a polling dashboard cost."""
    rps = operators["rps"]
    return [
        row(
            "8",
            f"scrape: GET /metrics ÷ cached GET /api/dashboard/stats ({operators['today']:,} runs today)",
            f"{ms(1 / rps['metrics'])} vs {ms(1 / rps['cached'])} per request; "
            f"HTTP errors {operators['errors']}",
            operators["scrape_ratio"],
            "≤ 1.5",
            check(operators["scrape_ratio"], lambda r: r <= 1.5) and operators["errors"] == 0,
        ),
        row(
            "9",
            "polling: GET /api/dashboard/stats answered 304 (If-None-Match) ÷ answered 200",
            f"{ms(1 / rps['not_modified'])} vs {ms(1 / rps['cached'])} per request"
            + ("" if operators["all_304"] else " (NOT all 304)"),
            operators["not_modified_ratio"],
            "≤ 1.10",
            check(operators["not_modified_ratio"], lambda r: r <= 1.1) and operators["all_304"],
        ),
    ]
