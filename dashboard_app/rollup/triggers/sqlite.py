"""SQLite: row-level triggers (SQLite has no other kind) reading a table of the zone's offsets.

Why triggers here too: moved in Python, every recorded run became a transaction around the
INSERT, receivers and an upsert, 1.5 times the write alone (docs/benchmarks.md, row 4a). A
trigger runs inside the writing statement, in C, and sees every write, raw SQL and the sqlite3
shell included: +1 on the (local day, script) row of a run inserted, -1 on the row a deleted
run left, both for an update that moves a run to another day, script or status. A decrement
only updates a row that exists: when a script is deleted, its rollup rows are deleted first
(counters.receivers.script_deleting), and the deletion of each of its runs then costs the
trigger one index probe. An error in a trigger fails the write with it (SQLite cannot catch
it), so the rollup never silently lags a committed write.

SQLite has no time zones, so the zone lives in a table: its offset from UTC since each of its
transitions, as Python's zoneinfo reads them (`dashboard_rollup_zone_offsets`, written here
when the zone is recorded). A run's local day is the date of started_at shifted by the offset
in force at that instant. The table is built from the zone's transitions up to 2500; past the
last tabulated rule change a zone repeats every 400 years (the Gregorian calendar does,
weekdays included), so the years after are copied from those before.

The SQL of the triggers and of the table is in migration 0004_rollup_triggers_as_sql.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

OFFSETS = "dashboard_rollup_zone_offsets"

# Years scanned day by day for transitions; the 400 years after repeat ever after.
_FIRST_SCANNED, _CYCLE_START, _CYCLE_YEARS = 1800, 2101, 400


@lru_cache(maxsize=8)
def zone_offsets(zone: str) -> tuple[tuple[str, int], ...]:
    """(UTC instant as SQLite stores it, offset in seconds in force from then on), in order;
    the first row covers every instant before the first transition."""
    tz = ZoneInfo(zone)

    def offset_at(instant: datetime) -> int:
        return int(instant.astimezone(tz).utcoffset().total_seconds())

    start = datetime(_FIRST_SCANNED, 1, 2, tzinfo=UTC)
    rows = [(datetime(1, 1, 1, tzinfo=UTC), offset_at(start))]
    cycle_start = datetime(_CYCLE_START, 1, 1, tzinfo=UTC)
    cycle_end = datetime(_CYCLE_START + _CYCLE_YEARS, 1, 1, tzinfo=UTC)
    day, current = start, rows[0][1]
    while day < cycle_end:
        following = day + timedelta(days=1)
        if offset_at(following) != current:
            since = _first_instant_with_new_offset(day, following, offset_at)
            current = offset_at(since)
            rows.append((since, current))
        day = following
    repeating = [(since, offset) for since, offset in rows if since >= cycle_start]
    shift = _CYCLE_YEARS
    while repeating and _CYCLE_START + shift <= 9999:
        rows += [
            (since.replace(year=since.year + shift), offset)
            for since, offset in repeating
            if since.year + shift <= 9999
        ]
        shift += _CYCLE_YEARS
    return tuple((since.replace(tzinfo=None).isoformat(sep=" "), offset) for since, offset in rows)


def _first_instant_with_new_offset(before: datetime, after: datetime, offset_at) -> datetime:
    """Bisect to the second between two instants with different offsets."""
    old = offset_at(before)
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) / 2
        middle = middle.replace(microsecond=0)
        if offset_at(middle) == old:
            before = middle
        else:
            after = middle
    return after


def write_zone_data(connection, zone: str) -> None:
    """Replace the table of offsets with `zone`'s (the caller holds the write lock)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {OFFSETS}")
        insert = f"INSERT INTO {OFFSETS} (since, offset_seconds) VALUES (%s, %s)"
        cursor.executemany(insert, zone_offsets(zone))


def offsets_outdated(connection, zone: str) -> bool:
    """Whether the table of offsets differs from the zone's rules as this Python reads
    them (a tzdata upgrade that changed them, or a table edited by hand)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT since, offset_seconds FROM {OFFSETS} ORDER BY since")
        stored = tuple(tuple(row) for row in cursor.fetchall())
    return stored != zone_offsets(zone)


def has_offsets(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {OFFSETS})")
        return bool(cursor.fetchone()[0])


def zone_problems(connection, zone: str) -> list[str]:
    if offsets_outdated(connection, zone):
        return [f"their table of {zone}'s offsets differs from this Python's time zone database"]
    return []


def enabled_triggers(connection) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'script_executions'"
        )
        return {name for (name,) in cursor.fetchall()}
