from datetime import date, timedelta
from zoneinfo import ZoneInfo

import time_machine

from conftest import at
from scripts_app.dates import day_window, local_today

UTC = ZoneInfo("UTC")


def test_today_in_seoul_is_still_today_at_the_last_microsecond(seoul):
    with time_machine.travel(at("2026-11-26 23:59:59.999999", "Asia/Seoul"), tick=False):
        assert local_today() == date(2026, 11, 26)


def test_today_in_seoul_turns_at_local_midnight_not_utc_midnight(seoul):
    with time_machine.travel(at("2026-11-27 00:00:00", "Asia/Seoul"), tick=False):
        assert local_today() == date(2026, 11, 27)  # UTC still says the 26th


def test_seoul_day_window_is_24_hours_from_local_midnight(seoul):
    start, end = day_window(date(2026, 11, 26))
    assert start == at("2026-11-25 15:00", "UTC")
    assert end - start == timedelta(hours=24)


def test_berlin_spring_forward_day_is_23_hours(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    start, end = day_window(date(2026, 3, 29))
    assert (start, end - start) == (at("2026-03-28 23:00", "UTC"), timedelta(hours=23))


def test_berlin_fall_back_day_is_25_hours(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    start, end = day_window(date(2026, 10, 25))
    assert (start, end - start) == (at("2026-10-24 22:00", "UTC"), timedelta(hours=25))


def test_santiago_day_without_midnight_starts_at_one_oclock(settings):
    # On 2026-09-06 Chile's clocks jump from 00:00 to 01:00: no local midnight.
    settings.TIME_ZONE = "America/Santiago"
    start, end = day_window(date(2026, 9, 6))
    assert start.astimezone(ZoneInfo("America/Santiago")).hour == 1
    assert start == at("2026-09-06 04:00", "UTC")
    assert end - start == timedelta(hours=23)
    # The previous day ends exactly where this one starts: no instant is lost.
    assert day_window(date(2026, 9, 5))[1] == start
