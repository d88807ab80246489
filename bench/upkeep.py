"""Switch the dashboard's upkeep (counters and rollup) off and on again, for an on-versus-off ratio.

A real switch, driven from outside the product: the receivers dashboard_app connects (as
dashboard_app.apps.script_receivers() declares them) are disconnected, so writes take exactly
the code path they take in a project without the dashboard, and the database's triggers on
script_executions are switched off: disabled on PostgreSQL; on SQLite, which cannot disable a
trigger, dropped, and later created again the way `refresh_stats` repairs missing triggers
(dashboard_app.rollup.triggers.reinstall). Nothing in the product is forked, and the product
has no switch of its own for this.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

from dashboard_app.apps import script_receivers
from dashboard_app.rollup import triggers


def disconnect_upkeep() -> None:
    """Receivers off in this process, and the triggers off for the whole database."""
    disconnect_receivers()
    switch_triggers(connections[DEFAULT_DB_ALIAS], on=False)


def disconnect_receivers() -> None:
    missing = [
        uid
        for signal, sender, _receiver, uid in script_receivers()
        if not signal.disconnect(sender=sender, dispatch_uid=uid)
    ]
    if missing:
        # A receiver connected some other way would leave upkeep on and make "off" measure nothing.
        reconnect_upkeep()
        raise RuntimeError(f"Upkeep receivers not connected: {', '.join(missing)}")


def reconnect_upkeep() -> None:
    for signal, sender, receiver, uid in script_receivers():
        signal.connect(receiver, sender=sender, dispatch_uid=uid)  # idempotent with a dispatch_uid
    switch_triggers(connections[DEFAULT_DB_ALIAS], on=True)


def switch_triggers(connection, *, on: bool) -> None:
    """The triggers on script_executions (the rollup's: the product has no others) on or off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger "
                "WHERE tgrelid = 'script_executions'::regclass AND NOT tgisinternal"
            )
            switch = "ENABLE" if on else "DISABLE"
            for (name,) in cursor.fetchall():
                cursor.execute(f"ALTER TABLE script_executions {switch} TRIGGER {name}")
        elif on:
            if triggers.missing(connection):
                triggers.reinstall(connection)
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'script_executions'"
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")  # several writers may switch at once


def restore_derived_data() -> None:
    """After writes nobody announced: recount the rollup and mark every counter stale."""
    from dashboard_app.counters import recount, stats
    from dashboard_app.rollup import rebuild

    rebuild.rebuild()
    recount.mark_stale(stats.KEYS)


@contextmanager
def upkeep_off(*, net_zero: bool = False) -> Iterator[None]:
    """Writes inside touch neither dashboard_stats nor the rollup. On exit upkeep is back
    and the derived data is restored (restore_derived_data) unless the caller says the
    writes inside left the executions as they found them (`net_zero`); the scripts'
    counters are marked stale either way."""
    from dashboard_app.counters import recount, stats

    disconnect_upkeep()
    try:
        yield
    finally:
        reconnect_upkeep()
        if net_zero:
            recount.mark_stale(stats.KEYS)
        else:
            restore_derived_data()
