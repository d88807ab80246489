"""The run table's rows (scripts_app/templatetags/run_rows.py): what each cell shows, escaped,
in the reader's language, and the few columns a list of runs reads to draw them."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import at
from scripts_app.models import Status

pytestmark = pytest.mark.django_db


def row(html: str, run) -> str:
    found = re.search(rf'<tr data-item data-run="{run.pk}">(.*?)</tr>', html)
    assert found, f"no row for run {run.pk}"
    return found.group(1)


@pytest.fixture
def failed(make_script, make_execution, seoul):
    script = make_script(name="nightly <backup>")
    return make_execution(
        script,
        status=Status.ERROR,
        error_message="disk <full> & more",
        started_at=at("2026-11-26 00:00", "Asia/Seoul"),
        completed_at=at("2026-11-26 01:02:03", "Asia/Seoul"),
    )


def test_a_row_links_its_script_and_shows_status_start_duration_and_error(admin_client, failed):
    cells = row(admin_client.get("/executions/").content.decode(), failed)
    assert cells == (
        f'<td><a href="/scripts/{failed.script_id}/">nightly &lt;backup&gt;</a></td>'
        '<td><span class="status status-error">error</span></td>'
        '<td><time datetime="2026-11-25T15:00:00+00:00">Nov. 26, 2026, midnight</time></td>'
        "<td>1:02:03</td>"
        '<td class="error-message">disk &lt;full&gt; &amp; more</td>'
    )


def test_a_row_speaks_the_readers_language(admin_client, failed):
    cells = row(admin_client.get("/executions/", HTTP_ACCEPT_LANGUAGE="ko").content.decode(), failed)
    assert '<span class="status status-error">오류</span>' in cells
    assert "2026년 11월 26일" in cells


def test_only_a_failed_run_shows_an_error_and_a_blank_one_a_dash(admin_client, make_execution, failed):
    blank = make_execution(failed.script, status=Status.ERROR, error_message="")
    cancelled = make_execution(failed.script, status=Status.CANCELLED, error_message="stopped by hand")
    running = make_execution(failed.script, status=Status.RUNNING)
    html = admin_client.get("/executions/").content.decode()
    assert row(html, blank).endswith('<td class="error-message">—</td>')
    assert row(html, cancelled).endswith('<td class="error-message"></td>')
    assert '<td>—</td><td class="error-message"></td>' in row(html, running)  # no duration yet


def test_the_script_page_leaves_the_script_out_of_its_rows(admin_client, failed):
    cells = row(admin_client.get(f"/scripts/{failed.script_id}/").content.decode(), failed)
    assert cells.startswith('<td><span class="status status-error">')
    assert "<a " not in cells


@pytest.mark.parametrize("path", ["/executions/", "/api/executions/", "/counters/today_executions/"])
def test_a_list_of_runs_reads_neither_their_output_nor_the_scripts_other_columns(
    admin_client, make_execution, failed, path
):
    make_execution(failed.script, output="x" * 10_000)
    with CaptureQueriesContext(connection) as captured:
        assert admin_client.get(path).status_code == 200
    listed = [q["sql"] for q in captured if 'FROM "script_executions"' in q["sql"] and "LIMIT" in q["sql"]]
    assert listed, "the list's query was not seen"
    for sql in listed:
        assert '"output"' not in sql and '"scripts"."description"' not in sql, sql
