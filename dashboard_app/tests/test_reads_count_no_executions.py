"""No page, list or API read counts the executions table: counts come from the rollup.

Counting (or listing the distinct days of) a million executions to draw a page
is what made reads grow with history. Every read a user makes is checked for
statements that aggregate over script_executions; the counts they show are
still exact.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import NOON_IN_SEOUL as NOON
from dashboard_app.counters import stats
from scripts_app.models import Script, ScriptExecution, Status

pytestmark = pytest.mark.usefixtures("noon_in_seoul")

TODAY = NOON.date().isoformat()
COUNTING = re.compile(r"\b(COUNT|SUM|DISTINCT|MIN|MAX)\b.*\bscript_executions\b", re.S | re.I)


@pytest.fixture
def registry(db):
    scripts = [Script.objects.create(name=f"s{i}", active=i % 4 != 0) for i in range(6)]
    ScriptExecution.objects.bulk_create(
        ScriptExecution(
            script=scripts[n % 6],
            status=[Status.SUCCESS, Status.ERROR, Status.CANCELLED, Status.RUNNING][n % 4],
            started_at=NOON - timedelta(hours=n),
        )
        for n in range(120)
    )
    stats.get_stats()  # a warm cache
    return scripts


def counting_statements(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return [
        query["sql"]
        for query in captured.captured_queries
        # A subquery that reads one script's latest runs (LIMIT) scans no table.
        if COUNTING.search(query["sql"].replace('"', "").split(" LIMIT ")[0])
    ]


PAGES = [
    "/",
    *(f"/counters/{key}/" for key in stats.KEYS),
    "/scripts/",
    "/executions/",
    f"/executions/?status=error&date={TODAY}",
    "/api/scripts/",
    "/api/executions/",
    f"/api/executions/?status=error&date={TODAY}&script=1",
    "/api/dashboard/stats",
]
ADMIN = [
    "/admin/scripts_app/script/",
    "/admin/scripts_app/script/?active__exact=0",
    "/admin/scripts_app/scriptexecution/",
    "/admin/scripts_app/scriptexecution/?status__exact=error",
    f"/admin/scripts_app/scriptexecution/?started_at__gte={TODAY}+00%3A00%3A00%2B09%3A00"
    "&started_at__lt=2026-11-27+00%3A00%3A00%2B09%3A00",
    "/admin/scripts_app/scriptexecution/?started_at__year=2026&started_at__month=11",
    "/admin/scripts_app/scriptexecution/?started_at__year=2026&started_at__month=11&started_at__day=25",
]


@pytest.mark.parametrize("path", PAGES + ADMIN)
def test_reading_never_counts_the_executions_table(admin_client, registry, path):
    assert counting_statements(admin_client, path) == []


def test_the_admin_counts_match_the_table(admin_client, registry):
    html = admin_client.get("/admin/scripts_app/scriptexecution/?status__exact=error").content.decode()
    assert f"{ScriptExecution.objects.filter(status=Status.ERROR).count()} script executions" in html
    html = admin_client.get(
        "/admin/scripts_app/scriptexecution/?started_at__year=2026&started_at__month=11&started_at__day=26"
    ).content.decode()
    today = ScriptExecution.objects.started_on(NOON.date()).count()
    assert f"{today} script executions" in html


def test_the_admin_date_hierarchy_lists_the_days_django_would(admin_client, registry):
    html = admin_client.get("/admin/scripts_app/scriptexecution/?status__exact=error").content.decode()
    days_listed = re.findall(r"started_at__day=(\d+)", html)
    expected = {
        str(instant.day)
        for instant in ScriptExecution.objects.filter(status=Status.ERROR).datetimes("started_at", "day")
    }
    assert set(days_listed) == expected


def test_a_search_in_the_admin_counts_as_django_does(admin_client, registry):
    html = admin_client.get("/admin/scripts_app/scriptexecution/?q=s1").content.decode()
    assert f"{ScriptExecution.objects.filter(script__name='s1').count()} script executions" in html


def test_the_api_and_the_page_report_the_true_count(admin_client, registry):
    expected = ScriptExecution.objects.filter(status=Status.ERROR).started_on(NOON.date()).count()
    api = admin_client.get(f"/api/executions/?status=error&date={TODAY}").json()
    assert api["count"] == expected == len(api["results"])
    page = admin_client.get(f"/executions/?status=error&date={TODAY}").content.decode()
    assert f'data-item-count="{expected}"' in page
