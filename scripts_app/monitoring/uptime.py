"""A script's uptime: the share of a recent window (30 days) it did not spend down.

Worked out from its flips (the `script_flips` table), in one read through the (script, at)
index: the flips inside the window, oldest first. The state at the window's start is the
`old_state` of the first of them (each flip starts where the one before it ended), or the
script's current state when nothing flipped in the window.

The window starts 30 days ago, or when the script was created if that is later, and ends now.
Time paused (switched off) is left out of the window: a script nobody expects to run is
neither up nor down. `new` and `late` count as not down, as healthchecks.io counts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from scripts_app.models import Flip, Script, State

WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class Uptime:
    start: datetime  # the window, [start, end)
    end: datetime
    down: timedelta  # time spent down in the window
    paused: timedelta  # time spent paused, left out of `counted`

    @property
    def counted(self) -> timedelta:
        """The window without its paused time: what the share is a share of."""
        return self.end - self.start - self.paused

    @property
    def share(self) -> float | None:
        """Up (not down) time over the counted time, 0 to 1; None when nothing was counted (a
        script created this instant, or paused the whole window)."""
        counted = self.counted.total_seconds()
        if counted <= 0:
            return None
        return max(0.0, 1 - self.down.total_seconds() / counted)


def uptime(script: Script, *, now: datetime | None = None, window: timedelta = WINDOW) -> Uptime:
    """`script`'s uptime over `window` ending now (its state, created_at and flips)."""
    now = now or timezone.now()
    start = min(max(now - window, script.created_at), now)
    flips = list(
        # No upper bound: a flip after `now` (a clock behind the writer's) still tells the
        # state before it, and the loop stops at now.
        Flip.objects.filter(script_id=script.pk, at__gt=start)
        .order_by("at", "id")
        .values_list("old_state", "new_state", "at")
    )
    time_in = {State.DOWN: timedelta(0), State.PAUSED: timedelta(0)}
    state, since = (flips[0][0] if flips else script.state), start
    for _old, new, at in flips:
        if at > now:
            break
        if state in time_in:
            time_in[state] += at - since
        state, since = new, at
    if state in time_in:
        time_in[state] += now - since
    return Uptime(start=start, end=now, down=time_in[State.DOWN], paused=time_in[State.PAUSED])
