"""Local calendar days as half-open UTC windows.

"Today" is the local date in settings.TIME_ZONE. A day is the window
[first instant of the day, first instant of the next day): 23 or 25 hours on
DST days, and starting at 01:00 where local midnight does not exist.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_today() -> date:
    return timezone.now().astimezone(local_zone()).date()


def day_start(day: date) -> datetime:
    # fold=0 makes zoneinfo use the offset in force before a transition, so a
    # non-existent midnight maps to the instant the day actually begins, and
    # an ambiguous one to its first occurrence.
    local_midnight = datetime.combine(day, time.min, tzinfo=local_zone())
    return local_midnight.astimezone(ZoneInfo("UTC"))


def day_window(day: date) -> tuple[datetime, datetime]:
    """The half-open UTC window [start, end) of a local calendar day."""
    return _day_window(day, settings.TIME_ZONE)


# Every recorded execution asks for today's and tomorrow's windows (the stats
# upkeep); remembering them saves most of that work (docs/benchmarks.md).
@lru_cache(maxsize=64)
def _day_window(day: date, time_zone: str) -> tuple[datetime, datetime]:
    return day_start(day), day_start(day + timedelta(days=1))
