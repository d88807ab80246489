"""The scripts and executions changelists at many scripts: no query per row, and no count of
the whole table beside a filtered list's count."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scripts_app.models import Status

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "/admin/scripts_app/script/",
    "/admin/scripts_app/script/?active__exact=1",
    "/admin/scripts_app/script/?state__exact=up",
    "/admin/scripts_app/scriptexecution/",
    "/admin/scripts_app/scriptexecution/?status__exact=error",
]


def queries_of(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in queries]


def add_scripts(make_script, make_execution, first: int, last: int) -> None:
    for n in range(first, last):
        script = make_script(name=f"script-{n:03d}", execution_order=n % 7)
        make_execution(script, status=Status.ERROR if n % 3 == 0 else Status.SUCCESS)


@pytest.mark.parametrize("path", CHANGELISTS)
def test_a_changelist_costs_the_same_queries_at_ten_times_the_scripts(
    admin_client, make_script, make_execution, path
):
    add_scripts(make_script, make_execution, 0, 12)
    queries_of(admin_client, path)  # (a first request reads what later ones keep)
    few = queries_of(admin_client, path)
    add_scripts(make_script, make_execution, 12, 120)
    many = queries_of(admin_client, path)
    assert len(many) == len(few), "\n".join(many)


@pytest.mark.parametrize("path", [p for p in CHANGELISTS if "?" in p])
def test_a_filtered_changelist_does_not_count_the_whole_table(
    admin_client, make_script, make_execution, path
):
    add_scripts(make_script, make_execution, 0, 12)
    table = "scripts" if "/script/" in path else "script_executions"
    counts = [sql for sql in queries_of(admin_client, path) if re.search(r"COUNT\(\*\)", sql, re.I)]
    unfiltered = [sql for sql in counts if re.search(rf'FROM "{table}"\s*$', sql.strip())]
    assert unfiltered == [], counts
