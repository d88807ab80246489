"""Scripts (workflows), the record of their runs, and the changes of their states: each table is
defined in a module of its own under scripts_app/tables/, gathered here."""

from scripts_app.tables.flips import Flip, Reason
from scripts_app.tables.runs import (
    EARLIEST_INSTANT,
    ENDED_STATUSES,
    LATEST_INSTANT,
    RUN_TABLE_FIELDS,
    ScriptExecution,
    ScriptExecutionQuerySet,
    Status,
)
from scripts_app.tables.scripts import Script, ScriptQuerySet, State

__all__ = [
    "EARLIEST_INSTANT",
    "ENDED_STATUSES",
    "Flip",
    "Reason",
    "LATEST_INSTANT",
    "RUN_TABLE_FIELDS",
    "Script",
    "ScriptExecution",
    "ScriptExecutionQuerySet",
    "ScriptQuerySet",
    "State",
    "Status",
]
