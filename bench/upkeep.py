"""Switch the dashboard's upkeep (counters and rollup) off and on again, for an on-versus-off ratio.

A real switch: the dashboard_app receivers are disconnected by their
dispatch_uid, so writes take exactly the code path they take in a project
without the dashboard (no receivers: no transaction around a save, no rows
read before a bulk write), and the triggers that move the rollup are
disabled (PostgreSQL) or dropped (SQLite). Nothing in the product is forked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.signals import post_delete, post_save, pre_delete

from dashboard_app import rollup_triggers
from scripts_app.models import Script
from scripts_app.signals import rows_changed

# (signal, sender, dispatch_uid) as dashboard_app.apps connects them.
SCRIPT_RECEIVERS = (
    (pre_delete, Script, "rollup_script_deleting"),
    (post_save, Script, "stats_script_saved"),
    (post_delete, Script, "stats_script_deleted"),
    (rows_changed, Script, "stats_scripts_changed"),
)


def disconnect_upkeep() -> None:
    """Receivers off in this process, and the triggers off for the whole database."""
    disconnect_receivers()
    rollup_triggers.set_enabled(connections[DEFAULT_DB_ALIAS], False)


def disconnect_receivers() -> None:
    missing = [
        uid
        for signal, sender, uid in SCRIPT_RECEIVERS
        if not signal.disconnect(sender=sender, dispatch_uid=uid)
    ]
    if missing:
        # A renamed receiver would leave upkeep on and make "off" measure nothing.
        reconnect_upkeep()
        raise RuntimeError(f"Upkeep receivers not connected: {', '.join(missing)}")


def reconnect_upkeep() -> None:
    apps.get_app_config("dashboard_app").ready()  # connect() with a dispatch_uid is idempotent
    rollup_triggers.set_enabled(connections[DEFAULT_DB_ALIAS], True)


def restore_derived_data() -> None:
    """After writes nobody announced: recount the rollup and mark every counter stale."""
    from dashboard_app import rollup_rebuild, stats

    rollup_rebuild.rebuild()
    stats.mark_stale(stats.KEYS)


@contextmanager
def upkeep_off(*, net_zero: bool = False) -> Iterator[None]:
    """Writes inside touch neither dashboard_stats nor the rollup. On exit upkeep is back
    and the derived data is restored (restore_derived_data) unless the caller says the
    writes inside left the executions as they found them (`net_zero`); the scripts'
    counters are marked stale either way."""
    from dashboard_app import stats

    disconnect_upkeep()
    try:
        yield
    finally:
        reconnect_upkeep()
        if net_zero:
            stats.mark_stale(stats.KEYS)
        else:
            restore_derived_data()
