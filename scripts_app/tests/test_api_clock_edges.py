"""Executions at the edges of the clock over the API: never a 5xx, never a half-written row.

Zones at the ends of the offset range (Pacific/Kiritimati is UTC+14,
Etc/GMT+12 is UTC-12), datetimes at the ends of Python's range (years 1 and
9999), naive and aware, and executions at exactly local midnight.
"""

import pytest
import time_machine

from conftest import at, fresh_counts
from scripts_app.models import ScriptExecution

EXTREME_ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "Asia/Seoul", "UTC"]
EXTREME_TIMES = [
    "0001-01-01T00:00:00",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+14:00",
    "0001-01-01T23:59:59-12:00",
    "9999-12-31T23:59:59",
    "9999-12-31T23:59:59.999999Z",
    "9999-12-31T00:00:00+14:00",
    "9999-12-31T10:00:00-12:00",
]


@pytest.fixture
def zone(settings, request):
    settings.TIME_ZONE = request.param
    return request.param


@pytest.mark.parametrize("zone", EXTREME_ZONES, indirect=True)
@pytest.mark.parametrize("started_at", EXTREME_TIMES)
def test_far_past_and_future_executions_are_stored_or_refused_never_a_5xx(api, make_script, zone, started_at):
    script = make_script()
    api.get("/api/dashboard/stats")  # a warm cache, which the write must keep true
    response = api.post(
        "/api/executions/",
        {"script": script.pk, "status": "error", "started_at": started_at},
        format="json",
    )
    assert response.status_code in (201, 400), response.content
    if response.status_code == 400:
        assert "started_at" in response.json()
        assert not ScriptExecution.objects.exists()
    else:
        assert ScriptExecution.objects.count() == 1
        run = api.get(f"/api/executions/{response.json()['id']}/")
        assert run.status_code == 200
    for path in ("/api/executions/", "/api/scripts/", f"/api/scripts/{script.pk}/"):
        assert api.get(path).status_code == 200
    assert api.get("/api/dashboard/stats").json()["data"] == fresh_counts()


def test_a_naive_year_1_east_of_utc_is_a_400_naming_started_at(api, make_script, settings):
    """Regression: DRF converted it to UTC to validate it and raised OverflowError (a 500)."""
    settings.TIME_ZONE = "Asia/Seoul"
    response = api.post(
        "/api/executions/",
        {"script": make_script().pk, "status": "success", "started_at": "0001-01-01T00:00:00"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"started_at": ["Datetime value out of range."]}


def test_a_naive_year_9999_west_of_utc_is_a_400_naming_completed_at(api, make_script, settings):
    settings.TIME_ZONE = "Etc/GMT+12"
    response = api.post(
        "/api/executions/",
        {
            "script": make_script().pk,
            "status": "success",
            "started_at": "2026-01-01T00:00:00Z",
            "completed_at": "9999-12-31T23:59:59",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "completed_at" in response.json()
    assert not ScriptExecution.objects.exists()


@pytest.mark.parametrize("zone", EXTREME_ZONES, indirect=True)
@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-02", "9999-12-30", "9999-12-31"])
def test_the_date_filter_at_the_ends_of_the_calendar_answers_200_or_400(api, db, zone, day):
    response = api.get("/api/executions/", {"date": day})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "date" in response.json()


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"], indirect=True)
def test_an_execution_at_exactly_local_midnight_counts_on_the_new_day(api, make_script, zone):
    script = make_script()
    with time_machine.travel(at("2026-11-26 23:59:59", zone), tick=False) as clock:
        api.post(
            "/api/executions/",
            {"script": script.pk, "status": "error", "started_at": "2026-11-26T23:59:59.999999"},
            format="json",
        )
        assert api.get("/api/dashboard/stats").json()["data"]["today_executions"] == 1
        clock.move_to(at("2026-11-27 00:00", zone))
        created = api.post(
            "/api/executions/",
            {"script": script.pk, "status": "error", "started_at": "2026-11-27T00:00:00"},
            format="json",
        )
        assert created.status_code == 201
        body = api.get("/api/dashboard/stats").json()
        assert body["meta"]["date"] == "2026-11-27"
        assert body["data"]["today_executions"] == 1
        assert body["data"]["today_failed_scripts"] == 1
        assert body["data"] == fresh_counts()
        assert [
            run["id"] for run in api.get("/api/executions/", {"date": "2026-11-27"}).json()["results"]
        ] == [created.json()["id"]]


def test_an_aware_time_in_another_zone_counts_on_the_local_day_it_falls_on(api, make_script, settings):
    # 10:00 UTC is already midnight of the next day in Kiritimati (UTC+14).
    settings.TIME_ZONE = "Pacific/Kiritimati"
    with time_machine.travel(at("2026-11-27 00:30", "Pacific/Kiritimati"), tick=False):
        response = api.post(
            "/api/executions/",
            {"script": make_script().pk, "status": "success", "started_at": "2026-11-26T10:00:00Z"},
            format="json",
        )
        assert response.json()["started_at"] == "2026-11-27T00:00:00+14:00"
        assert api.get("/api/dashboard/stats").json()["data"]["today_executions"] == 1
        assert api.get("/api/executions/", {"date": "2026-11-26"}).json()["count"] == 0
