"""Daily counters follow the configured zone's calendar day, DST included."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import time_machine

from conftest import at
from dashboard_app.counters import stats
from scripts_app.models import Status

UTC = ZoneInfo("UTC")


def today_executions():
    return stats.get_stats().values["today_executions"]


def test_seoul_last_microsecond_of_the_day_still_counts_the_day(make_execution, seoul):
    make_execution(started_at=at("2026-11-26 00:00:00", "Asia/Seoul"))
    make_execution(started_at=at("2026-11-26 23:59:59.999999", "Asia/Seoul"))
    make_execution(started_at=at("2026-11-27 00:00:00", "Asia/Seoul"))
    with time_machine.travel(at("2026-11-26 23:59:59.999999", "Asia/Seoul"), tick=False):
        assert today_executions() == 2


def test_seoul_midnight_starts_a_new_day(make_execution, seoul):
    make_execution(started_at=at("2026-11-26 23:59:59.999999", "Asia/Seoul"))
    make_execution(started_at=at("2026-11-27 00:00:00", "Asia/Seoul"))
    with time_machine.travel(at("2026-11-27 00:00:00", "Asia/Seoul"), tick=False):
        assert today_executions() == 1


def test_berlin_23_hour_day_counts_all_of_it(make_execution, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    # Arithmetic in UTC: adding hours to a Berlin wall-clock time would skip DST.
    first = at("2026-03-29 00:00", "Europe/Berlin").astimezone(UTC)
    for hour in range(23):  # every real hour of the short day
        make_execution(started_at=first + timedelta(hours=hour))
    make_execution(started_at=first + timedelta(hours=23))  # next day
    with time_machine.travel(at("2026-03-29 12:00", "Europe/Berlin"), tick=False):
        assert today_executions() == 23


def test_berlin_25_hour_day_counts_the_repeated_hour_twice(make_execution, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    first = at("2026-10-25 00:00", "Europe/Berlin").astimezone(UTC)
    for hour in range(25):
        make_execution(started_at=first + timedelta(hours=hour))
    make_execution(started_at=first + timedelta(hours=25))  # next day
    with time_machine.travel(at("2026-10-25 23:30", "Europe/Berlin"), tick=False):
        assert today_executions() == 25


def test_santiago_day_without_midnight_starts_at_one(make_execution, settings):
    settings.TIME_ZONE = "America/Santiago"
    day_start = at("2026-09-06 04:00", "UTC")  # 01:00 local, after the jump
    make_execution(started_at=day_start - timedelta(microseconds=1))  # 23:59:59.999999 on the 5th
    make_execution(started_at=day_start)
    with time_machine.travel(day_start + timedelta(hours=2), tick=False):
        assert today_executions() == 1
        assert stats.get_stats().day.isoformat() == "2026-09-06"


def test_execution_straddling_midnight_counts_on_the_day_it_started(make_execution, seoul):
    make_execution(
        status=Status.ERROR,
        started_at=at("2026-11-26 23:50", "Asia/Seoul"),
        completed_at=at("2026-11-27 00:10", "Asia/Seoul"),
    )
    with time_machine.travel(at("2026-11-26 23:55", "Asia/Seoul"), tick=False):
        assert stats.get_stats().values["today_failed_scripts"] == 1
    with time_machine.travel(at("2026-11-27 00:20", "Asia/Seoul"), tick=False):
        values = stats.get_stats().values
    assert (values["today_executions"], values["today_failed_scripts"]) == (0, 0)


def test_day_rolls_over_on_its_own_without_the_midnight_job(transactional_db, make_execution, seoul):
    with time_machine.travel(at("2026-11-26 23:59:30", "Asia/Seoul"), tick=False) as clock:
        make_execution(status=Status.ERROR)
        make_execution()
        warm = stats.get_stats()
        assert warm.values["today_executions"] == 2
        assert stats.get_stats().source == "cache"
        clock.move_to(at("2026-11-27 00:00:01", "Asia/Seoul"))  # well within the TTL
        rolled = stats.get_stats()
    assert rolled.day.isoformat() == "2026-11-27"
    assert (rolled.values["today_executions"], rolled.values["today_failed_scripts"]) == (0, 0)
    assert rolled.source == "live"
