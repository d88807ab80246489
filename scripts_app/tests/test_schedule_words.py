from datetime import timedelta

import pytest
from django.utils import translation

from scripts_app.monitoring.schedule import Schedule
from scripts_app.monitoring.schedule_words import describe, describe_duration


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def cron_words(expression: str, zone: str = "Asia/Seoul") -> str:
    return describe(Schedule(cron=expression, grace=timedelta(hours=1), time_zone=zone))


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (timedelta(hours=1), "1 hour"),
        (timedelta(minutes=90), "90 minutes"),
        (timedelta(days=2), "2 days"),
        (timedelta(hours=36), "36 hours"),
        (timedelta(days=7), "1 week"),
        (timedelta(days=14), "2 weeks"),
        (timedelta(days=366), "366 days"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(seconds=1), "1 second"),
        (timedelta(seconds=45), "45 seconds"),
        (timedelta(seconds=3601), "3601 seconds"),
        (timedelta(seconds=90, microseconds=500), "90 seconds"),
        (timedelta(0), "0 seconds"),
    ],
)
def test_a_duration_is_said_in_its_largest_exact_unit(duration, words):
    assert describe_duration(duration) == words


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("* * * * *", "every minute"),
        ("*/1 * * * *", "every minute"),
        ("*/15 * * * *", "every 15 minutes"),
        ("*/30 * * * *", "every 30 minutes"),
        ("5 * * * *", "every hour at :05"),
        ("0 * * * *", "every hour at :00"),
        ("0 2 * * *", "every day at 02:00, Asia/Seoul"),
        ("00 02 * * *", "every day at 02:00, Asia/Seoul"),
        ("30 23 * * *", "every day at 23:30, Asia/Seoul"),
        ("0 9 * * 1-5", "on weekdays at 09:00, Asia/Seoul"),
        ("0 9 * * mon-fri", "on weekdays at 09:00, Asia/Seoul"),
        ("15 6 * * 1", "every Monday at 06:15, Asia/Seoul"),
        ("15 6 * * MON", "every Monday at 06:15, Asia/Seoul"),
        ("15 6 * * 0", "every Sunday at 06:15, Asia/Seoul"),
        ("15 6 * * 7", "every Sunday at 06:15, Asia/Seoul"),
        ("15 6 * * sat", "every Saturday at 06:15, Asia/Seoul"),
        ("0 3 1 * *", "on day 1 of every month at 03:00, Asia/Seoul"),
        ("0 3 28 * *", "on day 28 of every month at 03:00, Asia/Seoul"),
    ],
)
def test_common_cron_shapes_are_said_in_words(expression, words):
    assert cron_words(expression) == f"{words}; grace 1 hour"


@pytest.mark.parametrize(
    "expression",
    [
        "*/7 * * * *",  # :56 then :00: not every 7 minutes
        "0 */6 * * *",
        "0 9-17 * * *",
        "0 3 31 * *",  # skips the months without a 31st
        "0 3 29 * *",
        "0 9 * 1 *",
        "0 9 1 * 1",  # day 1 OR Mondays, in cron
        "0 9 * * 1,3,5",
        "0 9 L * *",
        "0 9 * * 5L",
        "0 9 * * MON#2",
    ],
)
def test_other_cron_expressions_are_shown_as_written_with_their_zone(expression):
    assert cron_words(expression, zone="Europe/Berlin") == f"cron “{expression}”, Europe/Berlin; grace 1 hour"


def test_an_expression_keeps_its_own_spelling_when_shown_as_written():
    assert cron_words("0 9 * * mon,wed") == "cron “0 9 * * mon,wed”, Asia/Seoul; grace 1 hour"


def test_a_period_is_said_as_every_so_long():
    schedule = Schedule(period=timedelta(hours=6), grace=timedelta(minutes=30), time_zone="Asia/Seoul")
    assert describe(schedule) == "every 6 hours; grace 30 minutes"


@pytest.mark.parametrize(
    ("period", "words"),
    [
        (timedelta(hours=1), "every hour"),
        (timedelta(days=1), "every day"),
        (timedelta(weeks=1), "every week"),
        (timedelta(minutes=1), "every minute"),
        (timedelta(seconds=1), "every second"),
        (timedelta(minutes=90), "every 90 minutes"),
        (timedelta(days=3), "every 3 days"),
    ],
)
def test_a_period_of_one_unit_says_every_unit(period, words):
    schedule = Schedule(period=period, grace=timedelta(hours=2), time_zone="UTC")
    assert describe(schedule) == f"{words}; grace 2 hours"


def test_a_maximum_run_time_is_said_after_the_grace():
    schedule = Schedule(
        cron="0 2 * * *", grace=timedelta(hours=1), max_runtime=timedelta(minutes=90), time_zone="Asia/Seoul"
    )
    assert describe(schedule) == "every day at 02:00, Asia/Seoul; grace 1 hour; max run time 90 minutes"


def test_no_schedule_is_said_so():
    assert describe(Schedule(grace=timedelta(hours=1), time_zone="UTC")) == "no schedule"


@pytest.mark.parametrize(
    "schedule",
    [
        Schedule(cron="0 2 * * *", grace=timedelta(hours=1), time_zone="Asia/Seoul"),
        Schedule(cron="*/15 * * * *", grace=timedelta(minutes=1), time_zone="Asia/Seoul"),
        Schedule(cron="5 * * * *", grace=timedelta(days=2), time_zone="Asia/Seoul"),
        Schedule(cron="0 9 * * 1-5", grace=timedelta(weeks=1), time_zone="Asia/Seoul"),
        Schedule(cron="0 3 1 * *", grace=timedelta(seconds=30), time_zone="Asia/Seoul"),
        Schedule(cron="0 */6 * * *", grace=timedelta(hours=1), time_zone="Asia/Seoul"),
        Schedule(period=timedelta(hours=1), grace=timedelta(hours=1), time_zone="Asia/Seoul"),
        Schedule(
            period=timedelta(hours=6), grace=timedelta(hours=1), max_runtime=timedelta(3), time_zone="UTC"
        ),
        Schedule(grace=timedelta(hours=1), time_zone="UTC"),
    ],
)
def test_every_shape_can_be_said_in_korean(schedule):
    with translation.override("ko"):
        words = describe(schedule)
    assert isinstance(words, str) and words


def test_a_weekday_is_named_in_korean_from_djangos_catalogue():
    with translation.override("ko"):
        words = cron_words("15 6 * * 1")
    assert "월요일" in words
