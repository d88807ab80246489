"""The executions page's script filter: a search over /api/scripts/?search=, never a <select> of
every script; ?script=<id> alone filters and shows the chosen script's name."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scripts_app.models import Script

pytestmark = pytest.mark.django_db


def rows(response) -> int:
    return len(re.findall(r"<tr data-item[ >]", response.content.decode()))


def test_the_page_filters_by_the_chosen_id_and_shows_its_name(admin_client, make_script, make_execution):
    backup, report = make_script(name="nightly-backup"), make_script(name="report")
    make_execution(backup)
    make_execution(report)
    response = admin_client.get(f"/executions/?script={backup.pk}")
    html = response.content.decode()
    assert rows(response) == 1
    assert f'<input type="hidden" name="script" value="{backup.pk}"' in html
    assert 'id="id_script_search" value="nightly-backup"' in html


def test_the_page_does_not_draw_the_scripts(admin_client, make_script):
    for n in range(30):
        make_script(name=f"script-{n}")
    html = admin_client.get("/executions/").content.decode()
    form = html[html.index('<form method="get" class="filters"') :]
    statuses = 1 + 4  # "any status" and the four
    assert len(re.findall("<option", form[: form.index("</form>")])) == statuses
    assert "script-7" not in html
    assert 'id="id_script_search" value=""' in html


def test_the_page_reads_no_list_of_scripts(admin_client, make_script):
    chosen = make_script(name="chosen")
    for n in range(5):
        make_script(name=f"other-{n}")
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(f"/executions/?script={chosen.pk}")
    reads = [q["sql"] for q in queries if 'FROM "scripts"' in q["sql"] and "JOIN" not in q["sql"]]
    assert len(reads) == 1 and "LIMIT 1" in reads[0]


@pytest.mark.parametrize("value", ["abc", "0", "-3", "999999", "99999999999999999999999"])
def test_an_unknown_script_is_explained_and_lists_nothing(admin_client, make_execution, value):
    make_execution()
    response = admin_client.get(f"/executions/?script={value}")
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert rows(response) == 0


def test_the_api_searches_names_in_any_case(api, make_script):
    for name in ["Nightly-Backup", "weekly-backup", "report"]:
        make_script(name=name)
    body = api.get("/api/scripts/?search=BACKUP&page_size=10").json()
    assert body["count"] == 2
    assert sorted(script["name"] for script in body["results"]) == ["Nightly-Backup", "weekly-backup"]
    assert api.get("/api/scripts/?search=").json()["count"] == Script.objects.count()


def test_a_search_too_long_is_a_400_naming_the_field(api):
    response = api.get("/api/scripts/?search=" + "x" * 201)
    assert response.status_code == 400
    assert "search" in response.json()
