"""On SQLite, too, the database moves the rollup itself: triggers on script_executions.

Why: moved in Python, every recorded run became a transaction around the
INSERT, receivers and an upsert, 1.5 times the write alone (docs/benchmarks.md,
row 4a). A trigger runs inside the writing statement, in C, and sees every
write, raw SQL and the sqlite3 shell included.

SQLite has no time zones, so the zone lives in a table: its offset from UTC
since each of its transitions, as Python's zoneinfo reads them
(`dashboard_rollup_zone_offsets`, written with the triggers). A run's local
day is the date of started_at shifted by the offset in force at that instant.
The table is built from the zone's transitions up to 2500; past the last
tabulated rule change a zone repeats every 400 years (the Gregorian calendar
does, weekdays included), so the years after are copied from those before.

The triggers are row-level (SQLite has no other kind): +1 on the (local day,
script) row of a run inserted, -1 on the row a deleted run left, both for an
update that moves a run to another day, script or status. A decrement only
updates a row that exists: when a script is deleted, its rollup rows are
deleted first (receivers.script_deleting), and the deletion of each of its
runs then costs the trigger one index probe. An error in a trigger fails the
write with it (SQLite cannot catch it), so the rollup never silently lags a
committed write.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dashboard_app.rollup_sql import STATUS_COLUMNS

OFFSETS = "dashboard_rollup_zone_offsets"
TRIGGERS = ("dashboard_rollup_on_insert", "dashboard_rollup_on_update", "dashboard_rollup_on_delete")

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


# The local day of a run (a row called `run`), NULL when it is not in years 1 to 9999.
# datetime() first: it drops the fraction of a second, which date() with a modifier
# would round (23:59:59.9999 would count on the next day), and reads any time text.
_DAY = (
    "(SELECT CASE WHEN d BETWEEN '0001-01-01' AND '9999-12-31' THEN d END FROM ("
    f"SELECT date(t, (SELECT offset_seconds FROM {OFFSETS} WHERE since <= t ORDER BY since DESC LIMIT 1) "
    "|| ' seconds') AS d FROM (SELECT datetime({run}.started_at) AS t)))"
)


def _counts(run: str) -> str:
    return ", ".join(f"{run}.status = '{status}'" for status in STATUS_COLUMNS)


_ADD = (
    "INSERT INTO dashboard_daily_runs (day, script_id, {columns}) "
    "SELECT day, NEW.script_id, {counts} FROM (SELECT {day} AS day) WHERE day IS NOT NULL "
    "ON CONFLICT (day, script_id) DO UPDATE SET {sums};"
)
_TAKE = "UPDATE dashboard_daily_runs SET {differences} WHERE day = {day} AND script_id = OLD.script_id;"


def trigger_sql() -> dict[str, str]:
    columns = ", ".join(STATUS_COLUMNS)
    add = _ADD.format(
        columns=columns,
        counts=_counts("NEW"),
        day=_DAY.format(run="NEW"),
        sums=", ".join(f"{c} = {c} + excluded.{c}" for c in STATUS_COLUMNS),
    )
    take = _TAKE.format(
        differences=", ".join(f"{c} = {c} - (OLD.status = '{c}')" for c in STATUS_COLUMNS),
        day=_DAY.format(run="OLD"),
    )
    moved = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in ("started_at", "script_id", "status"))
    return {
        "dashboard_rollup_on_insert": f"AFTER INSERT ON script_executions BEGIN {add} END",
        "dashboard_rollup_on_update": (
            "AFTER UPDATE OF started_at, script_id, status ON script_executions "
            f"WHEN {moved} BEGIN {take} {add} END"
        ),
        "dashboard_rollup_on_delete": (
            "AFTER DELETE ON script_executions WHEN EXISTS "
            f"(SELECT 1 FROM dashboard_daily_runs WHERE script_id = OLD.script_id) BEGIN {take} END"
        ),
    }


def install(connection, zone: str) -> None:
    """Write the zone's offsets and (re)create the three triggers."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {OFFSETS} "
            "(since TEXT PRIMARY KEY, offset_seconds INTEGER NOT NULL) WITHOUT ROWID"
        )
        cursor.execute(f"DELETE FROM {OFFSETS}")
        cursor.executemany(
            f"INSERT INTO {OFFSETS} (since, offset_seconds) VALUES (%s, %s)", zone_offsets(zone)
        )
        for name, body in trigger_sql().items():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"CREATE TRIGGER {name} {body}")


def drop_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def remove(connection) -> None:
    drop_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {OFFSETS}")


def offsets_outdated(connection, zone: str) -> bool:
    """Whether the table of offsets differs from the zone's rules as this Python reads
    them (a tzdata upgrade that changed them, or a table edited by hand)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT since, offset_seconds FROM {OFFSETS} ORDER BY since")
        stored = tuple(tuple(row) for row in cursor.fetchall())
    return stored != zone_offsets(zone)


def missing(connection) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'script_executions'"
        )
        present = {name for (name,) in cursor.fetchall()}
    return [name for name in TRIGGERS if name not in present]
