"""What every page says while the rollup cannot be trusted (TEMPLATES' context processors)."""

from __future__ import annotations

from django.http import HttpRequest

from dashboard_app.rollup import zone


def rollup_notice(request: HttpRequest) -> dict[str, str | None]:
    """`rollup_notice`: why figures are being counted from the executions, for signed-in users
    (a set lookup while the rollup is current)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"rollup_notice": zone.notice()}
