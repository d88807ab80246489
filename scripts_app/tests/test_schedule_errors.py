from datetime import timedelta

import pytest
import time_machine
from django.utils import translation

from conftest import at
from scripts_app.monitoring.schedule import Schedule, next_due, schedule_errors

YEAR = 366 * 24 * 3600


def errors(**fields):
    """schedule_errors() of a valid daily schedule with some fields changed."""
    valid = {
        "cron": "0 2 * * *",
        "period_seconds": None,
        "grace_seconds": 3600,
        "max_runtime_seconds": None,
        "time_zone": "Asia/Seoul",
    }
    return schedule_errors(**{**valid, **fields})


def test_a_valid_cron_schedule_has_no_errors():
    assert errors() == {}


def test_a_valid_period_schedule_has_no_errors():
    assert errors(cron="", period_seconds=6 * 3600, max_runtime_seconds=600) == {}


def test_no_schedule_at_all_is_valid():
    assert errors(cron="") == {}


@pytest.mark.parametrize(
    ("cron", "reason"),
    [
        ("61 * * * *", "Bad minute"),
        ("0 24 * * *", "Bad hour"),
        ("0 0 32 * *", "Bad day-of-month"),
        ("0 0 * 13 *", "Bad month"),
        ("0 0 * * 8", "Bad day-of-week"),
        ("0 0 * * MON#6", "Bad day-of-week"),
        ("*/0 * * * *", "Bad minute"),
        ("5-1 * * * *", "Bad minute"),
        ("a b c d e", "Bad minute"),
    ],
)
def test_a_malformed_cron_expression_is_refused_with_cronsims_reason(cron, reason):
    assert errors(cron=cron) == {"schedule": f"Not a valid cron expression: {reason}"}


@pytest.mark.parametrize(("cron", "count"), [("0 0 * * * *", 6), ("0 0 * *", 4), ("@daily", 1)])
def test_only_five_fields_are_allowed(cron, count):
    message = f"A cron expression has 5 fields (minute, hour, day of month, month, day of week), not {count}."
    assert errors(cron=cron) == {"schedule": message}


@pytest.mark.parametrize("cron", ["0 0 30 2 *", "0 0 31 4 *", "0 0 31 2,4,6 *", "0 0 30-31 2 *"])
def test_a_day_that_none_of_the_months_has_never_fires(cron):
    message = "This cron expression never fires: none of its months has that day."
    assert errors(cron=cron) == {"schedule": message}


def test_a_cron_with_no_match_in_fifty_years_never_fires():
    # The 1st or the 29th of February that is also its fifth Monday: the
    # 29th can be, the "*/30" days (1st, 31st) never are.
    message = "This cron expression never fires: nothing matches it in the next 50 years."
    assert errors(cron="0 0 */30 2 1#5") == {"schedule": message}


def test_a_cron_that_fires_once_in_eighteen_years_is_accepted():
    # The 29th of February as its fifth Monday: next in 2044.
    cron = "0 0 */28 2 1#5"
    with time_machine.travel(at("2026-05-01 12:00", "UTC"), tick=False):
        assert errors(cron=cron, time_zone="UTC") == {}
    schedule = Schedule(cron=cron, grace=timedelta(hours=1), time_zone="UTC")
    assert next_due(schedule, at("2026-05-01 12:00", "UTC")) == at("2044-02-29 00:00", "UTC")


def test_a_leap_day_cron_is_accepted():
    with time_machine.travel(at("2026-05-01 12:00", "UTC"), tick=False):
        assert errors(cron="0 0 29 2 *") == {}


def test_a_cron_and_a_period_together_are_refused():
    assert errors(period_seconds=3600) == {"schedule": "Give a cron expression or a period, not both."}


def test_a_blank_cron_with_a_period_is_just_a_period():
    assert errors(cron="  \t ", period_seconds=3600) == {}


