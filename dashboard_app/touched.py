"""Which of the dashboard's counters a write can change.

The receivers ask this before scheduling the upkeep, so that a write that
cannot move a counter (a rename, a run from last week finishing) costs nothing.
Its answers follow the counter definitions in stats.py; when unsure it names
more counters, never fewer: marking a counter stale is always safe.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from dashboard_app.stats import (
    DAILY_KEYS,
    INACTIVE_SCRIPTS,
    KEYS,
    TODAY_EXECUTIONS,
    TODAY_FAILED_SCRIPTS,
    TOTAL_SCRIPTS,
)
from scripts_app.dates import day_window, local_today, local_zone
from scripts_app.models import Script, Status

UNKNOWN: Any = object()  # a state that was not observed


def keys_changed_by_script(before: dict | None, after: dict | None) -> set[str]:
    """Counters that a script going from `before` to `after` can change.

    A state is a dict of Script.tracked_fields, None for "no such row", or
    UNKNOWN.
    """
    if before is UNKNOWN or after is UNKNOWN:
        return {INACTIVE_SCRIPTS} if (before is not None and after is not None) else set(KEYS)
    keys = set()
    if (before is None) != (after is None):
        keys.add(TOTAL_SCRIPTS)
    if _inactive(before) != _inactive(after):
        keys.add(INACTIVE_SCRIPTS)
    if before is not None and after is None:
        keys |= DAILY_KEYS  # its executions went with it
    return keys


def _inactive(state: dict | None) -> bool:
    return state is not None and not state["active"]


def keys_changed_by_execution(before: dict | None, after: dict | None) -> set[str]:
    """Counters that an execution going from `before` to `after` can change.

    Checked for today and tomorrow: the upkeep runs at commit, which may fall
    after midnight.
    """
    if before is UNKNOWN or after is UNKNOWN:
        return set(DAILY_KEYS)
    today = local_today()
    keys = set()
    for day in (today, today + timedelta(days=1)):
        start, end = day_window(day)
        on_day_before = before is not None and start <= _aware(before["started_at"]) < end
        on_day_after = after is not None and start <= _aware(after["started_at"]) < end
        if on_day_before != on_day_after:
            keys.add(TODAY_EXECUTIONS)
        failed_before = on_day_before and before["status"] == Status.ERROR
        failed_after = on_day_after and after["status"] == Status.ERROR
        if (failed_before or failed_after) and before != after:
            keys.add(TODAY_FAILED_SCRIPTS)
    return keys


def keys_changed_by_rows(
    model: type[models.Model], fields: frozenset[str] | None, instances: list | None
) -> set[str]:
    """Counters that a bulk write (scripts_app.signals.rows_changed) can change."""
    by_state = keys_changed_by_script if model is Script else keys_changed_by_execution
    if fields is None:
        if instances is None:  # rows removed, which ones unknown
            return by_state(UNKNOWN, None) if model is Script else set(DAILY_KEYS)
        # Added or removed rows: a row appearing changes what it disappearing would.
        return set().union(*(by_state(None, obj.current_state()) for obj in instances))
    relevant = {"active"} if model is Script else {"status", "started_at", "script", "script_id"}
    return by_state(UNKNOWN, UNKNOWN) if fields & relevant else set()


def _aware(value: datetime) -> datetime:
    if timezone.is_naive(value):
        return timezone.make_aware(value, local_zone())
    return value
