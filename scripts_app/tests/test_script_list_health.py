"""/scripts/ and GET /api/scripts/: each script's last results, runs and failures today and
7-day success rate, sortable worst first."""

from __future__ import annotations

import re

import pytest

from scripts_app.models import Script, Status
from scripts_app.tests.test_script_health import expected_health

pytestmark = pytest.mark.usefixtures("noon_in_seoul")


@pytest.fixture
def scripts(make_script, make_execution):
    calm, flaky, broken = make_script(name="calm"), make_script(name="flaky"), make_script(name="broken")
    make_script(name="new")
    for n in range(12):
        make_execution(calm, status=Status.SUCCESS)
        make_execution(flaky, status=Status.ERROR if n % 3 == 0 else Status.SUCCESS)
        make_execution(broken, status=Status.ERROR if n % 4 else Status.CANCELLED)
    return calm, flaky, broken


def names_in(html: str) -> list[str]:
    return re.findall(r'<a id="script-name-\d+" href="/scripts/\d+/">([^<]+)</a>', html)


def test_each_row_shows_the_scripts_health(admin_client, scripts):
    html = admin_client.get("/scripts/").content.decode()
    for script in scripts:
        truth = expected_health(script)
        row = re.search(rf'<tr data-script="{script.pk}".*?</tr>', html, re.S).group(0)
        assert f'data-runs-today="{truth["runs_today"]}"' in row
        assert f'data-failures-today="{truth["failures_today"]}"' in row
        assert f'data-success-rate="{truth["success_rate"]}"' in row
        assert f'data-results="{" ".join(truth["recent"])}"' in row
        assert len(re.findall(r'class="result result-', row)) == 10


@pytest.mark.parametrize(("sort", "order"), [
    ("failures", ["broken", "flaky", "calm", "new"]),
    ("success_rate", ["broken", "flaky", "calm", "new"]),
    (None, ["calm", "flaky", "broken", "new"]),
])  # fmt: skip
def test_the_page_sorts_the_worst_scripts_first(admin_client, scripts, sort, order):
    html = admin_client.get("/scripts/", {"sort": sort} if sort else {}).content.decode()
    assert names_in(html) == order


def test_the_api_gives_each_script_its_health(api, scripts):
    results = {item["name"]: item for item in api.get("/api/scripts/").json()["results"]}
    for script in scripts:
        truth = expected_health(script)
        assert results[script.name]["health"] == {
            "runs_today": truth["runs_today"],
            "failures_today": truth["failures_today"],
            "success_rate_7d": truth["success_rate"],
            "recent_results": truth["recent"],
        }
    assert results["new"]["health"]["success_rate_7d"] is None


def test_the_api_sorts_worst_first_and_refuses_an_unknown_sort(api, scripts):
    names = [item["name"] for item in api.get("/api/scripts/", {"sort": "success_rate"}).json()["results"]]
    assert names == ["broken", "flaky", "calm", "new"]
    response = api.get("/api/scripts/", {"sort": "best"})
    assert response.status_code == 400 and "sort" in response.json()


def test_a_script_written_through_the_api_comes_back_with_its_health(api, db):
    created = api.post("/api/scripts/", {"name": "fresh"}, format="json").json()
    assert created["health"] == {
        "runs_today": 0,
        "failures_today": 0,
        "success_rate_7d": None,
        "recent_results": [],
    }
    toggled = api.post(f"/api/scripts/{created['id']}/toggle-active/").json()
    assert toggled["active"] is False and toggled["health"]["runs_today"] == 0
    assert Script.objects.get(pk=created["id"]).active is False


def test_the_list_costs_the_same_queries_for_4_scripts_or_40(
    admin_client, scripts, make_script, django_assert_max_num_queries
):
    admin_client.get("/scripts/")  # the first read of a new zone rebuilds the rollup
    with django_assert_max_num_queries(6):
        admin_client.get("/scripts/")
    for n in range(36):
        make_script(name=f"more-{n}")
    with django_assert_max_num_queries(6):
        admin_client.get("/scripts/")
