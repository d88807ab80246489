"""/api/executions/ over the HTTP stack, and a runner's whole flow."""

from datetime import datetime, timedelta

import pytest

from conftest import NOON_IN_SEOUL as NOON
from conftest import at
from scripts_app.models import ScriptExecution, Status

pytestmark = pytest.mark.usefixtures("noon_in_seoul")


def test_a_runner_records_a_run_and_the_cached_stats_follow(api, make_script):
    script = make_script()
    assert api.get("/api/dashboard/stats").json()["data"]["today_failed_scripts"] == 0
    assert api.get("/api/dashboard/stats").json()["meta"]["source"] == "cache"

    started = api.post("/api/executions/", {"script": script.pk, "status": "running"}, format="json")
    assert started.status_code == 201
    run = started.json()
    assert (run["completed_at"], run["duration_ms"]) == (None, None)
    assert api.get("/api/dashboard/stats").json()["data"]["today_executions"] == 1

    ended = api.patch(
        f"/api/executions/{run['id']}/", {"status": "error", "error_message": "exit 3"}, format="json"
    )
    assert ended.status_code == 200
    assert ended.json()["completed_at"] is not None  # the end, when the runner does not say
    stats = api.get("/api/dashboard/stats").json()
    assert stats["data"]["today_failed_scripts"] == 1
    assert stats["data"]["today_executions"] == 1


def test_create_with_explicit_times_reports_the_duration(api, make_script):
    script = make_script()
    body = api.post(
        "/api/executions/",
        {
            "script": script.pk,
            "status": "success",
            "started_at": "2026-11-26T10:00:00+09:00",
            "completed_at": "2026-11-26T10:00:01.250+09:00",
        },
        format="json",
    ).json()
    assert body["duration_ms"] == 1250
    assert body["script_name"] == script.name


def test_a_naive_datetime_is_read_in_the_configured_zone(api, make_script):
    script = make_script()
    body = api.post(
        "/api/executions/",
        {"script": script.pk, "status": "success", "started_at": "2026-11-26T00:30:00"},
        format="json",
    ).json()
    stored = ScriptExecution.objects.get(pk=body["id"]).started_at
    assert stored == at("2026-11-26 00:30", "Asia/Seoul")
    assert datetime.fromisoformat(body["started_at"]).utcoffset() == timedelta(hours=9)


def test_started_at_defaults_to_now(api, make_script):
    body = api.post(
        "/api/executions/", {"script": make_script().pk, "status": "success"}, format="json"
    ).json()
    assert datetime.fromisoformat(body["started_at"]) == NOON


def test_retrieve_and_delete(api, make_execution):
    run = make_execution(status=Status.ERROR)
    assert api.get(f"/api/executions/{run.pk}/").json()["status"] == "error"
    assert api.delete(f"/api/executions/{run.pk}/").status_code == 204
    assert api.get("/api/dashboard/stats").json()["data"]["today_failed_scripts"] == 0


def test_put_is_not_offered(api, make_execution):
    run = make_execution()
    assert api.put(f"/api/executions/{run.pk}/", {}, format="json").status_code == 405


def test_filters_by_script_status_and_local_date(api, make_script, make_execution):
    alpha, beta = make_script(), make_script()
    make_execution(alpha, status=Status.ERROR)
    make_execution(alpha, status=Status.SUCCESS)
    make_execution(beta, status=Status.ERROR)
    make_execution(alpha, status=Status.ERROR, started_at=at("2026-11-25 23:59:59", "Asia/Seoul"))
    make_execution(alpha, status=Status.ERROR, started_at=at("2026-11-26 00:00:00", "Asia/Seoul"))

    def count(**params) -> int:
        response = api.get("/api/executions/", params)
        assert response.status_code == 200
        return response.json()["count"]

    assert count(script=alpha.pk) == 4
    assert count(status="error") == 4
    assert count(date="2026-11-26") == 4
    assert count(date="2026-11-25") == 1
    assert count(script=alpha.pk, status="error", date="2026-11-26") == 2


def test_a_running_execution_cannot_be_given_a_completion_time(api, make_execution):
    run = make_execution(status=Status.RUNNING)
    response = api.patch(f"/api/executions/{run.pk}/", {"completed_at": NOON.isoformat()}, format="json")
    assert response.status_code == 400
    assert "completed_at" in response.json()


def test_patching_back_to_running_clears_nothing_silently(api, make_execution):
    run = make_execution(status=Status.SUCCESS, completed_at=NOON)
    response = api.patch(f"/api/executions/{run.pk}/", {"status": "running"}, format="json")
    assert response.status_code == 400
    ok = api.patch(f"/api/executions/{run.pk}/", {"status": "running", "completed_at": None}, format="json")
    assert ok.status_code == 200
