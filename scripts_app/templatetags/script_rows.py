"""The rows of a list of scripts on the dashboard's counter pages (total, inactive, failed
today), drawn in Python as run_rows draws runs: a row of the template loop cost about 60 us
read and drawn (a `{% url %}`, translations, lookups), most of what a page of 25 inactive
scripts costs beyond a page of two (bench row 10e)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from scripts_app.models import Script
from scripts_app.page_text import local_datetimes, script_page_urls

register = template.Library()


@register.simple_tag
def script_rows(scripts: Iterable[Script], with_failures: bool = False) -> SafeString:
    """One <tr data-item> per script: its name linked to its page, active or not, its
    execution order, and with `with_failures` its failed runs (`failed_runs`) and last error
    (`last_error_at`, `last_error_message`), as the counter's list annotates them."""
    script_url = script_page_urls()
    local_time = local_datetimes("TIME_FORMAT")
    activity = {True: escape(_("Active")), False: escape(_("Inactive"))}

    def failures(script: Script) -> str:
        if not with_failures:
            return ""
        failed = int(script.failed_runs or 0)
        at = script.last_error_at
        message = script.last_error_message
        error = f': <span class="error-message">{escape(message)}</span>' if message else ""
        return (
            f'<td data-failed-runs="{failed}">{failed}</td>'
            f'<td><time datetime="{at.isoformat() if at else ""}">{escape(local_time(at)) if at else ""}'
            f"</time>{error}</td>"
        )

    def row(script: Script) -> str:
        return (
            f'<tr data-item><td><a href="{escape(script_url(script.pk))}">{escape(script.name)}</a></td>'
            f"<td>{activity[bool(script.active)]}</td><td>{int(script.execution_order)}</td>"
            f"{failures(script)}</tr>"
        )

    return mark_safe("\n".join(row(script) for script in scripts))  # every part escaped in row()
