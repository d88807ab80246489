"""Signal receivers that keep the counters and the rollup true. Each is a line or two.

Writes of scripts: they work out which counters a write touched; marking
those stale runs once per transaction, after commit (transaction_batch).
Writes of executions: they move the rollup by each row's before and after,
inside the write's transaction (rollup.apply).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from dashboard_app import rollup, rollup_rebuild, stats, touched
from dashboard_app.recount import mark_stale_after_write
from dashboard_app.transaction_batch import add_after_commit
from scripts_app.dates import local_today
from scripts_app.models import ScriptExecution

logger = logging.getLogger(__name__)


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


def script_deleted(sender, instance, using, **kwargs) -> None:
    _note(using, lambda: touched.keys_changed_by_script(instance.current_state(), None))


def scripts_changed(sender, changes, using, **kwargs) -> None:
    _note(using, lambda: touched.keys_changed_by_scripts(changes))


def execution_saving(sender, instance, using, **kwargs) -> None:
    # What the run was, as the database holds it (locked until commit): the
    # instance may have been read before another process changed the row.
    instance._stored_state = None if instance.pk is None else ScriptExecution.stored_state(instance.pk, using)


def execution_saved(sender, instance, created, using, **kwargs) -> None:
    before = None if created else getattr(instance, "_stored_state", None)
    _move(using, [(before, instance.current_state())])


def executions_changed(sender, changes, using, **kwargs) -> None:
    if changes is None:
        rollup_rebuild.rebuild(using)  # which rows changed is not known: recount every day
    else:
        _move(using, changes)


def _move(using: str, changes: list) -> None:
    """Move the rollup in the write's transaction. If that fails the write stands:
    reads in this transaction recount today, and after commit the days it
    touched are recounted (and today's counters marked stale)."""
    try:
        rollup.apply(changes, using)
    except Exception:
        logger.exception("Could not move the rollup for a write of runs; recounting after commit")
        add_after_commit(using, stats.DAILY_KEYS, mark_stale_after_write)
        add_after_commit(using, _days(changes), rollup_rebuild.repair_days)


def _days(changes: list) -> set:
    try:
        return rollup.days_in(changes)
    except Exception:  # a state that cannot be read: recount today at least
        return {local_today()}
