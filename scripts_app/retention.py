"""Pruning old executions in batches, keeping each script's most recent run.

Each batch is one DELETE statement; the database's triggers take the deleted runs
out of the dashboard's rollup inside that statement, so the counters stay true
without this module knowing of them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
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


def prune_executions(
    *, cutoff: datetime, batch_size: int = 1000, on_batch: Callable[[int, int], None] | None = None
) -> int:
    """Delete prunable executions, `batch_size` at a time; return how many were deleted.

    Memory stays bounded by one batch of ids; each batch is its own short
    transaction, so writers are never held up for long. `on_batch(deleted,
    total)` is called after each batch.
    """
    total = 0
    after_id = 0
    while True:
        # Keyset pagination: ids only, in primary-key order from where the last batch ended.
        ids = list(
            prunable_executions(cutoff)
            .filter(id__gt=after_id)
            .order_by("id")
            .values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            return total
        after_id = ids[-1]
        with transaction.atomic():
            # Re-checked at delete time: a run that became its script's most
            # recent meanwhile (the newer one deleted) stays.
            deleted, _ = prunable_executions(cutoff).filter(id__in=ids).delete()
        total += deleted
        if on_batch:
            on_batch(deleted, total)
