"""Which time zone's local days the rollup counts, and whether reads may trust it.

A change of TIME_ZONE moves every day boundary. The rollup records the zone it counts in and
whether its last recount finished (RollupZone, one row); the triggers read the zone from that
row at every write (and on SQLite from the zone's offsets, written with it). Recounting for a
new zone is an operator's `manage.py refresh_stats` (or the release step), never work done
inside a request: until it has finished, `is_current()` is false, reads answer from the
executions table instead of the rollup, and `notice()` says why.
"""

from __future__ import annotations

from django.conf import settings
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboard_app.models import RollupZone
from dashboard_app.rollup import sql
from dashboard_app.rollup.triggers import BACKENDS
from scripts_app.models import ScriptExecution

# (database, zone) pairs this process found the rollup counting in, complete: once true it
# stays true until TIME_ZONE changes, which needs a restart (or a test's settings override).
_current: set[tuple[str, str]] = set()


def counted_zone(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The zone whose days the rollup counts; None before any was recorded."""
    return RollupZone.objects.using(using).filter(pk=1).values_list("time_zone", flat=True).first()


def is_current(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the rollup counts the local days of TIME_ZONE, every day recounted (a set lookup
    once it has been true in this process)."""
    key = (using, settings.TIME_ZONE)
    if key in _current:
        return True
    row = RollupZone.objects.using(using).filter(pk=1).values("time_zone", "complete").first()
    if row and row["time_zone"] == settings.TIME_ZONE and row["complete"]:
        _current.add(key)
        return True
    return False


def notice(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """What a page or an answer says while its figures cannot come from the rollup (else None)."""
    if is_current(using):
        return None
    counted_in = counted_zone(using)
    if counted_in == settings.TIME_ZONE:
        reason = _("The runs per day are being recounted.")
    else:
        reason = _("The runs per day are counted in %(counted)s, but TIME_ZONE is %(zone)s.") % {
            "counted": counted_in or "?",
            "zone": settings.TIME_ZONE,
        }
    return reason + " " + _(
        "Until `manage.py refresh_stats` has recounted them, figures are counted from the executions "
        "themselves: right, and slower."
    )


def begin_recount(zone: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Count the days of `zone` from now on (the triggers read it; on SQLite its offsets are
    written too), and mark the rollup incomplete until finish_recount(). The caller holds the
    rollup lock (rebuild.locked), so no run is moved by the old zone after this commits."""
    RollupZone.objects.using(using).update_or_create(
        pk=1, defaults={"time_zone": zone, "complete": False, "rebuilt_at": timezone.now()}
    )
    connection = connections[using]
    BACKENDS[connection.vendor].write_zone_data(connection, zone)
    _current.discard((using, zone))


def finish_recount(using: str = DEFAULT_DB_ALIAS) -> None:
    """Every day has been recounted: reads may trust the rollup again."""
    RollupZone.objects.using(using).filter(pk=1).update(complete=True, rebuilt_at=timezone.now())


def record_if_missing(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """After `migrate` or `flush` (post_migrate): a database whose zone row is gone (flush empties
    every table) counts TIME_ZONE's days from now on, complete while it has no runs to recount."""
    if RollupZone._meta.db_table not in connections[using].introspection.table_names():
        return  # dashboard_app is not migrated (yet) on this database
    if RollupZone.objects.using(using).filter(pk=1).exists():
        return
    with transaction.atomic(using=using):
        sql.lock(using)
        begin_recount(settings.TIME_ZONE, using)
        if not ScriptExecution.objects.using(using).exists():
            finish_recount(using)


@receiver(setting_changed)
def _forget_current_zones(setting: str, **kwargs) -> None:
    if setting in {"TIME_ZONE", "DATABASES"}:
        _current.clear()
