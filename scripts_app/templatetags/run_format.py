"""How the pages show a run's duration."""

from __future__ import annotations

from datetime import datetime

from django import template

from scripts_app.models import Status

register = template.Library()


@register.filter
def run_duration(start: datetime | None, end: datetime | None) -> str:
    """H:MM:SS between two instants; an em dash while the run has no end."""
    if start is None or end is None:
        return "—"
    seconds = int((end - start).total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


@register.filter
def status_label(value: str) -> str:
    """A status value as the page's language names it."""
    return Status(value).label if value in Status.values else value
