from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from conftest import at
from scripts_app.monitoring.schedule import Schedule, deadline, next_due

# Europe/Berlin in 2026: spring forward on 03-29 at 01:00 UTC (02:00 CET -> 03:00
# CEST), fall back on 10-25 at 01:00 UTC (03:00 CEST -> 02:00 CET).


def cron(expression: str, zone: str = "Europe/Berlin", grace: timedelta = timedelta(hours=1)) -> Schedule:
    return Schedule(cron=expression, grace=grace, time_zone=zone)


def utc(text: str) -> datetime:
    return at(text, "UTC")


@pytest.mark.parametrize(
    ("after", "due"),
    [
        ("2026-03-27 12:00", "2026-03-28 01:00"),  # the day before, still CET
        ("2026-03-28 12:00", "2026-03-29 01:00"),  # 02:00 does not exist: due at 03:00 CEST
        ("2026-03-29 00:59:59", "2026-03-29 01:00"),  # 01:59:59 CET, one second before the gap
        ("2026-03-29 01:00", "2026-03-30 00:00"),  # from the instant it fired: tomorrow, CEST
        ("2026-03-29 01:30", "2026-03-30 00:00"),
    ],
)
def test_two_oclock_in_berlin_on_spring_forward_day_runs_after_the_gap(after, due):
    assert next_due(cron("0 2 * * *"), utc(after)) == utc(due)


@pytest.mark.parametrize(
    ("after", "due"),
    [
        ("2026-03-28 00:00", "2026-03-28 01:30"),  # 02:30 CET, the day before
        ("2026-03-28 12:00", "2026-03-29 01:00"),  # 02:30 does not exist: due at 03:00 CEST
        ("2026-03-29 00:30", "2026-03-29 01:00"),  # 01:30 CET
        ("2026-03-29 00:59:59", "2026-03-29 01:00"),
        ("2026-03-29 01:00", "2026-03-30 00:30"),  # it fired at 03:00 CEST: next is tomorrow's 02:30
    ],
)
def test_half_past_two_in_berlin_on_spring_forward_day_runs_at_three(after, due):
    assert next_due(cron("30 2 * * *"), utc(after)) == utc(due)


@pytest.mark.parametrize(
    ("after", "due"),
    [
        ("2026-10-24 12:00", "2026-10-25 00:00"),  # 02:00 CEST, the first of the two
        ("2026-10-24 23:59:59", "2026-10-25 00:00"),
        ("2026-10-25 00:00", "2026-10-26 01:00"),  # not again at 02:00 CET
        ("2026-10-25 01:00", "2026-10-26 01:00"),  # from the second 02:00 itself
        ("2026-10-25 01:30", "2026-10-26 01:00"),
    ],
)
def test_two_oclock_in_berlin_on_fall_back_day_runs_once_at_the_first(after, due):
    assert next_due(cron("0 2 * * *"), utc(after)) == utc(due)


@pytest.mark.parametrize(
    ("after", "due"),
    [
        ("2026-10-24 22:00", "2026-10-25 00:30"),  # 02:30 CEST, the first of the two
        ("2026-10-25 00:29:59", "2026-10-25 00:30"),
        ("2026-10-25 00:30", "2026-10-26 01:30"),  # not again at 02:30 CET (01:30 UTC)
        ("2026-10-25 00:45", "2026-10-26 01:30"),  # 02:45 CEST
        # Inside the second pass, where cronsim alone answers the first 02:30,
        # already past: the answer must still come after `after`.
        ("2026-10-25 01:00", "2026-10-26 01:30"),  # 02:00 CET
        ("2026-10-25 01:15", "2026-10-26 01:30"),  # 02:15 CET
        ("2026-10-25 01:45", "2026-10-26 01:30"),  # 02:45 CET
        ("2026-10-25 02:00", "2026-10-26 01:30"),  # 03:00 CET
    ],
)
def test_half_past_two_in_berlin_on_fall_back_day_runs_once_at_the_first(after, due):
    assert next_due(cron("30 2 * * *"), utc(after)) == utc(due)


def test_the_first_due_is_the_same_whatever_zone_after_is_given_in():
    # 02:15 CET, the second 02:15 (PEP 495: == across zones is always False
    # for a time in the fold, hence astimezone).
    second_pass = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=ZoneInfo("Europe/Berlin"))
    assert second_pass.astimezone(UTC) == utc("2026-10-25 01:15")
    assert next_due(cron("30 2 * * *"), second_pass) == utc("2026-10-26 01:30")
    assert next_due(cron("30 2 * * *"), at("2026-10-25 10:15", "Asia/Seoul")) == utc("2026-10-26 01:30")


