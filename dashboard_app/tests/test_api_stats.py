"""GET /api/dashboard/stats over the HTTP stack."""

import pytest
from django.db import OperationalError

from dashboard_app.counters import stats
from scripts_app.models import Status

pytestmark = pytest.mark.usefixtures("noon_in_seoul")


@pytest.mark.parametrize("path", ["/api/dashboard/stats", "/api/dashboard/stats/"])
def test_stats_answer_with_and_without_the_trailing_slash(api, make_execution, path):
    make_execution(status=Status.ERROR)
    response = api.get(path)
    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "message": "Dashboard statistics loaded.",
        "data": {
            "total_scripts": 1,
            "today_executions": 1,
            "today_failed_scripts": 1,
            "inactive_scripts": 0,
        },
        "meta": {
            "date": "2026-11-26",
            "time_zone": "Asia/Seoul",
            "computed_at": "2026-11-26T12:00:00+09:00",
            "source": "live",
        },
    }


def test_the_second_read_comes_from_the_cache(api, make_script):
    make_script()
    assert api.get("/api/dashboard/stats").json()["meta"]["source"] == "live"
    assert api.get("/api/dashboard/stats").json()["meta"]["source"] == "cache"


@pytest.mark.parametrize("value", ["false", "0", "FALSE", "False"])
def test_use_cache_false_recomputes(api, make_script, value):
    make_script()
    api.get("/api/dashboard/stats")
    body = api.get("/api/dashboard/stats", {"use_cache": value}).json()
    assert body["meta"]["source"] == "live"


@pytest.mark.parametrize("value", ["true", "1", "True"])
def test_use_cache_true_is_the_default_behaviour(api, make_script, value):
    make_script()
    api.get("/api/dashboard/stats")
    assert api.get("/api/dashboard/stats", {"use_cache": value}).json()["meta"]["source"] == "cache"


@pytest.mark.parametrize("value", ["yes", "", "2", "maybe", "\x00"])
def test_any_other_use_cache_value_is_a_400_in_the_envelope(api, value):
    response = api.get("/api/dashboard/stats", {"use_cache": value})
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False
    assert "use_cache" in body["errors"]
    assert body["message"]


def test_anonymous_gets_401_in_the_envelope(client, db):
    response = client.get("/api/dashboard/stats")
    assert response.status_code == 401
    assert response.json()["success"] is False
    assert response["WWW-Authenticate"] == "Token"


def test_a_session_user_can_read_the_stats(client, viewer):
    client.force_login(viewer)
    assert client.get("/api/dashboard/stats").json()["success"] is True


def test_an_unreachable_database_is_a_503_in_the_envelope(api, monkeypatch):
    def unreachable(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(stats, "get_stats", unreachable)
    response = api.get("/api/dashboard/stats")
    assert response.status_code == 503
    body = response.json()
    assert body["success"] is False
    assert "could not connect" not in body["message"]  # no internals leak
