"""Reads behind the scripts and executions pages."""

from __future__ import annotations

from datetime import date

from django.db.models import OuterRef, QuerySet, Subquery

from scripts_app.models import Script, ScriptExecution


def scripts_with_last_run() -> QuerySet[Script]:
    """Scripts in execution order, each annotated with its latest run's status and start."""
    latest = ScriptExecution.objects.filter(script=OuterRef("pk")).order_by("-started_at", "-id")
    return Script.objects.annotate(
        last_run_status=Subquery(latest.values("status")[:1]),
        last_run_started_at=Subquery(latest.values("started_at")[:1]),
    )


def executions_matching(
    *, script: Script | None = None, status: str | None = None, day: date | None = None
) -> QuerySet[ScriptExecution]:
    """Executions, newest first, narrowed by whichever filters are given."""
    executions = ScriptExecution.objects.select_related("script")
    if script is not None:
        executions = executions.filter(script=script)
    if status:
        executions = executions.filter(status=status)
    if day is not None:
        executions = executions.started_on(day)
    return executions
