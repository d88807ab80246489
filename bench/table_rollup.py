"""Rows 10-16 of the table: what the per-day rollup must hold flat (issue 10, items 2-4).

10-11 every page, list and API read at the large database ÷ the small one
      (bench/pages.py); 12-14 the counters under a write stream and readers
      arriving together (bench/stream.py); 15-16 the migration that builds the
      rollup (bench/migration.py).
"""

from __future__ import annotations

from bench.table_cells import check, ms, row

# How a page's path template reads in the table.
SHOWN = {
    "today": "<today>",
    "script": "<id>",
    "today_filter": "started_at__gte=<today 00:00>&started_at__lt=<tomorrow 00:00>",
    "year": "<year>",
    "month": "<month>",
}


def rollup_rows(results: dict) -> list[str]:
    return [
        *_page_rows(results["pages"]),
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
