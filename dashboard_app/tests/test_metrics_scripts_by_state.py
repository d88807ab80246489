"""GET /metrics: workflow_scripts_by_state, one gauge per state (zeros included), counted in one
GROUP BY query."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from scripts_app.models import State, Status
from scripts_app.monitoring.attention import scripts_per_state

pytestmark = pytest.mark.usefixtures("noon_in_seoul")


@pytest.fixture(autouse=True)
def metrics_token(settings):
    settings.METRICS_TOKEN = "scrape-token"


def by_state(client) -> dict[str, float]:
    response = client.get("/metrics", headers={"Authorization": "Bearer scrape-token"})
    assert response.status_code == 200
    (family,) = [
        family
        for family in text_string_to_metric_families(response.content.decode())
        if family.name == "workflow_scripts_by_state"
    ]
    assert family.type == "gauge"
    return {sample.labels["state"]: sample.value for sample in family.samples}


def test_every_state_is_there_with_zeros_on_an_empty_registry(client, db):
    assert by_state(client) == {"new": 0, "up": 0, "late": 0, "down": 0, "paused": 0}


def test_it_counts_the_scripts_in_each_state(client, make_script, make_execution):
    for _ in range(2):
        make_execution(make_script(), status=Status.ERROR)
    make_script(schedule="0 2 * * *")
    make_script(active=False)
    make_execution(make_script(), status=Status.SUCCESS)
    make_script()
    assert by_state(client) == {"new": 1, "up": 2, "late": 0, "down": 2, "paused": 1}


def test_the_count_is_one_query(make_script, django_assert_num_queries):
    make_script(), make_script(), make_script(active=False)
    with django_assert_num_queries(1):
        counts = scripts_per_state()
    assert sum(counts.values()) == 3 and set(counts) == set(State.values)
