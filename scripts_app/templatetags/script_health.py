"""Template access to a script's health (scripts_app.health)."""

from __future__ import annotations

from django import template

from scripts_app import health

register = template.Library()


@register.filter
def recent_results(script) -> list[str]:
    """The statuses of the script's last runs, oldest first."""
    return health.recent_results(script)
