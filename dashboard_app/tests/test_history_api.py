"""GET /api/dashboard/history: one entry per local day, oldest first, ending today; exact on
every write path."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import NOON_IN_SEOUL as NOON
from scripts_app.models import ScriptExecution, Status

pytestmark = pytest.mark.usefixtures("noon_in_seoul")

URL = "/api/dashboard/history"
SEOUL = ZoneInfo("Asia/Seoul")


def expected(days: int, script_id: int | None = None) -> list[dict]:
    """Worked out from the rows: runs per status on each of the last `days` local days."""
    today = NOON.astimezone(SEOUL).date()
    runs = (
        ScriptExecution.objects.all()
        if script_id is None
        else ScriptExecution.objects.filter(script_id=script_id)
    )
    per_day = {}
    for status, started_at in runs.values_list("status", "started_at"):
        per_day.setdefault(started_at.astimezone(SEOUL).date(), []).append(status)
    answer = []
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        statuses = per_day.get(day, [])
        counts = {status: statuses.count(status) for status in Status.values}
        answer.append({"date": day.isoformat(), **counts, "total": len(statuses)})
    return answer


@pytest.fixture
def registry(make_script, make_execution):
    alpha, beta = make_script(name="alpha"), make_script(name="beta")
    for hours, script, status in [
        (0, alpha, Status.SUCCESS),
        (1, alpha, Status.ERROR),
        (2, beta, Status.RUNNING),
        (13, beta, Status.CANCELLED),  # 23:00 yesterday in Seoul
        (24 * 20, alpha, Status.SUCCESS),
        (24 * 100, beta, Status.ERROR),  # beyond 90 days
    ]:
        make_execution(script, status=status, started_at=NOON - timedelta(hours=hours))
    return alpha, beta


def test_it_answers_14_days_by_default_in_the_stats_envelope(api, registry):
    body = api.get(URL).json()
    assert body["success"] is True
    assert body["meta"] == {"date": "2026-11-26", "time_zone": "Asia/Seoul", "days": 14, "script": None}
    assert body["data"] == expected(14)
    assert body["data"][-1] == {
        "date": "2026-11-26", "running": 1, "success": 1, "error": 1, "cancelled": 0, "total": 3,
    }  # fmt: skip


@pytest.mark.parametrize("days", [1, 7, 30, 90])
def test_it_answers_the_days_asked_oldest_first_ending_today(api, registry, days):
    data = api.get(URL, {"days": days}).json()["data"]
    assert data == expected(days)
    assert len(data) == days and data[-1]["date"] == "2026-11-26"


def test_it_narrows_to_one_script(api, registry):
    _, beta = registry
    body = api.get(URL, {"days": 3, "script": beta.pk}).json()
    assert body["data"] == expected(3, beta.pk)
    assert body["meta"]["script"] == beta.pk


@pytest.mark.parametrize("days", ["0", "91", "-1", "seven", "1.5", ""])
def test_a_bad_number_of_days_is_a_400_naming_it(api, registry, days):
    response = api.get(URL, {"days": days})
    assert response.status_code == 400
    assert response.json()["success"] is False and "days" in response.json()["errors"]


@pytest.mark.parametrize("script", ["999999", "0", "abc", "99999999999999999999"])
def test_an_unknown_script_is_a_400_naming_it(api, registry, script):
    response = api.get(URL, {"script": script})
    assert response.status_code == 400 and "script" in response.json()["errors"]


def test_it_needs_a_signed_in_user(client, db):
    assert client.get(URL).status_code in (401, 403)


def test_the_trailing_slash_is_optional(api, registry):
    assert api.get(URL + "/").json()["data"] == expected(14)


@pytest.mark.django_db(transaction=True)
def test_it_stays_exact_when_runs_move_change_status_and_go_with_their_script(api, registry):
    alpha, beta = registry
    run = ScriptExecution.objects.filter(script=alpha, status=Status.ERROR).get()
    run.started_at = NOON - timedelta(days=3)
    run.save()
    ScriptExecution.objects.filter(script=beta, status=Status.RUNNING).update(status=Status.SUCCESS)
    assert api.get(URL).json()["data"] == expected(14)
    beta.delete()
    assert api.get(URL).json()["data"] == expected(14)
    assert api.get(URL, {"days": 90}).json()["data"] == expected(90)


def test_it_is_in_the_openapi_schema(api, db):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/dashboard/history/"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {"days", "script"}
