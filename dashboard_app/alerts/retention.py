"""Pruning the notification log: deliveries that are over (delivered, or given up as failed)
and older than a cutoff go, in batches; a pending one stays whatever its age, as the sender
still owes it. Each batch is one short transaction, so the sender is never held up for long.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet

from dashboard_app.alerts.tables import Notification, Status

OVER = (Status.DELIVERED, Status.FAILED)


def prunable_notifications(cutoff: datetime) -> QuerySet[Notification]:
    """Notifications written before `cutoff` whose delivery is over."""
    return Notification.objects.filter(created_at__lt=cutoff, status__in=OVER)


def prune_notifications(
    *, cutoff: datetime, batch_size: int = 1000, on_batch: Callable[[int, int], None] | None = None
) -> int:
    """Delete prunable notifications, `batch_size` at a time; return how many were deleted."""
    total = 0
    after_id = 0
    while True:
        # Keyset pagination in id order: the oldest rows come first, and memory holds one batch.
        batch = prunable_notifications(cutoff).filter(id__gt=after_id).order_by("id")
        ids = list(batch.values_list("id", flat=True)[:batch_size])
        if not ids:
            return total
        after_id = ids[-1]
        with transaction.atomic():
            # Re-checked at delete time: the status is final once over, but costs nothing to ask.
            deleted, _ = prunable_notifications(cutoff).filter(id__in=ids).delete()
        total += deleted
        if on_batch:
            on_batch(deleted, total)
