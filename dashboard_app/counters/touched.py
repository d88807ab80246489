"""Which of the scripts' counters a write of a script can change.

The receivers ask this before scheduling the upkeep, so that a write that
cannot move a counter (a rename, a new description) costs nothing. Its answers
follow the counter definitions in stats.py; when unsure it names more
counters, never fewer: marking a counter stale is always safe. (The day's
counters need no such question: they are sums over the rollup, which every
write of a run moves, and a script's rollup rows go with it.)
"""

from __future__ import annotations

from typing import Any

from dashboard_app.counters.stats import INACTIVE_SCRIPTS, SCRIPT_KEYS, TOTAL_SCRIPTS

UNKNOWN: Any = object()  # a state that was not observed


def keys_changed_by_script(before: dict | None, after: dict | None) -> set[str]:
    """Counters that a script going from `before` to `after` can change.

    A state is a dict of Script.tracked_fields, None for "no such row", or
    UNKNOWN.
    """
    if before is UNKNOWN or after is UNKNOWN:
        return {INACTIVE_SCRIPTS} if (before is not None and after is not None) else set(SCRIPT_KEYS)
    keys = set()
    if (before is None) != (after is None):
        keys.add(TOTAL_SCRIPTS)
    if _inactive(before) != _inactive(after):
        keys.add(INACTIVE_SCRIPTS)
    return keys


def keys_changed_by_scripts(changes: list[tuple[dict | None, dict | None]] | None) -> set[str]:
    """Counters that a bulk write of scripts (scripts_app.signals.rows_changed) can change."""
    if changes is None:
        return set(SCRIPT_KEYS)
    return set().union(*(keys_changed_by_script(before, after) for before, after in changes))


def _inactive(state: dict | None) -> bool:
    return state is not None and not state["active"]
