"""The executions changelist's date hierarchy, with its days read from run_history.

Django's own tag lists the days (months, years) that have rows with a
DISTINCT over the whole filtered table; this one asks run_history (the
rollup) which days have runs, wherever the changelist's filters are whole
local days and a status (admin_terms), and falls back to Django's otherwise.
The output is the same, for the same template.
"""

from __future__ import annotations

import datetime

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from scripts_app import run_history
from scripts_app.admin_terms import FIELD, run_terms
from scripts_app.dates import local_zone

register = template.Library()


@register.inclusion_tag("admin/date_hierarchy.html")
def run_date_hierarchy(cl) -> dict:
    terms = run_terms(cl.params)
    if cl.date_hierarchy != FIELD or terms is None:
        return date_hierarchy(cl)
    year, month, day = (cl.params.get(f"{FIELD}__{part}") for part in ("year", "month", "day"))

    def link(filters: dict) -> str:
        return cl.get_query_string(filters, [f"{FIELD}__"])

    if not (year or month or day):
        edges = _first_and_last_day(cl.queryset)
        if edges is None:
            return {"show": True, "back": None, "choices": []}
        first, last = edges
        if first.year == last.year:
            year = str(first.year)
            if first.month == last.month:
                month = str(first.month)
    days = _days_with_runs(terms, year=year, month=month)
    y, m = f"{FIELD}__year", f"{FIELD}__month"
    if year and month and day:
        chosen = datetime.date(int(year), int(month), int(day))
        return {
            "show": True,
            "back": {
                "link": link({y: year, m: month}),
                "title": capfirst(formats.date_format(chosen, "YEAR_MONTH_FORMAT")),
            },
            "choices": [{"title": capfirst(formats.date_format(chosen, "MONTH_DAY_FORMAT"))}],
        }
    if year and month:
        shown = [d for d in days if (d.year, d.month) == (int(year), int(month))]
        return {
            "show": True,
            "back": {"link": link({y: year}), "title": str(year)},
            "choices": [
                {
                    "link": link({y: year, m: month, f"{FIELD}__day": d.day}),
                    "title": capfirst(formats.date_format(d, "MONTH_DAY_FORMAT")),
                }
                for d in shown
            ],
        }
    if year:
        months = sorted({d.replace(day=1) for d in days if d.year == int(year)})
        return {
            "show": True,
            "back": {"link": link({}), "title": _("All dates")},
            "choices": [
                {
                    "link": link({y: year, m: d.month}),
                    "title": capfirst(formats.date_format(d, "YEAR_MONTH_FORMAT")),
                }
                for d in months
            ],
        }
    years = sorted({d.year for d in days})
    return {
        "show": True,
        "back": None,
        "choices": [{"link": link({y: str(n)}), "title": str(n)} for n in years],
    }


def _days_with_runs(terms, *, year: str | None, month: str | None) -> list[datetime.date]:
    """The days with runs the shown level needs: of one month, of one year, or all."""
    first = last = None
    if year:
        first, last = datetime.date(int(year), 1, 1), datetime.date(int(year), 12, 31)
        if month:
            first = datetime.date(int(year), int(month), 1)
            last = (first + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)
    return run_history.days_with_runs(terms.narrowed(first, last))


def _first_and_last_day(runs) -> tuple[datetime.date, datetime.date] | None:
    """The local days of the list's first and last run: two index seeks (one query
    asking for both MIN and MAX makes SQLite read the whole index)."""
    times = runs.order_by().values_list(FIELD, flat=True)
    first, last = times.order_by(FIELD).first(), times.order_by(f"-{FIELD}").first()
    if first is None:
        return None
    zone = local_zone()
    return first.astimezone(zone).date(), last.astimezone(zone).date()
