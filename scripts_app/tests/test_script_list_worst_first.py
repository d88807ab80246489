"""Scripts worst first, a page at a time (/scripts/?sort=failures|success_rate and the API's):
the failed scripts most failures first, or the lowest 7-day success rates first, then the
others in execution order; each page's health computed for its rows only, the same from the
rollup as from the executions."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scripts_app import run_history
from scripts_app.models import Script, State, Status

pytestmark = pytest.mark.usefixtures("noon_in_seoul")

# name, execution order, failed runs today
SCRIPTS = [("a", 5, 0), ("b", 1, 2), ("c", 3, 5), ("d", 2, 0), ("e", 4, 2), ("f", 0, 0), ("g", 9, 1)]
EXPECTED = ["c", "b", "e", "g", "f", "d", "a"]  # failures desc, ties by id; then execution order


@pytest.fixture
def scripts(make_script, make_execution):
    made = {}
    for name, order, failures in SCRIPTS:
        made[name] = script = make_script(name=name, execution_order=order)
        make_execution(script, status=Status.SUCCESS)
        for _ in range(failures):
            make_execution(script, status=Status.ERROR)
    return made


def api_names(api, page_size: int) -> tuple[list[str], int, list[dict]]:
    names, count, items, page = [], None, [], 1
    while True:
        body = api.get("/api/scripts/", {"sort": "failures", "page_size": page_size, "page": page}).json()
        count = body["count"]
        items += body["results"]
        names += [item["name"] for item in body["results"]]
        if not body["next"]:
            return names, count, items
        page += 1


@pytest.mark.parametrize("page_size", [1, 2, 3, 4, 50])
def test_the_api_pages_through_failed_scripts_then_the_others(api, scripts, page_size):
    names, count, items = api_names(api, page_size)
    assert names == EXPECTED
    assert count == len(SCRIPTS)
    failures = {name: failed for name, _, failed in SCRIPTS}
    assert all(item["health"]["failures_today"] == failures[item["name"]] for item in items)


def test_the_page_lists_the_same_order(admin_client, scripts):
    html = admin_client.get("/scripts/?sort=failures").content.decode()
    assert re.findall(r'<a id="script-name-\d+" href="/scripts/\d+/">([^<]+)</a>', html) == EXPECTED


def test_counted_from_the_executions_it_is_the_same_order(api, scripts, monkeypatch):
    monkeypatch.setattr(run_history, "_registered", None)  # as while the rollup cannot be trusted
    assert api_names(api, 3)[0] == EXPECTED


def test_a_filter_sorts_the_filtered_scripts(api, scripts):
    scripts["c"].active = False
    scripts["c"].save()
    body = api.get("/api/scripts/", {"sort": "failures", "active": "true"}).json()
    assert [item["name"] for item in body["results"]][:3] == ["b", "e", "g"]


def test_a_page_costs_the_same_queries_with_ten_times_the_scripts(api, make_script, make_execution):
    def queries_for_a_page() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/scripts/", {"sort": "failures", "page_size": 5}).status_code == 200
        return [query["sql"] for query in queries]

    for n in range(8):
        script = make_script(name=f"few-{n}")
        make_execution(script, status=Status.ERROR if n % 2 else Status.SUCCESS)
    queries_for_a_page()  # (a first request reads what later ones keep)
    few = queries_for_a_page()
    for n in range(72):  # the page still shows the 4 failed scripts, then one other
        make_execution(make_script(name=f"many-{n}"), status=Status.SUCCESS)
    many = queries_for_a_page()
    assert len(many) == len(few)
    # The health of the page's 5 scripts only, read by id.
    (page_read,) = [sql for sql in many if "recent_statuses" in sql]
    assert re.search(r'WHERE "scripts"."id" IN \(\d+, \d+, \d+, \d+, \d+\)', page_read)
    # Unfiltered, the failed scripts are counted by the day's totals, not row by row.
    assert not [sql for sql in many if "COUNT(" in sql and "dashboard_daily_runs" in sql]


# name, execution order, (successes, failures, cancelled) in the week (all today), running today
RATED = [
    ("never", 0, (0, 0, 0), 0),
    ("half", 4, (1, 1, 0), 0),
    ("perfect", 3, (3, 0, 0), 0),
    ("broken", 6, (0, 2, 0), 0),
    ("still-running", 1, (0, 0, 0), 1),
    ("half-more-failures", 5, (2, 2, 0), 0),
    ("cancelled", 2, (1, 0, 1), 0),
]
# rate asc (ties: more failures today first, then id); then no rate, in execution order
EXPECTED_BY_RATE = ["broken", "half-more-failures", "half", "cancelled", "perfect", "never", "still-running"]


@pytest.fixture
def rated(make_script, make_execution):
    for name, order, (succeeded, failed, cancelled), running in RATED:
        script = make_script(name=name, execution_order=order)
        for status, number in (
            (Status.SUCCESS, succeeded),
            (Status.ERROR, failed),
            (Status.CANCELLED, cancelled),
            (Status.RUNNING, running),
        ):
            for _ in range(number):
                make_execution(script, status=status)


def rate_names(api, page_size: int) -> tuple[list[str], int]:
    names, page = [], 1
    while True:
        body = api.get("/api/scripts/", {"sort": "success_rate", "page_size": page_size, "page": page}).json()
        names += [item["name"] for item in body["results"]]
        if not body["next"]:
            return names, body["count"]
        page += 1


@pytest.mark.parametrize("page_size", [1, 2, 5, 50])
def test_the_api_pages_through_the_lowest_rates_then_the_unrated(api, rated, page_size):
    assert rate_names(api, page_size) == (EXPECTED_BY_RATE, len(RATED))


def test_a_page_the_rated_scripts_fill_or_end_in_does_not_count_them(api, rated):
    def counts_of_rated_scripts(page: int) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            query = {"sort": "success_rate", "page_size": 2, "page": page}
            assert api.get("/api/scripts/", query).status_code == 200
        rollup = ("dashboard_daily_runs", "dashboard_week_rates")
        return [q["sql"] for q in queries if "COUNT(" in q["sql"] and any(t in q["sql"] for t in rollup)]

    # 5 rated scripts: pages 1 and 2 are full of them, page 3 holds the last and an unrated one.
    assert counts_of_rated_scripts(1) == counts_of_rated_scripts(3) == []
    # A page past them all asks how many there are, to know where the unrated ones start.
    assert len(counts_of_rated_scripts(4)) == 1


def test_the_page_lists_the_lowest_rates_first(admin_client, rated):
    html = admin_client.get("/scripts/?sort=success_rate").content.decode()
    assert re.findall(r'<a id="script-name-\d+" href="/scripts/\d+/">([^<]+)</a>', html) == EXPECTED_BY_RATE


def test_counted_from_the_executions_the_rates_order_the_same(api, rated, monkeypatch):
    monkeypatch.setattr(run_history, "_registered", None)
    assert rate_names(api, 2)[0] == EXPECTED_BY_RATE


def filtered_names(api, sort: str, page_size: int, **filters: str) -> tuple[list[str], int]:
    names, page = [], 1
    while True:
        query = {"sort": sort, "page_size": page_size, "page": page, **filters}
        body = api.get("/api/scripts/", query).json()
        names += [item["name"] for item in body["results"]]
        if not body["next"]:
            return names, body["count"]
        page += 1


@pytest.mark.parametrize("source", ["rollup", "executions"])
@pytest.mark.parametrize("page_size", [1, 2, 50])
def test_a_filtered_list_pages_worst_first_through_the_scripts_it_keeps(
    api, scripts, monkeypatch, source, page_size
):
    if source == "executions":
        monkeypatch.setattr(run_history, "_registered", None)
    for name in ("c", "d", "f"):
        scripts[name].active = False
        scripts[name].save()
    kept = [name for name in EXPECTED if name not in ("c", "d", "f")]  # the same order, without them
    assert filtered_names(api, "failures", page_size, active="true") == (kept, len(kept))
    # A name's text, in any case: of a to g only "a" holds an a.
    assert filtered_names(api, "failures", page_size, search="A") == (["a"], 1)
    inactive = [name for name in EXPECTED if name in ("c", "d", "f")]
    assert filtered_names(api, "failures", page_size, active="false") == (inactive, 3)


@pytest.mark.parametrize("source", ["rollup", "executions"])
def test_a_filtered_list_by_rate_keeps_the_order_of_the_whole(api, rated, monkeypatch, source):
    if source == "executions":
        monkeypatch.setattr(run_history, "_registered", None)
    keep = {"broken", "half", "perfect", "never"}
    Script.objects.exclude(name__in=keep).update(active=False)
    expected = [name for name in EXPECTED_BY_RATE if name in keep]
    assert filtered_names(api, "success_rate", 2, active="true") == (expected, len(expected))


def test_the_page_sorts_the_scripts_of_a_state_worst_first(admin_client, scripts):
    Script.objects.filter(name__in=["b", "g", "f"]).update(state=State.LATE)
    html = admin_client.get("/scripts/?state=late&sort=failures").content.decode()
    assert re.findall(r'<a id="script-name-\d+" href="/scripts/\d+/">([^<]+)</a>', html) == ["b", "g", "f"]


def test_a_filtered_page_costs_the_same_queries_with_ten_times_the_scripts(api, make_script, make_execution):
    def queries_for_a_page() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            query = {"sort": "failures", "page_size": 5, "active": "true"}
            assert api.get("/api/scripts/", query).status_code == 200
        return [query["sql"] for query in queries]

    for n in range(8):
        script = make_script(name=f"few-{n}")
        make_execution(script, status=Status.ERROR if n % 2 else Status.SUCCESS)
    queries_for_a_page()
    few = queries_for_a_page()
    for n in range(72):
        make_execution(make_script(name=f"many-{n}"), status=Status.SUCCESS)
    many = queries_for_a_page()
    assert len(many) == len(few)
    (page_read,) = [sql for sql in many if "recent_statuses" in sql]
    assert re.search(r'WHERE "scripts"."id" IN \(\d+, \d+, \d+, \d+, \d+\)', page_read)


def test_an_unknown_filter_value_with_a_sort_is_a_400_naming_it(api, scripts):
    response = api.get("/api/scripts/", {"sort": "failures", "state": "sideways"})
    assert response.status_code == 400
    assert "state" in response.json()
