"""/api/scripts/ with a schedule: its fields, a 400 naming the field and the reason for bad input
(nothing stored), the state read-only and filterable, the ping URL only for who may change it."""

from __future__ import annotations

import pytest
import time_machine

from conftest import NOON_IN_SEOUL
from scripts_app.models import Script, State

pytestmark = pytest.mark.django_db


def create(api, **fields):
    return api.post("/api/scripts/", {"name": "nightly backup", **fields}, format="json")


def test_a_schedule_is_given_and_read_back_with_its_state_and_next_due(api, settings):
    settings.TIME_ZONE = "Asia/Seoul"
    with time_machine.travel(NOON_IN_SEOUL, tick=False):
        answer = create(api, schedule="0  2 * * *", grace_seconds=1800, max_runtime_seconds=3600)
        assert answer.status_code == 201, answer.json()
        body = answer.json()
        assert body["schedule"] == "0 2 * * *"  # its fields separated by single spaces
        assert (body["time_zone"], body["grace_seconds"]) == ("Asia/Seoul", 1800)
        assert body["period_seconds"] is None
        assert (body["state"], body["next_due"]) == ("new", None)
        script_id = body["id"]
        api.post("/api/executions/", {"script": script_id, "status": "success"}, format="json")
        body = api.get(f"/api/scripts/{script_id}/").json()
    assert body["state"] == "up"
    assert body["next_due"] == "2026-11-27T02:00:00+09:00"


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"schedule": "61 * * * *"}, "schedule", "Not a valid cron expression: Bad minute"),
        ({"schedule": "0 0 30 2 *"}, "schedule", "never fires"),
        ({"schedule": "0 0 * *"}, "schedule", "5 fields"),
        ({"schedule": "0 2 * * *", "period_seconds": 3600}, "schedule", "not both"),
        ({"period_seconds": 0}, "period_seconds", "longer than 0"),
        ({"period_seconds": 400 * 86400}, "period_seconds", "at most 366 days"),
        ({"grace_seconds": -5}, "grace_seconds", "longer than 0"),
        ({"grace_seconds": 367 * 86400}, "grace_seconds", "at most 366 days"),
        ({"max_runtime_seconds": 0}, "max_runtime_seconds", "longer than 0"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Unknown time zone"),
        ({"time_zone": "../etc/passwd"}, "time_zone", "Unknown time zone"),
        ({"down_after_failures": 0}, "down_after_failures", "greater than or equal to 1"),
    ],
)
def test_bad_schedules_are_a_400_naming_the_field_and_the_reason(api, fields, field, reason):
    answer = create(api, **fields)
    assert answer.status_code == 400
    assert reason in str(answer.json()[field])
    assert not Script.objects.exists()


def test_a_bad_schedule_on_update_changes_nothing(api, make_script):
    script = make_script(period_seconds=3600)
    answer = api.patch(f"/api/scripts/{script.pk}/", {"schedule": "0 2 * * *"}, format="json")
    assert answer.status_code == 400 and "not both" in str(answer.json()["schedule"])
    assert Script.objects.get(pk=script.pk).schedule == ""


def test_the_state_is_read_only(api, make_script):
    script = make_script()
    api.patch(f"/api/scripts/{script.pk}/", {"state": "down"}, format="json")
    assert Script.objects.get(pk=script.pk).state == State.UP


def test_scripts_filter_by_state_and_a_bad_state_is_a_400(api, make_script, make_execution):
    up, down = make_script(), make_script()
    make_execution(down, status="error")
    assert [s["id"] for s in api.get("/api/scripts/?state=down").json()["results"]] == [down.pk]
    assert [s["id"] for s in api.get("/api/scripts/?state=up").json()["results"]] == [up.pk]
    assert api.get("/api/scripts/?state=sideways").status_code == 400


def test_the_ping_url_is_shown_only_to_users_who_may_change_the_script(
    api, api_client_for, viewer, editor, make_script
):
    script = make_script()
    url = f"/api/scripts/{script.pk}/"
    assert api.get(url).json()["ping_url"] == f"http://testserver/ping/{script.ping_key}"
    assert api_client_for(editor).get(url).json()["ping_url"].endswith(script.ping_key)
    assert api_client_for(viewer).get(url).json()["ping_url"] is None
    assert script.ping_key not in str(api_client_for(viewer).get("/api/scripts/").content)
