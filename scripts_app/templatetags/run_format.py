"""How the pages show runs: durations, statuses, shares."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template

from scripts_app.models import Status

register = template.Library()


@register.filter
def run_duration(start: datetime | None, end: datetime | None) -> str:
    """H:MM:SS between two instants; an em dash while the run has no end."""
    if start is None or end is None:
        return "—"
    return run_length(end - start)


@register.filter
def run_length(duration: timedelta | None) -> str:
    """A duration as H:MM:SS; an em dash for none."""
    if duration is None:
        return "—"
    seconds = int(duration.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


@register.filter
def percentage(rate: float | None) -> str:
    """A share from 0 to 1 as a whole percentage, 100% only when it is all; an em dash for none."""
    if rate is None:
        return "—"
    whole = round(rate * 100)
    return f"{99 if whole == 100 and rate < 1 else whole}%"


@register.filter
def status_label(value: str) -> str:
    """A status value as the page's language names it."""
    try:
        return Status(value).label
    except ValueError:
        return value
