"""Rows 10 and 11: what each page, list and API read costs at the large database ÷ the small one.

`python -m bench.pages OUT.json`, run by bench.run on the databases
bench.seed_phase built (same scripts and days, 100 times the executions).
Two gunicorn servers, one sync worker each, serve the two databases side by
side; each page is read as a user reads it: pages and the admin with a
signed-in session cookie, the API with a token. In every round each page is
timed on both servers one right after the other (which goes first alternates
by round), so both share the machine's load of that moment. A page's time in
a round is the median of its requests (at least `page_requests`, and for at
least `page_seconds`); its ratio is the median over rounds of large ÷ small.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import django

SESSION, TOKEN = "session", "token"


@dataclass(frozen=True)
class Page:
    number: str
    path: str  # a template: {today}, {script}, {today_filter}, {year}, {month}
    auth: str
    target: float
    note: str = ""


PAGES_TARGET, ADMIN_TARGET = 1.5, 2.0
EXECUTIONS_ADMIN = "/admin/scripts_app/scriptexecution/"
PAGES = (
    Page("10a", "/", SESSION, PAGES_TARGET, "dashboard"),
    Page("10b", "/counters/total_scripts/", SESSION, PAGES_TARGET),
    Page("10c", "/counters/today_executions/", SESSION, PAGES_TARGET),
    Page("10d", "/counters/today_failed_scripts/", SESSION, PAGES_TARGET),
    Page("10e", "/counters/inactive_scripts/", SESSION, PAGES_TARGET),
    Page("10f", "/scripts/", SESSION, PAGES_TARGET),
    Page("10g", "/executions/", SESSION, PAGES_TARGET),
    Page("10h", "/executions/?status=error&date={today}", SESSION, PAGES_TARGET),
    Page("10i", "/executions/?script={script}", SESSION, PAGES_TARGET),
    Page("10j", "/api/scripts/", TOKEN, PAGES_TARGET),
    Page("10k", "/api/executions/", TOKEN, PAGES_TARGET),
    Page("10l", "/api/executions/?status=error&date={today}", TOKEN, PAGES_TARGET),
    Page("10m", "/api/executions/?script={script}", TOKEN, PAGES_TARGET),
    Page("10n", "/api/dashboard/stats", TOKEN, PAGES_TARGET, "cached"),
    # Script health and the history (issue 13): flat like the rest.
    Page("10o", "/?days=30", SESSION, PAGES_TARGET, "dashboard, 30-day chart"),
    Page("10p", "/scripts/?sort=success_rate", SESSION, PAGES_TARGET, "worst first"),
    Page("10q", "/scripts/{script}/", SESSION, PAGES_TARGET, "one script's health"),
    Page("10r", "/api/scripts/?sort=failures", TOKEN, PAGES_TARGET, "with health, worst first"),
    Page("10s", "/api/dashboard/history?days=90", TOKEN, PAGES_TARGET),
    Page("11a", "/admin/scripts_app/script/", SESSION, ADMIN_TARGET),
    Page("11b", "/admin/scripts_app/script/?active__exact=0", SESSION, ADMIN_TARGET),
    Page("11c", EXECUTIONS_ADMIN, SESSION, ADMIN_TARGET),
    Page("11d", EXECUTIONS_ADMIN + "?status__exact=error", SESSION, ADMIN_TARGET),
    Page("11e", EXECUTIONS_ADMIN + "?{today_filter}", SESSION, ADMIN_TARGET, '"Started at: Today"'),
    Page("11f", EXECUTIONS_ADMIN + "?started_at__year={year}&started_at__month={month}", SESSION,
         ADMIN_TARGET, "date hierarchy: this month"),
)  # fmt: skip


def admin_today_filter() -> str:
    """The query DateFieldListFilter links "Today" to: local midnight and the next one,
    written as str() of the aware datetimes (django/contrib/admin/filters.py)."""
    from django.utils import timezone

    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return urlencode({"started_at__gte": str(today), "started_at__lt": str(today + timedelta(days=1))})


def path_values(today: date) -> dict[str, str]:
    """What the page templates need, read from the chosen database (bench.routing)."""
    from scripts_app.models import Script

    return {
        "today": today.isoformat(),
        "script": str(Script.objects.order_by("pk").values_list("pk", flat=True).first()),
        "today_filter": admin_today_filter(),
        "year": str(today.year),
        "month": str(today.month),
    }


def time_page(port: int, path: str, headers: dict[str, str], *, seconds: float, requests: int) -> float:
    """The median time of requests sent one after another, at least `requests` of them for
    at least `seconds`; anything but a 200 stops the bench (a 302 would be a lost session)."""
    from bench.load import timed_request

    times: list[float] = []
    while len(times) < requests or sum(times) < seconds:
        answer = timed_request(port, path, headers=headers)
        if answer.status != 200:
            raise RuntimeError(f"GET {path} answered {answer.status}: {answer.body[:300]!r}")
        times.append(answer.seconds)
    return statistics.median(times)


def main(out_path: str, pages: tuple[Page, ...] = PAGES) -> None:
    """Time `pages` (the table's rows 10-11 unless another list is given: bench/scale_pages.py)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()

    from contextlib import ExitStack

    from django.conf import settings

    from bench import dataset
    from bench.load import Server, token_header
    from bench.routing import using_database
    from bench.sizes import from_env
    from bench.timing import paired_ratio
    from scripts_app.dates import local_today

    sizes = from_env()
    log_dir = Path(out_path).parent
    today = local_today()
    sides = {"small": os.environ["BENCH_SMALL_DB"], "large": os.environ["BENCH_DB"]}
    aliases = {"small": "small", "large": "default"}
    headers, values, rows = {}, {}, {}
    for side, alias in aliases.items():
        with using_database(alias):
            cookie = f"{settings.SESSION_COOKIE_NAME}={dataset.bench_session()}"
            headers[side] = {SESSION: {"Cookie": cookie}, TOKEN: token_header(dataset.bench_token())}
            values[side] = path_values(today)
            rows[side] = dataset.table_rows()
    times: dict[str, dict[str, list[float]]] = {page.number: {"small": [], "large": []} for page in pages}
    with ExitStack() as stack:
        ports = {
            side: stack.enter_context(
                Server(env={**os.environ, "BENCH_DB": url}, log_path=log_dir / f"gunicorn-pages-{side}.log")
            ).port
            for side, url in sides.items()
        }

        def timed(page: Page, side: str, *, requests: int, seconds: float) -> float:
            path = page.path.format(**values[side])
            return time_page(ports[side], path, headers[side][page.auth], seconds=seconds, requests=requests)

        dataset.log(
            f"{len(pages)} pages at {rows['large']['executions']:,} ÷ {rows['small']['executions']:,}"
        )
        for page in pages:  # warm both workers up: imports, templates, the database's pages
            for side in sides:
                timed(page, side, requests=2, seconds=0)
        for number in range(sizes.page_rounds):
            order = ("small", "large") if number % 2 == 0 else ("large", "small")
            for page in pages:
                for side in order:
                    times[page.number][side].append(
                        timed(page, side, requests=sizes.page_requests, seconds=sizes.page_seconds)
                    )
    result = {
        "rows": rows,
        "pages": [
            {
                "number": page.number,
                "path": page.path,
                "note": page.note,
                "auth": page.auth,
                "target": page.target,
                "small_s": statistics.median(times[page.number]["small"]),
                "large_s": statistics.median(times[page.number]["large"]),
                "ratio": paired_ratio(times[page.number]["large"], times[page.number]["small"]),
            }
            for page in pages
        ],
    }
    Path(out_path).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv[1])
