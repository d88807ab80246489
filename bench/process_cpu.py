"""CPU time spent by processes, read from /proc (Linux): where the throughput row's requests
spend the host's cores, the web server's workers beside the database server.

A process's own time counts, and its exited children's once it has waited for them (cutime,
cstime): PostgreSQL's backends, one per connection with CONN_MAX_AGE=0, are counted through
the postmaster after they exit.
"""

from __future__ import annotations

import os
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(name, parent pid, CPU seconds with its waited-for children), or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()  # from field 3 (state) on
    ticks = sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return name, int(fields[1]), ticks / TICKS_PER_SECOND


def _processes() -> dict[int, tuple[str, int, float]]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            found[int(entry.name)] = stat
    return found


def tree_seconds(root: int) -> float:
    """CPU seconds of `root` and every process below it."""
    processes = _processes()
    below = {root}
    grew = True
    while grew:
        more = {pid for pid, (_, parent, _) in processes.items() if parent in below} - below
        below |= more
        grew = bool(more)
    return sum(processes[pid][2] for pid in below if pid in processes)


def named_seconds(name: str) -> float:
    """CPU seconds of every process called `name` (all of a PostgreSQL server's: `postgres`)."""
    return sum(seconds for process_name, _, seconds in _processes().values() if process_name == name)
