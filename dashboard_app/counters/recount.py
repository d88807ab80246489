"""Recounting a cached counter while writers run: claim its row, count, store if untouched.

Used for the scripts' counters (stats.py), which every ORM write of a script
marks stale after it commits. A recompute first claims its rows (not stale, a
negative value so nobody serves them, version bumped), then reads their
versions, counts, and stores a value only where the version is unchanged and
the row still claimed. A write that commits after the claim finds the row not
stale and bumps the version (store refused, row stays stale) or bumps it after
the store (row marked stale again); a write whose mark found the row stale
committed before the claim, so the count sees it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from datetime import date, datetime

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

from dashboard_app.counters import stat_rows
from dashboard_app.counters.transaction_batch import settle
from dashboard_app.models import DashboardStat

logger = logging.getLogger(__name__)

# Keys whose invalidation failed in this process: until this process stores
# them again it does not trust the cache for them (other processes rely on
# the TTL).
unconfirmed_keys: set[str] = set()


def recount_and_store(
    keys: Iterable[str],
    rows: dict[str, DashboardStat],
    *,
    count: Callable[[str], int],
    day: date,
    now: datetime,
    using: str = DEFAULT_DB_ALIAS,
) -> dict[str, int]:
    """Count `keys` and store each value unless a write bumped its version meanwhile.

    `rows` are the rows as the caller read them; missing ones are created first.
    """
    keys = list(keys)
    absent = [key for key in keys if key not in rows]
    try:
        if absent:
            # Create the rows first (stale), so that there is a row to claim.
            with own_savepoint(using):
                DashboardStat.objects.using(using).bulk_create(
                    [DashboardStat(stat_key=key, stale=True, day=day) for key in absent],
                    ignore_conflicts=True,
                )
    except DatabaseError:
        logger.exception("Could not create dashboard_stats rows %s", absent)
    rows = _claim(keys, using) or {}
    values = {key: count(key) for key in keys}
    # Stored in key order, the order mark_stale locks in, so that a recompute
    # inside a caller's transaction cannot deadlock with it.
    stored = [
        key
        for key in sorted(keys)
        if key in rows
        and not rows[key].stale
        and _store(key, values[key], version=rows[key].version, day=day, now=now, using=using)
    ]
    settle(using, stored, mark_stale_after_write)
    return values


def own_savepoint(using: str):
    """A savepoint inside the caller's transaction, so that a failed upkeep
    statement is rolled back alone instead of dooming the caller's writes
    (Django marks the whole transaction for rollback otherwise). Outside a
    transaction each statement commits on its own and needs none."""
    return transaction.atomic(using=using) if connections[using].in_atomic_block else nullcontext()


def _claim(keys: list[str], using: str) -> dict[str, DashboardStat] | None:
    """Claim the rows, then read the versions that guard their stores (None: do not store)."""
    try:
        with own_savepoint(using):
            stat_rows.claim(keys, using)
        return stat_rows.read_rows(keys)
    except DatabaseError:
        logger.exception("Could not claim dashboard counters %s", keys)
        return None


def _store(key: str, value: int, *, version: int, day: date, now: datetime, using: str) -> bool:
    try:
        with own_savepoint(using):
            stored = (
                DashboardStat.objects.using(using)
                .filter(stat_key=key, version=version)
                .update(stat_value=value, day=day, stale=False, updated_at=now)
            )
    except DatabaseError:
        # The value we serve is still right; the row stays as it was and the
        # next read recomputes it.
        logger.exception("Could not store dashboard counter %s", key)
        return False
    if stored:
        unconfirmed_keys.discard(key)
    return bool(stored)


def mark_stale(keys: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> int:
    """Mark cached counters stale and bump their versions, unless stale already (one statement)."""
    return stat_rows.mark_stale(keys, using)


def mark_stale_after_write(keys: set[str]) -> None:
    """Upkeep after a committed write. Never raises: the user's write stands."""
    for attempt in (1, 2):
        try:
            mark_stale(keys)
            return
        except Exception:
            logger.exception("Marking dashboard counters %s stale failed (attempt %d)", keys, attempt)
    unconfirmed_keys.update(keys)
