"""Which notifications prune_notifications deletes (in batches: common.pruning): deliveries
that are over (delivered, or given up as failed) and older than a cutoff; a pending one stays
whatever its age, as the sender still owes it."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from dashboard_app.alerts.tables import Notification, Status

OVER = (Status.DELIVERED, Status.FAILED)


def prunable_notifications(cutoff: datetime) -> QuerySet[Notification]:
    """Notifications written before `cutoff` whose delivery is over."""
    return Notification.objects.filter(created_at__lt=cutoff, status__in=OVER)
