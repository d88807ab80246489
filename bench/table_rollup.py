"""Rows 10-16 of the table: what the per-day rollup must hold flat (issue 10, items 2-4).

10-11 every page, list and API read at the large database ÷ the small one
      (bench/pages.py); 12-14 the counters under a write stream and readers
      arriving together (bench/stream.py); 15-16 the migration that builds the
      rollup (bench/migration.py).
"""

from __future__ import annotations

from bench.table_cells import check, mib, ms, row, yes

# How a page's path template reads in the table.
SHOWN = {
    "today": "<today>",
    "script": "<id>",
    "today_filter": "started_at__gte=<today 00:00>&started_at__lt=<tomorrow 00:00>",
    "year": "<year>",
    "month": "<month>",
}


def migration_served_exact(migration: dict) -> bool:
    """Whether, right after the migration, a cached read of the counters equalled a fresh count."""
    return migration["large"]["cached_read_exact"] and migration["small"]["cached_read_exact"]


def rollup_rows(results: dict) -> list[str]:
    return [
        *_page_rows(results["pages"]),
        *_stream_rows(results["stream"]),
        *_migration_rows(results["migration"]),
    ]


def _page_rows(pages: dict) -> list[str]:
    large, small = pages["rows"]["large"]["executions"], pages["rows"]["small"]["executions"]
    lines = []
    for page in pages["pages"]:
        who = "session" if page["auth"] == "session" else "token"
        note = f" ({page['note']})" if page["note"] else ""
        lines.append(
            row(
                page["number"],
                f"flat: GET `{page['path'].format(**SHOWN)}`{note}, {who}, "
                f"at {large:,} ÷ {small:,} executions",
                f"{ms(page['large_s'])} vs {ms(page['small_s'])} per request",
                page["ratio"],
                f"≤ {page['target']:.1f}",
                check(page["ratio"], lambda r, target=page["target"]: r <= target),
            )
        )
    return lines


def _stream_rows(stream: dict) -> list[str]:
    streamed, trials = stream["stream"], stream["trials"]
    executions = stream["rows"]["executions"]
    recounts = [trial["recounts"] for trial in trials]
    readers_right = all(trial["exact"] and not trial["errors"] for trial in trials)
    sources = " / ".join(
        ", ".join(f"{count} {source}" for source, count in sorted(trial["sources"].items(), key=str))
        for trial in trials
    )
    recounted = streamed["streaming_recounts"]
    return [
        row(
            "12",
            f"counters under a write stream: cached GET /api/dashboard/stats while a runner records "
            f"{streamed['rate']:.1f} executions/s (1 in 10 failing, ORM, another process) ÷ idle, "
            f"at {executions:,} executions",
            f"{ms(streamed['streaming_s'])} vs {ms(streamed['idle_s'])} per read (medians); "
            f"{streamed['recorded']:,} runs recorded, runner errors {streamed['errors']}; "
            f"exact afterwards: {yes(stream['exact_after_stream'])}",
            streamed["ratio"],
            "≤ 1.3",
            check(streamed["ratio"], lambda r: r <= 1.3)
            and streamed["errors"] == 0
            and stream["exact_after_stream"],
        ),
        row(
            "13",
            "share of the reads during the stream that recounted "
            "(`meta.source` live; TTL longer than the stream)",
            f"{recounted} of {streamed['streaming_reads']:,} reads (idle: {streamed['idle_recounts']} of "
            f"{streamed['idle_reads']:,})",
            recounted / max(streamed["streaming_reads"], 1),
            "0",
            recounted == 0 and streamed["streaming_reads"] > 0,
        ),
        row(
            "14",
            f"{stream['readers']} reader processes arriving together when a recount is due (TTL expired): "
            "recounts (`version` of today_executions)",
            f"{', '.join(map(str, recounts))} in {len(trials)} trial(s); sources {sources}; "
            f"every reader exact: {yes(readers_right)}",
            max(recounts),
            "1",
            all(count == 1 for count in recounts) and readers_right,
        ),
    ]


def _migration_rows(migration: dict) -> list[str]:
    large, small = migration["large"], migration["small"]
    ratio = large["peak_kib"] / small["peak_kib"]
    exact = large["rollup_exact"] and small["rollup_exact"]
    return [
        row(
            "15",
            "migrations to `0005_daily_totals` (build the rollup and its triggers; fresh process): "
            f"peak RSS at "
            f"{large['rows']['executions']:,} ÷ at {small['rows']['executions']:,} executions",
            f"{mib(large['peak_kib'])} vs {mib(small['peak_kib'])} (before migrating: "
            f"{mib(large['peak_kib_before'])} vs {mib(small['peak_kib_before'])}); "
            f"rollup exact: {yes(exact)}",
            ratio,
            "≤ 1.2",
            check(ratio, lambda r: r <= 1.2) and exact,
        ),
        row(
            "16",
            "migrations to `0005_daily_totals`: wall time at "
            f"{large['rows']['executions']:,} executions "
            f"(at {small['rows']['executions']:,})",
            f"{large['seconds']:.1f} s vs {small['seconds']:.2f} s; "
            f"{large['rows']['executions'] / large['seconds']:,.0f} executions/s",
            None,
            "-",
            None,
        ),
    ]
