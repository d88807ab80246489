"""Signal receivers that keep each script's state true, connected in scripts_app.apps. Each is
a line or two: monitoring.states decides.

A run saved (ScriptExecution.save runs in a transaction, so a flip commits with the run that
caused it; its script's row is locked before the run is written); a script saved (a schedule
set or changed, or switched on again: its due time counts from now); scripts written in bulk
(rows_changed: the active switches of the admin and the API). Runs written in bulk or by raw
SQL are not seen here: the script's next check, its next saved run or `refresh_stats` puts its
state right.
"""

from __future__ import annotations

from scripts_app.monitoring import states

# What a change of which restarts the watch of a script's schedule.
WATCHED = ("active", "schedule", "period_seconds", "time_zone")


def run_saving(sender, instance, using, **kwargs) -> None:
    # The script's row first, then the run (whose rollup rows the triggers lock), in the order a
    # ping takes them: the other order deadlocks with a ping of the same script. A ping decides
    # with the row it already holds (monitoring.pings).
    if not getattr(instance, "state_decided_by_caller", False):
        instance.locked_script = states.locked(instance.script_id, using=using)


def run_saved(sender, instance, using, **kwargs) -> None:
    if getattr(instance, "state_decided_by_caller", False):
        return
    script = instance.__dict__.pop("locked_script", None)
    if script is not None:
        states.decide(script, using=using)
    else:  # no such script when run_saving looked: evaluate() finds none either, or the one made since
        states.evaluate(instance.script_id, using=using)


def script_saved(sender, instance, created, using, **kwargs) -> None:
    rewatch = created or _rewatched(instance.saved_state, instance.current_state())
    states.evaluate(instance.pk, rewatch=rewatch, created=created, using=using)


def scripts_changed(sender, changes, using, **kwargs) -> None:
    for before, after in changes or []:
        if after is not None and (before is None or _rewatched(before, after)):
            states.evaluate(after["pk"], rewatch=True, using=using)


def _rewatched(before: dict | None, after: dict) -> bool:
    """A schedule set or changed, or the script switched off or on (before unknown: yes)."""
    return before is None or any(before[name] != after[name] for name in WATCHED)
