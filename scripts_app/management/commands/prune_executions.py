from __future__ import annotations

from common.pruning import PruneCommand
from scripts_app.retention import prunable_executions


class Command(PruneCommand):
    help = (
        "Delete executions started more than DAYS days ago, in batches, always keeping "
        "each script's most recent execution. With --dry-run, only count them."
    )
    noun = what = "executions"
    when = "started"
    keeping = ", keeping each script's latest"

    def prunable(self, cutoff):
        return prunable_executions(cutoff)
