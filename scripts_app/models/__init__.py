"""Scripts (workflows), the record of their runs, and the changes of their states."""

from scripts_app.models.flips import Flip, Reason
from scripts_app.models.runs import (
    EARLIEST_INSTANT,
    ENDED_STATUSES,
    LATEST_INSTANT,
    ScriptExecution,
    ScriptExecutionQuerySet,
    Status,
)
from scripts_app.models.scripts import Script, ScriptQuerySet, State

__all__ = [
    "EARLIEST_INSTANT",
    "ENDED_STATUSES",
    "Flip",
    "Reason",
    "LATEST_INSTANT",
    "Script",
    "ScriptExecution",
    "ScriptExecutionQuerySet",
    "ScriptQuerySet",
    "State",
    "Status",
]