@pytest.mark.parametrize(
    ("field", "seconds", "message"),
    [
        ("period_seconds", 0, "The period must be longer than 0 seconds."),
        ("period_seconds", -60, "The period must be longer than 0 seconds."),
        ("period_seconds", YEAR + 1, "The period must be at most 366 days."),
        ("grace_seconds", 0, "The grace time must be longer than 0 seconds."),
        ("grace_seconds", -1, "The grace time must be longer than 0 seconds."),
        ("grace_seconds", YEAR + 1, "The grace time must be at most 366 days."),
        ("max_runtime_seconds", 0, "The maximum run time must be longer than 0 seconds."),
        ("max_runtime_seconds", -5, "The maximum run time must be longer than 0 seconds."),
        ("max_runtime_seconds", YEAR + 1, "The maximum run time must be at most 366 days."),
    ],
)
def test_a_length_outside_one_second_to_a_year_is_refused(field, seconds, message):
    fields = {"cron": ""} if field == "period_seconds" else {}
    assert errors(**fields, **{field: seconds}) == {field: message}


@pytest.mark.parametrize("field", ["period_seconds", "grace_seconds", "max_runtime_seconds"])
def test_one_second_and_exactly_a_year_are_accepted(field):
    fields = {"cron": ""} if field == "period_seconds" else {}
    assert errors(**fields, **{field: 1}) == {}
    assert errors(**fields, **{field: YEAR}) == {}


@pytest.mark.parametrize(
    "name",
    ["Mars/Olympus", "asia/seoul", "Asia", "", "../etc/x", "/etc/localtime", "Asia/../Asia/Seoul"]
    # ZoneInfo loads these, but they are no IANA name: a rules file, a
    # leap-second variant, a link to the host's own zone, a table.
    + ["posixrules", "right/UTC", "localtime", "zone.tab"],
)
def test_an_unknown_time_zone_is_refused(name):
    message = f"Unknown time zone “{name}”: use an IANA name such as Asia/Seoul."
    assert errors(time_zone=name) == {"time_zone": message}


@pytest.mark.parametrize("name", ["UTC", "Asia/Seoul", "Europe/Berlin", "America/Santiago", "Asia/Kathmandu"])
def test_iana_time_zones_are_accepted(name):
    assert errors(time_zone=name) == {}


def test_every_problem_is_reported_at_once():
    found = errors(cron="61 * * * *", grace_seconds=0, max_runtime_seconds=-1, time_zone="Nowhere/Land")
    assert set(found) == {"schedule", "grace_seconds", "max_runtime_seconds", "time_zone"}
    # The expression is still checked, in UTC, when its zone is unknown.
    assert found["schedule"] == "Not a valid cron expression: Bad minute"


def test_errors_are_strings_in_korean_too():
    with translation.override("ko"):
        found = errors(cron="61 * * * *", period_seconds=0, grace_seconds=0, time_zone="x")
    assert len(found) == 4
    assert all(isinstance(message, str) and message for message in found.values())


def test_from_fields_normalizes_the_cron_and_makes_timedeltas():
    schedule = Schedule.from_fields(
        cron=" 0  2 * *\t* ",
        period_seconds=None,
        grace_seconds=90,
        max_runtime_seconds=7200,
        time_zone="Asia/Seoul",
    )
    assert schedule == Schedule(
        cron="0 2 * * *", grace=timedelta(seconds=90), max_runtime=timedelta(hours=2), time_zone="Asia/Seoul"
    )
    assert schedule.is_set


def test_a_schedule_with_a_cron_and_a_period_cannot_be_made():
    with pytest.raises(ValueError, match="not both"):
        Schedule(cron="0 2 * * *", period=timedelta(hours=1), grace=timedelta(hours=1), time_zone="UTC")


def test_a_schedule_without_cron_or_period_is_not_set():
    assert not Schedule(grace=timedelta(hours=1), time_zone="UTC").is_set
