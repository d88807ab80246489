"""Executions written through the ORM at the edges of the clock keep the cached counters true.

Zones at the ends of the offset range (UTC+14, UTC-12), exactly local
midnight, naive datetimes, and instants at the ends of Python's range.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from conftest import at, fresh_counts
from dashboard_app.counters import stats
from scripts_app.models import ScriptExecution, Status

pytestmark = pytest.mark.django_db(transaction=True)

EDGE_ZONES = ["Pacific/Kiritimati", "Etc/GMT+12"]


@pytest.fixture(params=EDGE_ZONES)
def zone(request, settings) -> str:
    settings.TIME_ZONE = request.param
    return request.param


def test_a_run_at_exactly_local_midnight_moves_from_tomorrow_to_today(zone, make_script):
    script = make_script()
    with time_machine.travel(at("2026-11-26 23:59:59.999999", zone), tick=False) as clock:
        stats.get_stats()
        ScriptExecution.objects.create(
            script=script, status=Status.ERROR, started_at=at("2026-11-27 00:00", zone)
        )
        ScriptExecution.objects.create(
            script=script, status=Status.ERROR, started_at=at("2026-11-26 23:59:59.999999", zone)
        )
        assert stats.get_stats().values["today_executions"] == 1 == fresh_counts()["today_executions"]
        clock.shift(timedelta(microseconds=1))  # local midnight
        assert stats.get_stats().values == fresh_counts()
        assert stats.get_stats().values["today_executions"] == 1
        assert stats.get_stats().day.isoformat() == "2026-11-27"


def test_a_naive_started_at_is_read_in_the_configured_zone(zone, make_script):
    script = make_script()
    with time_machine.travel(at("2026-11-27 00:30", zone), tick=False):
        stats.get_stats()
        with pytest.warns(RuntimeWarning, match="naive datetime"):
            run = ScriptExecution.objects.create(
                script=script,
                status=Status.ERROR,
                started_at=datetime(2026, 11, 27, 0, 0),  # noqa: DTZ001 (naive on purpose)
            )
        run.refresh_from_db()
        assert run.started_at == at("2026-11-27 00:00", zone)
        assert stats.get_stats().values == fresh_counts()
        assert stats.get_stats().values["today_failed_scripts"] == 1


@pytest.mark.parametrize(
    "started_at",
    [datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)],
    ids=["year 1", "year 9999"],
)
def test_runs_at_the_ends_of_time_are_stored_and_counted_on_no_day_of_ours(zone, make_script, started_at):
    script = make_script()
    with time_machine.travel(at("2026-11-26 12:00", zone), tick=False):
        stats.get_stats()
        ScriptExecution.objects.create(script=script, status=Status.ERROR, started_at=started_at)
        ScriptExecution.objects.create(script=script, status=Status.SUCCESS)
        assert stats.get_stats().values == fresh_counts()
        assert stats.get_stats().values["today_executions"] == 1
        ScriptExecution.objects.filter(status=Status.ERROR).update(started_at=datetime.now(UTC))
        assert stats.get_stats().values["today_failed_scripts"] == 1


def test_an_instant_the_database_cannot_hold_fails_the_write_and_changes_nothing(settings, make_script):
    """Regression: PostgreSQL stored year 0 (UTC), and then every read of the row failed.

    Year 1 at 00:00 in UTC+14 is still year 0 in UTC. SQLite's adapter refuses it,
    PostgreSQL's CHECK constraint (execution_started_in_range) does.
    """
    settings.TIME_ZONE = "Asia/Seoul"
    script = make_script()
    stats.get_stats()
    before = fresh_counts()
    with pytest.raises((OverflowError, ValueError, IntegrityError)):
        ScriptExecution.objects.create(
            script=script, status=Status.ERROR, started_at=at("0001-01-01 00:00", "Etc/GMT-14")
        )
    assert not ScriptExecution.objects.exists()
    assert stats.get_stats().values == before == fresh_counts()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("started_at", at("0001-01-01 00:00", "Etc/GMT-14")),
        ("completed_at", at("9999-12-31 23:00", "Etc/GMT+12")),
    ],
)
def test_model_validation_names_a_time_that_cannot_be_stored(make_script, field, value):
    # What the admin's form calls: a clear error instead of a failing save.
    fields = {"started_at": at("2026-01-01 00:00", "UTC"), field: value}
    run = ScriptExecution(script=make_script(), status=Status.SUCCESS, **fields)
    with pytest.raises(ValidationError) as raised:
        run.full_clean()
    assert field in raised.value.message_dict
