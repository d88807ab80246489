"""The scale tables' pages: rows 10-11 of bench/pages.py and the reads issue 20 added, timed
side by side on an axis's large database ÷ its small one.

`python -m bench.scale_pages OUT.json`, run by bench/scale.py with BENCH_DB
(the large database) and BENCH_SMALL_DB (the small one) set: bench.pages does
the timing (two gunicorn servers, one sync worker each, alternating rounds,
paired ratios); this module only adds the pages.
"""

from __future__ import annotations

import sys

from bench.pages import PAGES, PAGES_TARGET, SESSION, TOKEN, Page, main

# What a team that grows finds slow first (issue 20), beside the table's own rows.
EXTRA_PAGES = (
    Page("10t", "/executions/?status=error", SESSION, PAGES_TARGET, "every day's failures"),
    Page("10u", "/api/dashboard/history?days=30", TOKEN, PAGES_TARGET),
    Page("10v", "/scripts/?sort=failures", SESSION, PAGES_TARGET, "most failures today first"),
    Page("10w", "/api/scripts/?sort=success_rate", TOKEN, PAGES_TARGET, "with health, worst rate first"),
)
SCALE_PAGES = (*PAGES, *EXTRA_PAGES)
# Over this at the large size a read is flagged (issue 20's sanity line), the CSV export aside.
SANITY_SECONDS = 0.100
EXEMPT_FROM_SANITY = ("csv",)


def over_sanity_line(path: str, large_seconds: float) -> bool:
    return large_seconds > SANITY_SECONDS and not any(word in path.lower() for word in EXEMPT_FROM_SANITY)


if __name__ == "__main__":
    main(sys.argv[1], pages=SCALE_PAGES)
