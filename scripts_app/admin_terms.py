"""What the executions changelist's filters mean as a RunFilter: local days and a status.

The admin filters executions by status, by started_at ranges (the "Started
at" filter: today, the past 7 days, this month, this year) and by the date
hierarchy (year, month, day). Each of these is a range of whole local days
and a status, which run_history answers without counting the table. A search
or any other parameter has no such terms: the admin then counts as usual.
"""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from django.contrib.admin.views.main import (
    ALL_VAR,
    ERROR_FLAG,
    IS_FACETS_VAR,
    IS_POPUP_VAR,
    ORDER_VAR,
    PAGE_VAR,
    TO_FIELD_VAR,
)

from scripts_app.dates import local_zone
from scripts_app.models import Status
from scripts_app.run_filter import RunFilter

# Parameters that choose how the list is shown, not which rows are in it.
PRESENTATION = {ALL_VAR, ORDER_VAR, PAGE_VAR, IS_FACETS_VAR, IS_POPUP_VAR, TO_FIELD_VAR, ERROR_FLAG}
FIELD = "started_at"


def run_terms(params) -> RunFilter | None:
    """The changelist's filters as whole local days and a status, or None if they are not."""
    terms = RunFilter()
    hierarchy = {}
    for name, value in params.items():
        if name in PRESENTATION or value == "":
            continue
        if name == "status__exact" and value in Status.values:
            terms = replace(terms, status=value)
        elif name == f"{FIELD}__gte" and (day := _local_midnight_day(value)) is not None:
            terms = terms.narrowed(day, None)
        elif name == f"{FIELD}__lt" and (day := _local_midnight_day(value)) is not None and day > date.min:
            terms = terms.narrowed(None, day - timedelta(days=1))
        elif name in (f"{FIELD}__year", f"{FIELD}__month", f"{FIELD}__day") and value.isdigit():
            hierarchy[name.rsplit("__", 1)[1]] = int(value)
        else:
            return None
    if hierarchy:
        days = _hierarchy_days(hierarchy)
        if days is None:
            return None
        terms = terms.narrowed(*days)
    return terms


def _local_midnight_day(value: str) -> date | None:
    """The local day an instant starts, if it is that day's first instant."""
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        return None
    zone = local_zone()
    instant = instant.replace(tzinfo=zone) if instant.tzinfo is None else instant.astimezone(zone)
    day = instant.date()
    first_instant = datetime.combine(day, time.min, tzinfo=zone)
    return day if instant == first_instant else None


def _hierarchy_days(parts: dict[str, int]) -> tuple[date, date] | None:
    """The days a date hierarchy selection covers: a year, a month of it, or a day of that."""
    try:
        year = parts["year"]
        if "month" not in parts:
            return (date(year, 1, 1), date(year, 12, 31)) if "day" not in parts else None
        month = parts["month"]
        if "day" in parts:
            day = date(year, month, parts["day"])
            return day, day
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    except (KeyError, ValueError, OverflowError):
        return None
