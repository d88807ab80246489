"""Signal receivers on writes of scripts, connected in apps.py. Each is a line or two.

They work out which of the scripts' counters a write touched; marking those stale runs
once per transaction, after commit (counters.transaction_batch). Before a script is
deleted, its rollup rows go first, so that the triggers find nothing of it to take away
as its runs are deleted. Writes of executions need no receiver: triggers in the database
move the rollup (dashboard_app.rollup), and today's counters are read from it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, transaction

from dashboard_app.counters import stats, touched
from dashboard_app.counters.recount import mark_stale_after_write
from dashboard_app.counters.transaction_batch import add_after_commit
from dashboard_app.rollup import sql

logger = logging.getLogger(__name__)

TAKE_OUT_ATTEMPTS = 2


def _note(using: str, touched: Callable[[], set[str]]) -> None:
    # Receivers run inside the user's save(): upkeep must never make it fail.
    try:
        keys = touched()
    except Exception:
        logger.exception("Could not tell which dashboard counters a write touched")
        keys = set(stats.SCRIPT_KEYS)
    add_after_commit(using, keys, mark_stale_after_write)


def _before(instance, created: bool):
    if created:
        return None
    return instance.saved_state if instance.saved_state is not None else touched.UNKNOWN


def script_saved(sender, instance, created, using, **kwargs) -> None:
    _note(using, lambda: touched.keys_changed_by_script(_before(instance, created), instance.current_state()))


def script_deleting(sender, instance, using, **kwargs) -> None:
    # Before its runs are deleted: the rollup's triggers then find nothing of the
    # script's to move, and skip each run with one index probe. Should this fail, the
    # triggers take its runs out one by one: slower, as exact, and the delete stands.
    # A deadlock (a writer of the same stripe holding the same day's totals) is tried again once.
    for attempt in range(TAKE_OUT_ATTEMPTS):
        try:
            with transaction.atomic(using=using):
                sql.take_out_script(instance.pk, using)
            return
        except DatabaseError:
            if attempt == TAKE_OUT_ATTEMPTS - 1:
                logger.exception("Could not take script %s out of the rollup before deleting it", instance.pk)


def script_deleted(sender, instance, using, **kwargs) -> None:
    _note(using, lambda: touched.keys_changed_by_script(instance.current_state(), None))


def scripts_changed(sender, changes, using, **kwargs) -> None:
    _note(using, lambda: touched.keys_changed_by_scripts(changes))
