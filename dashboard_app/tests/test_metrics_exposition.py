"""What GET /metrics says: the four counters as gauges, today's runs per status, when computed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import NOON_IN_SEOUL, fresh_counts
from dashboard_app.api import prometheus as metrics
from dashboard_app.counters import stats
from scripts_app.models import Status

pytestmark = pytest.mark.usefixtures("noon_in_seoul")


@pytest.fixture(autouse=True)
def metrics_token(settings):
    settings.METRICS_TOKEN = "scrape-token"


def scraped(client, accept: str | None = None) -> dict[str, object]:
    headers = {"Authorization": "Bearer scrape-token"}
    if accept:
        headers["Accept"] = accept
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200
    return {family.name: family for family in text_string_to_metric_families(response.content.decode())}


@pytest.fixture
def registry(make_script, make_execution):
    alpha, beta = make_script(), make_script(active=False)
    make_execution(alpha, status=Status.ERROR)
    make_execution(alpha, status=Status.ERROR)
    make_execution(beta, status=Status.SUCCESS)
    make_execution(beta, status=Status.RUNNING)
    make_execution(beta, status=Status.ERROR, started_at=NOON_IN_SEOUL - timedelta(days=1))  # yesterday


def value(family) -> float:
    (sample,) = family.samples
    return sample.value


def test_the_four_counters_are_gauges_with_the_cached_values(client, registry):
    families = scraped(client)
    expected = fresh_counts()
    assert expected == {
        "total_scripts": 2,
        "today_executions": 4,
        "today_failed_scripts": 1,
        "inactive_scripts": 1,
    }
    for key, (name, _help) in metrics.GAUGES.items():
        assert families[name].type == "gauge"
        assert value(families[name]) == expected[key], name


def test_every_counter_has_a_gauge_and_no_gauge_is_named_like_a_counter():
    assert set(metrics.GAUGES) == set(stats.KEYS)
    names = [name for name, _help in metrics.GAUGES.values()]
    names += [metrics.RUNS_BY_STATUS, metrics.COMPUTED_AT, metrics.FROM_CACHE]
    assert all(name.startswith("workflow_") and not name.endswith("_total") for name in names)


def test_todays_runs_are_broken_down_by_status_with_zeros(client, registry):
    family = scraped(client)[metrics.RUNS_BY_STATUS]
    assert family.type == "gauge"
    assert {sample.labels["status"]: sample.value for sample in family.samples} == {
        "running": 1,
        "success": 1,
        "error": 2,
        "cancelled": 0,
    }


def test_it_says_when_the_counters_were_computed_and_whether_they_came_from_the_cache(client, registry):
    stats.refresh_stats()
    families = scraped(client)
    assert value(families[metrics.COMPUTED_AT]) == NOON_IN_SEOUL.timestamp()
    assert value(families[metrics.FROM_CACHE]) == 1


def test_a_scrape_after_a_write_shows_the_write(client, registry, make_script):
    scraped(client)
    make_script(active=False)
    families = scraped(client)
    assert value(families["workflow_scripts"]) == 3
    assert value(families["workflow_scripts_inactive"]) == 2


def test_openmetrics_is_served_to_a_scraper_that_asks_for_it(client, registry):
    response = client.get(
        "/metrics",
        headers={
            "Authorization": "Bearer scrape-token",
            "Accept": "application/openmetrics-text; version=1.0.0",
        },
    )
    assert response["Content-Type"].startswith("application/openmetrics-text")
    text = response.content.decode()
    assert text.endswith("# EOF\n")
    assert "# UNIT workflow_dashboard_computed_timestamp_seconds seconds" in text


def test_the_prometheus_text_format_is_the_default(client, db):
    response = client.get("/metrics", headers={"Authorization": "Bearer scrape-token"})
    assert response["Content-Type"].startswith("text/plain; version=")
    assert response["Cache-Control"] == "no-store"


def test_a_warm_scrape_costs_a_cached_read_and_two_small_queries(
    client, registry, django_assert_max_num_queries
):
    scraped(client)  # stores the counters
    with django_assert_max_num_queries(4):  # the cached read (at most 2), runs per status, scripts per state
        families = scraped(client)
    assert value(families[metrics.FROM_CACHE]) == 1
