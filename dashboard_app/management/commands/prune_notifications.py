from __future__ import annotations

from common.pruning import PruneCommand
from dashboard_app.alerts.retention import prunable_notifications


class Command(PruneCommand):
    help = (
        "Delete the notification log's entries written more than DAYS days ago whose delivery is "
        "over (delivered or failed), in batches; pending ones always stay. With --dry-run, only "
        "count them."
    )
    noun = "notifications"
    what = "delivered and failed notifications"
    when = "written"

    def prunable(self, cutoff):
        return prunable_notifications(cutoff)
