"""Switch the dashboard's stats upkeep off and on again, for an on-versus-off ratio.

A real switch: the dashboard_app receivers are disconnected by their
dispatch_uid, so writes take exactly the code path they take in a project
without the dashboard. Nothing in the product is forked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from scripts_app.models import Script, ScriptExecution
from scripts_app.signals import rows_changed

# (signal, sender, dispatch_uid) as dashboard_app.apps connects them.
RECEIVERS = (
    (post_save, Script, "stats_script_saved"),
    (post_delete, Script, "stats_script_deleted"),
    (post_save, ScriptExecution, "stats_execution_saved"),
    (rows_changed, Script, "stats_rows_changed_Script"),
    (rows_changed, ScriptExecution, "stats_rows_changed_ScriptExecution"),
)


def disconnect_upkeep() -> None:
    missing = [
        uid for signal, sender, uid in RECEIVERS if not signal.disconnect(sender=sender, dispatch_uid=uid)
    ]
    if missing:
        # A renamed receiver would leave upkeep on and make "off" measure nothing.
        reconnect_upkeep()
        raise RuntimeError(f"Stats receivers not connected: {', '.join(missing)}")


def reconnect_upkeep() -> None:
    apps.get_app_config("dashboard_app").ready()  # connect() with a dispatch_uid is idempotent


@contextmanager
def upkeep_off() -> Iterator[None]:
    """Writes inside do not touch dashboard_stats. On exit, upkeep is back and every
    counter is marked stale, since the writes made meanwhile were never announced."""
    from dashboard_app import stats

    disconnect_upkeep()
    try:
        yield
    finally:
        reconnect_upkeep()
        stats.mark_stale(stats.KEYS)
