"""Who may read GET /metrics: the scrape token, a permitted user, nobody else."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from conftest import user_with
from dashboard_app.counters import stats

TOKEN = "a-long-random-scrape-token-for-tests-0123456789"


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client, **headers):
    return client.get("/metrics", headers=headers)


def test_the_scrape_token_reads_the_metrics(client, db, metrics_token):
    response = scrape(client, Authorization=f"Bearer {metrics_token}")
    assert response.status_code == 200
    assert b"workflow_scripts " in response.content


def test_the_bearer_scheme_is_case_insensitive(client, db, metrics_token):
    assert scrape(client, Authorization=f"bearer {metrics_token}").status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong", f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x", f"Token {TOKEN}", TOKEN, "Bearer "],
)
def test_anyone_without_the_token_gets_401_while_one_is_configured(client, db, metrics_token, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = scrape(client, **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"workflow_" not in response.content


def test_without_a_configured_token_the_endpoint_is_hidden_from_anonymous_callers(client, db, settings):
    settings.METRICS_TOKEN = ""
    assert scrape(client).status_code == 404
    assert scrape(client, Authorization="Bearer ").status_code == 404
    assert scrape(client, Authorization="Bearer anything").status_code == 404


@pytest.mark.parametrize("configured", ["", TOKEN])
def test_a_signed_in_user_with_the_view_permission_reads_them(client, db, settings, configured):
    settings.METRICS_TOKEN = configured
    client.force_login(user_with("watcher", "view_dashboardstat"))
    response = scrape(client)
    assert response.status_code == 200
    assert b"workflow_executions_today " in response.content


def test_a_superuser_reads_them(admin_client):
    assert scrape(admin_client).status_code == 200


@pytest.mark.parametrize("configured", ["", TOKEN])
def test_a_signed_in_user_without_the_permission_gets_403(client, viewer, settings, configured):
    settings.METRICS_TOKEN = configured
    client.force_login(viewer)
    response = scrape(client)
    assert response.status_code == 403
    assert b"dashboard_app.view_dashboardstat" in response.content


def test_only_get_and_head_are_answered(client, db, metrics_token):
    auth = {"Authorization": f"Bearer {metrics_token}"}
    assert client.head("/metrics", headers=auth).status_code == 200
    assert client.post("/metrics", headers=auth).status_code == 405
    assert client.post("/metrics").status_code == 401  # refused before the method is looked at


def test_an_unreachable_database_is_a_503_not_a_traceback(client, db, metrics_token, monkeypatch):
    def unreachable(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(stats, "get_stats", unreachable)
    response = scrape(client, Authorization=f"Bearer {metrics_token}")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"could not connect" not in response.content
