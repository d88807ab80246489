"""Rows 19a-19d of the table: alerts (bench/alerts.py)."""

from __future__ import annotations

from bench.table_cells import check, row


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def _latency_row(number: str, who: str, found: dict, target: str, met: bool) -> str:
    return row(
        number,
        f"alerts: from a flip to the webhook receiver's answer, {who} (down, then up), "
        "`watch_schedules` delivering (1 s between passes)",
        f"{found['told']:,} of {found['events']:,} events told in {found['requests']:,} requests; "
        f"p50 {_seconds(found['p50_s'])}, p99 {_seconds(found['p99_s'])}",
        found["p99_s"],
        target,
        met,
    )


def alerts_rows(alerts: dict) -> list[str]:
    one, mass, speed, cost = (alerts[k] for k in ("one", "mass", "throughput", "cost"))
    one_told, mass_told = one["told"] == one["events"], mass["told"] == mass["events"]
    return [
        _latency_row("19a", "one script", one, "all told; p99 ≤ 5 s",
                     one_told and one["p99_s"] is not None and one["p99_s"] <= 5),  # fmt: skip
        _latency_row("19b", f"{mass['scripts']:,} scripts at once", mass, "all told, in summaries",
                     mass_told and mass["requests"] < mass["events"]),  # fmt: skip
        row(
            "19c",
            "alerts: webhook delivery throughput (notifications/s), one sender, one request each, "
            "the receiver on this host",
            f"{speed['delivered']:,} delivered in {speed['seconds']:.1f} s, {speed['received']:,} received",
            speed["per_second"],
            "all received",
            speed["received"] == speed["delivered"],
        ),
        row(
            "19d",
            "alerts: recording runs that flip their script, with one channel wanting every event "
            "÷ with the outbox's receiver disconnected (the outbox row's cost)",
            f"{cost['with_ms']:.2f} vs {cost['without_ms']:.2f} ms per run, {cost['runs']:,} runs a round",
            cost["ratio"],
            "≤ 1.10",
            check(cost["ratio"], lambda value: value <= 1.1),
        ),
    ]