def test_an_hourly_cron_runs_in_both_passes_of_the_repeated_hour():
    hourly = cron("30 * * * *")
    assert next_due(hourly, utc("2026-10-25 00:00")) == utc("2026-10-25 00:30")  # 02:30 CEST
    assert next_due(hourly, utc("2026-10-25 00:30")) == utc("2026-10-25 01:30")  # 02:30 CET


def test_an_hourly_cron_skips_the_missing_hour():
    hourly = cron("30 * * * *")
    assert next_due(hourly, utc("2026-03-29 00:30")) == utc("2026-03-29 01:30")  # 01:30 CET -> 03:30 CEST


def test_seoul_midnight_is_one_second_after_235959():
    midnight = cron("0 0 * * *", zone="Asia/Seoul")
    assert next_due(midnight, at("2026-11-26 23:59:59", "Asia/Seoul")) == at("2026-11-27 00:00", "Asia/Seoul")
    assert next_due(midnight, at("2026-11-26 23:59:59", "Asia/Seoul")) == utc("2026-11-26 15:00")


def test_seoul_midnight_is_a_microsecond_after_the_last_one_of_the_day():
    midnight = cron("0 0 * * *", zone="Asia/Seoul")
    last = at("2026-11-26 23:59:59.999999", "Asia/Seoul")
    assert next_due(midnight, last) - last == timedelta(microseconds=1)


def test_from_seoul_midnight_itself_the_next_due_is_the_next_midnight():
    midnight = cron("0 0 * * *", zone="Asia/Seoul")
    assert next_due(midnight, at("2026-11-27 00:00", "Asia/Seoul")) == utc("2026-11-27 15:00")
    assert next_due(midnight, at("2026-11-27 00:00:00.5", "Asia/Seoul")) == utc("2026-11-27 15:00")


def test_next_due_is_in_utc():
    due = next_due(cron("0 0 * * *", zone="Asia/Seoul"), at("2026-11-26 12:00", "Asia/Seoul"))
    assert due.utcoffset() == timedelta(0)
    assert due.tzinfo == UTC


def test_a_period_is_due_that_long_after():
    every_six_hours = Schedule(period=timedelta(hours=6), grace=timedelta(minutes=30), time_zone="UTC")
    assert next_due(every_six_hours, utc("2026-11-26 21:15:07.25")) == utc("2026-11-27 03:15:07.25")


def test_a_period_counts_real_hours_across_a_dst_change():
    every_six_hours = Schedule(period=timedelta(hours=6), grace=timedelta(hours=1), time_zone="Europe/Berlin")
    # 01:30 CET + 6 hours is 08:30 CEST, not the wall clock's 07:30.
    due = next_due(every_six_hours, at("2026-03-29 01:30", "Europe/Berlin"))
    assert due == at("2026-03-29 08:30", "Europe/Berlin") == utc("2026-03-29 06:30")


def test_without_a_schedule_nothing_is_due():
    assert next_due(Schedule(grace=timedelta(hours=1), time_zone="UTC"), utc("2026-11-26 12:00")) is None


def test_a_cron_that_never_fires_is_never_due():
    assert next_due(cron("0 0 */30 2 1#5"), utc("2026-11-26 12:00")) is None


def test_next_due_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="aware"):
        next_due(cron("0 2 * * *"), datetime(2026, 11, 26, 12, 0))  # noqa: DTZ001


def test_the_grace_ends_exactly_grace_after_the_due_time():
    daily = cron("0 2 * * *", zone="Asia/Seoul", grace=timedelta(hours=1))
    due = next_due(daily, at("2026-11-26 00:00", "Asia/Seoul"))
    with time_machine.travel(at("2026-11-26 03:00", "Asia/Seoul"), tick=False):
        assert deadline(daily, due) == timezone.now()
    assert deadline(daily, due) - due == timedelta(hours=1)


def test_a_grace_to_the_microsecond_ends_at_that_microsecond():
    schedule = cron("0 2 * * *", grace=timedelta(seconds=59, microseconds=999999))
    assert deadline(schedule, utc("2026-11-26 01:00")) == utc("2026-11-26 01:00:59.999999")


def test_a_grace_across_the_fall_back_is_one_real_hour():
    # Due at 02:30 CEST; an hour later is 02:30 CET, the wall clock's same time.
    first_half_past_two = at("2026-10-25 02:30", "Europe/Berlin")
    ends = deadline(cron("30 2 * * *"), first_half_past_two)
    assert ends == utc("2026-10-25 01:30")
    assert ends.tzinfo == UTC
