"""Reads behind the scripts and executions pages."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from scripts_app.models import Script, ScriptExecution


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
