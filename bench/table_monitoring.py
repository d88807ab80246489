"""Rows 18a-18d of the table: schedules and pings (bench/monitoring.py)."""

from __future__ import annotations

from bench.table_cells import check, ms, row


def monitoring_rows(monitoring: dict) -> list[str]:
    pings, burst, tick, latency = (monitoring[k] for k in ("pings", "burst", "tick", "latency"))
    ratio = pings["ratio"]
    burst_ok = burst["ok"] == burst["pings"] == burst["recorded"]
    late = latency["max_s"]
    return [
        row(
            "18a",
            "ping: GET /ping/<key> through gunicorn ÷ the cheapest authenticated API read "
            "(cached GET /api/dashboard/stats, token), throughput",
            f"{pings['ping_rps']:,.0f} vs {pings['read_rps']:,.0f} req/s; HTTP errors {pings['errors']}",
            ratio,
            "≥ 0.70",
            check(ratio, lambda value: value >= 0.7 and pings["errors"] == 0),
        ),
        row(
            "18b",
            f"burst: {burst['pings']:,} pings (one per script) from 8 clients at once, "
            "gunicorn with 4 workers",
            f"{burst['ok']:,} answered 200, {burst['recorded']:,} runs recorded, "
            f"in {burst['seconds']:.1f} s; p99 {burst['p99_ms']:.0f} ms",
            None,
            "all answered 200 and recorded",
            burst_ok,
        ),
        row(
            "18c",
            f"watcher: one tick with 10 scripts due, among {tick['large']:,} scheduled "
            f"÷ among {tick['small']:,}",
            f"{ms(tick['large_s'])} vs {ms(tick['small_s'])} per tick",
            tick["ratio"],
            "≤ 1.5",
            check(tick["ratio"], lambda value: value <= 1.5),
        ),
        row(
            "18d",
            "watcher: from a due time plus grace to the flip, `watch_schedules` (1 s between passes); "
            "with cron (`--once` every minute): at most 60 s plus one tick (18c)",
            f"{latency['flipped']} of {latency['scripts']} flipped; median "
            f"{latency['median_s'] or 0:.2f} s, max {late or 0:.2f} s after the deadline",
            late,
            "≤ 5 s",
            None if late is None else late <= 5 and latency["flipped"] == latency["scripts"],
        ),
    ]
