"""Runs per status on one local day, in one small query (the /metrics endpoint's breakdown).

A module of its own so that the per-day rollup table can answer this instead
once it exists: callers only know `runs_by_status_on(day)`.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count

from scripts_app.models import ScriptExecution, Status


def runs_by_status_on(day: date) -> dict[str, int]:
    """Executions started on a local day, per status; every status present, zeros included."""
    counted = dict(
        ScriptExecution.objects.started_on(day)
        .order_by()  # the model's ordering would add started_at to the GROUP BY
        .values("status")
        .annotate(runs=Count("pk"))
        .values_list("status", "runs")
    )
    return {status: counted.get(status, 0) for status in Status.values}
