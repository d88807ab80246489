"""SQLite's triggers find a run's local day from a table of the zone's offsets: the day they
count is the day Python's zoneinfo gives, at transitions, across the calendar, in odd zones."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from dashboard_app.rollup.triggers import MIGRATIONS
from dashboard_app.rollup.triggers import sqlite as rollup_triggers_sqlite
from scripts_app.models import EARLIEST_INSTANT, LATEST_INSTANT

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers"),
]

ZONES = [
    "Asia/Seoul",  # an LMT offset with seconds, then changes of standard time
    "America/New_York",
    "Europe/Dublin",  # "negative" summer time
    "Australia/Lord_Howe",  # a half-hour shift
    "Pacific/Apia",  # skipped 30 December 2011 whole
    "Africa/Casablanca",  # dozens of transitions a decade (Ramadan)
    "America/Santiago",  # transitions at local midnight
    "Pacific/Kiritimati",  # UTC+14
    "Etc/GMT+12",
]


def day_as_the_triggers_count_it(instant: datetime) -> date | None:
    local_day = importlib.import_module(MIGRATIONS["sqlite"])._local_day  # the expression the triggers use
    sql = f"SELECT {local_day('run')} FROM (SELECT %s AS started_at) AS run"
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(instant)])
        (day,) = cursor.fetchone()
    return None if day is None else date.fromisoformat(day)


def day_as_python_counts_it(instant: datetime, zone: ZoneInfo) -> date | None:
    try:
        return instant.astimezone(zone).date()
    except OverflowError:
        return None


def near_transitions(zone: str):
    """Instants a few seconds around one of the zone's transitions."""
    offsets = rollup_triggers_sqlite.zone_offsets(zone)
    sinces = [datetime.fromisoformat(since).replace(tzinfo=UTC) for since, _ in offsets]
    if len(sinces) == 1:
        return st.nothing()  # a fixed offset: no transition
    return st.builds(
        lambda since, shift: since + shift,
        st.sampled_from(sinces[1:]),
        st.timedeltas(min_value=timedelta(seconds=-3), max_value=timedelta(seconds=3)),
    )


def utc_instants(first: datetime, last: datetime):
    return st.datetimes(
        min_value=first.replace(tzinfo=None), max_value=last.replace(tzinfo=None), timezones=st.just(UTC)
    )


ANYWHEN = utc_instants(EARLIEST_INSTANT, LATEST_INSTANT)
AROUND_NOW = utc_instants(datetime(1850, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize("zone", ZONES)
def test_the_triggers_count_each_run_on_the_local_day_zoneinfo_gives(zone):
    rollup_triggers_sqlite.write_zone_data(connection, zone)  # undone with the test's transaction
    tz = ZoneInfo(zone)

    @hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.one_of(near_transitions(zone), AROUND_NOW, ANYWHEN))
    def same_day(instant):
        assert day_as_the_triggers_count_it(instant) == day_as_python_counts_it(instant, tz)

    same_day()


def test_a_fraction_of_a_second_before_midnight_is_still_that_day():
    rollup_triggers_sqlite.write_zone_data(connection, "Asia/Seoul")
    last_moment = datetime(2026, 11, 26, 23, 59, 59, 999999, tzinfo=ZoneInfo("Asia/Seoul"))
    assert day_as_the_triggers_count_it(last_moment) == date(2026, 11, 26)


def test_starts_whose_local_date_is_outside_the_calendar_are_left_out_as_in_python():
    rollup_triggers_sqlite.write_zone_data(connection, "Pacific/Kiritimati")
    assert day_as_the_triggers_count_it(LATEST_INSTANT) is None
    rollup_triggers_sqlite.write_zone_data(connection, "Etc/GMT+12")
    assert day_as_the_triggers_count_it(EARLIEST_INSTANT) is None
