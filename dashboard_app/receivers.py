"""Signal receivers that keep the cached counters true. Each is a line or two.

They only work out which counters a write touched; the upkeep itself runs
once per transaction, after commit (transaction_batch.add_after_commit).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from dashboard_app import stats, touched
from dashboard_app.transaction_batch import add_after_commit

logger = logging.getLogger(__name__)


def _note(using: str, touched: Callable[[], set[str]]) -> None:
    # Receivers run inside the user's save(): upkeep must never make it fail.
    try:
        keys = touched()
    except Exception:
        logger.exception("Could not tell which dashboard counters a write touched")
        keys = set(stats.KEYS)
    add_after_commit(using, keys, stats.mark_stale_after_write)


def _before(instance, created: bool):
    if created:
        return None
    return instance.saved_state if instance.saved_state is not None else touched.UNKNOWN


def script_saved(sender, instance, created, using, **kwargs) -> None:
    _note(using, lambda: touched.keys_changed_by_script(_before(instance, created), instance.current_state()))


def script_deleted(sender, instance, using, **kwargs) -> None:
    _note(using, lambda: touched.keys_changed_by_script(instance.current_state(), None))


def execution_saved(sender, instance, created, using, **kwargs) -> None:
    _note(
        using, lambda: touched.keys_changed_by_execution(_before(instance, created), instance.current_state())
    )


def rows_changed(sender, fields, instances, using, **kwargs) -> None:
    _note(using, lambda: touched.keys_changed_by_rows(sender, fields, instances))
