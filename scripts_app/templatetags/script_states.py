"""How the pages show scripts' states and schedules: state names, instants relative to now,
and the script form's schedule fields apart from the others."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from django import template
from django.forms import BoundField, Form
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timesince import timesince
from django.utils.translation import gettext

from scripts_app.forms import SCHEDULE_FIELDS
from scripts_app.models import State

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    """A state value as the page's language names it."""
    return State(value).label if value in State.values else value


@register.filter
def time_tag(instant: datetime | None) -> SafeString | str:
    """<time datetime="…">the local date and time</time>, to be placed inside a sentence."""
    if instant is None:
        return ""
    shown = date_format(timezone.localtime(instant), "DATETIME_FORMAT")
    return format_html('<time datetime="{}">{}</time>', instant.isoformat(), shown)


@register.filter
def relative(instant: datetime | None) -> str:
    """ "in 3 hours" or "3 hours ago" (its largest unit only); "" for none."""
    if instant is None:
        return ""
    now = timezone.now()
    if instant > now:
        return gettext("in %(time)s") % {"time": timesince(now, instant, depth=1)}
    return gettext("%(time)s ago") % {"time": timesince(instant, now, depth=1)}


@register.filter
def duration_words(duration: timedelta | None) -> str:
    """ "3 days, 4 hours" (its two largest units, in Django's words); "" for none."""
    if duration is None:
        return ""
    start = datetime(2000, 1, 1, tzinfo=UTC)
    return timesince(start, start + duration, depth=2)


@register.filter
def uptime_percent(share: float | None) -> str:
    """A share from 0 to 1 as a percentage with two decimals, rounded down, so that 100% means no
    downtime at all; an em dash for none."""
    if share is None:
        return "—"
    return number_format(math.floor(share * 10_000) / 100, 2) + "%"


@register.filter
def schedule_fields(form: Form) -> list[BoundField]:
    """The form's schedule fields, in their order."""
    return [form[name] for name in SCHEDULE_FIELDS if name in form.fields]


@register.filter
def other_fields(form: Form) -> list[BoundField]:
    """The form's fields that are not about the schedule."""
    return [field for field in form if field.name not in SCHEDULE_FIELDS]
