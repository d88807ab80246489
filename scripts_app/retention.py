"""Which executions prune_executions deletes (in batches: common.pruning): the old ones,
keeping each script's most recent run.

Each batch is one DELETE statement; the database's triggers take the deleted runs
out of the dashboard's rollup inside that statement, so the counters stay true
without this module knowing of them.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery

from scripts_app.models import ScriptExecution


def prunable_executions(cutoff: datetime) -> QuerySet[ScriptExecution]:
    """Executions started before `cutoff`, except each script's most recent one."""
    most_recent = (
        ScriptExecution.objects.filter(script=OuterRef("script"))
        .order_by("-started_at", "-id")
        .values("id")[:1]
    )
    return ScriptExecution.objects.filter(started_at__lt=cutoff).exclude(id=Subquery(most_recent))
