"""The one table `make bench` prints (Markdown, so docs/benchmarks.md can hold it as is)."""

from __future__ import annotations

from collections.abc import Callable


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _row(number: str, measure: str, detail: str, value: float | None, target: str, met: bool | None) -> str:
    shown = "n/a" if value is None else f"{value:.2f}"
    verdict = {True: "met", False: "MISSED", None: "info"}[met]
    return f"| {number} | {measure} | {detail} | {shown} | {target} | {verdict} |"


def _check(value: float | None, passes: Callable[[float], bool]) -> bool | None:
    return None if value is None else passes(value)


def _outages_row(outages: dict) -> str:
    """Row 10 (bench/outages.py): correctness through the outages is the verdict; latency is shown."""
    measure = "outages: dashboards and runners over HTTP through a Redis and a database outage"
    target = "0 other answers, 0 lost, exact"
    if "skipped" in outages:
        return _row("10", measure, f"skipped: {outages['skipped']}", None, target, None)
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
    return _row("10", measure, detail, ratio, target, held)


def render(context: dict, main: dict, writers: dict, operators: dict, outages: dict | None = None) -> str:
    rows, reads, machine = main["rows"], main["reads"], context["machine"]
    rps = reads["rps"]
    scaling, flat, overhead, cascade = main["scaling"], main["flat"], main["overhead"], main["cascade"]

    floor_ratio, benefit = reads["floor_ratio"], reads["benefit_ratio"]
    scaling_ratio, overhead_ratio, flat_ratio = scaling["ratio"], overhead["ratio"], flat["ratio"]
    cascade_ratio, writers_ratio = cascade["ratio"], writers["ratio"]
    rss_mib = (reads["peak_rss_kib"] or 0) / 1024
    all_cached = all(source == "cache" for source in reads["cached_sources"])

    lines = [
        f"Benchmark at commit {context['commit']}"
        + (" (BENCH_QUICK: tiny data, not a result)" if context["quick"] else ""),
        f"- database: {main['database']}; rows: {rows['scripts']:,} scripts, "
        f"{rows['executions']:,} executions ({rows['today']:,} today); "
        f"concurrent writers on {writers['database']}",
        f"- machine: {machine['cpus']} CPUs, {machine['memory_gib']} GiB, "
        f"Python {machine['python']}, {machine['system']}",
        f"- load tool: {context['load_tool']} on loopback, 1 gunicorn sync worker; "
        f"run took {context['minutes']:.1f} min",
        "- each ratio is the median of per-round ratios; the two sides run in alternating rounds",
        f"- after the run a cached read equals a fresh count: {'yes' if main['counters_true'] else 'NO'}",
        "",
        "| # | measure | side by side | ratio | target | verdict |",
        "| --- | --- | --- | --- | --- | --- |",
        _row(
            "1",
            "read floor: cached GET /api/dashboard/stats ÷ floor (authenticated DRF view, constant dict)",
            f"{rps['cached']:,.0f} vs {rps['floor']:,.0f} req/s"
            + ("" if all_cached else " (NOT all served from cache)")
            + f"; HTTP errors {reads['errors']}",
            floor_ratio,
            "≥ 0.80",
            _check(floor_ratio, lambda r: r >= 0.8) and all_cached,
        ),
        _row(
            "2",
            f"cache benefit at {rows['executions']:,} executions, {rows['today']:,} today: "
            "live recompute time ÷ cached read time",
            f"{_ms(1 / rps['live'])} vs {_ms(1 / rps['cached'])} per request",
            benefit,
            "> 1",
            _check(benefit, lambda r: r > 1),
        ),
        _row(
            "3",
            f"live recompute: {scaling['large_rows']['total']:,} ÷ {scaling['small_rows']['total']:,} "
            f"total rows, {scaling['large_rows']['today']:,} today in both",
            f"{_ms(scaling['large_s'])} vs {_ms(scaling['small_s'])}",
            scaling_ratio,
            "≤ 1.5",
            _check(scaling_ratio, lambda r: r <= 1.5),
        ),
        _row(
            "4a",
            "write: record an execution through the ORM, upkeep on ÷ off",
            f"{_ms(overhead['on_s'])} vs {_ms(overhead['off_s'])} per write",
            overhead_ratio,
            "≤ 1.3",
            _check(overhead_ratio, lambda r: r <= 1.3),
        ),
        _row(
            "4b",
            f"write: {flat['today_rows']:,} executions already today ÷ 0 today (upkeep on)",
            f"{_ms(flat['full_s'])} vs {_ms(flat['empty_s'])} per write",
            flat_ratio,
            "≤ 1.2",
            _check(flat_ratio, lambda r: r <= 1.2),
        ),
        _row(
            "5",
            f"cascade: delete a script with {main['cascade_executions']:,} executions, upkeep on ÷ off",
            f"{_ms(cascade['on_s'])} ({len(cascade['on_queries'])} queries) vs "
            f"{_ms(cascade['off_s'])} ({len(cascade['off_queries'])} queries)",
            cascade_ratio,
            "≤ 1.5",
            _check(cascade_ratio, lambda r: r <= 1.5),
        ),
        _row(
            "6",
            f"{writers['processes']} concurrent writer processes on {writers['database']}: "
            "throughput upkeep on ÷ off",
            f"{writers['on_per_s']:,.0f} vs {writers['off_per_s']:,.0f} executions/s; "
            f"errors {writers['errors']}; final counts {'exact' if writers['exact'] else 'NOT exact'}",
            writers_ratio,
            "≥ 0.70, 0 errors, exact",
            _check(writers_ratio, lambda r: r >= 0.7)
            and writers["errors"] == 0
            and writers["exact"]
            and not writers["crashed"],
        ),
        _row(
            "7",
            "memory: peak RSS of the gunicorn worker that served rows 1-2",
            f"{rss_mib:,.1f} MiB",
            None,
            "-",
            None,
        ),
        *_operator_rows(operators),
    ]
    if outages is not None:
        lines.append(_outages_row(outages))
    return "\n".join(lines)


def _operator_rows(operators: dict) -> list[str]:
    """Rows 8-9 (bench/operators.py): what Prometheus and a polling dashboard cost."""
    rps = operators["rps"]
    return [
        _row(
            "8",
            f"scrape: GET /metrics ÷ cached GET /api/dashboard/stats ({operators['today']:,} runs today)",
            f"{_ms(1 / rps['metrics'])} vs {_ms(1 / rps['cached'])} per request; "
            f"HTTP errors {operators['errors']}",
            operators["scrape_ratio"],
            "≤ 1.5",
            _check(operators["scrape_ratio"], lambda r: r <= 1.5) and operators["errors"] == 0,
        ),
        _row(
            "9",
            "polling: GET /api/dashboard/stats answered 304 (If-None-Match) ÷ answered 200",
            f"{_ms(1 / rps['not_modified'])} vs {_ms(1 / rps['cached'])} per request"
            + ("" if operators["all_304"] else " (NOT all 304)"),
            operators["not_modified_ratio"],
            "≤ 1.10",
            _check(operators["not_modified_ratio"], lambda r: r <= 1.1) and operators["all_304"],
        ),
    ]
