"""The rows of the counters' lists of scripts (scripts_app/templatetags/script_rows.py): what
each cell shows, escaped, in the reader's language."""

from __future__ import annotations

import re

import pytest
import time_machine

from conftest import at

NOON = at("2026-11-26 12:00", "Asia/Seoul")


def row(html: str, script) -> str:
    found = re.search(rf'<tr data-item><td><a href="/scripts/{script.pk}/">(.*?)</tr>', html)
    assert found, f"no row for script {script.pk}"
    return found.group(0)


@pytest.fixture
def failing(make_script, make_execution, seoul):
    with time_machine.travel(NOON, tick=False):
        script = make_script(name="nightly <backup>", execution_order=3)
        make_execution(
            script, status="error", error_message="old", started_at=at("2026-11-26 08:00", "Asia/Seoul")
        )
        make_execution(
            script,
            status="error",
            error_message="disk <full> & more",
            started_at=at("2026-11-26 09:05", "Asia/Seoul"),
        )
        yield script


def test_a_failed_scripts_row_shows_its_failures_and_last_error(admin_client, failing):
    with time_machine.travel(NOON, tick=False):
        html = admin_client.get("/counters/today_failed_scripts/").content.decode()
    assert row(html, failing) == (
        f'<tr data-item><td><a href="/scripts/{failing.pk}/">nightly &lt;backup&gt;</a></td>'
        "<td>Active</td><td>3</td>"
        '<td data-failed-runs="2">2</td>'
        '<td><time datetime="2026-11-26T00:05:00+00:00">9:05 a.m.</time>: '
        '<span class="error-message">disk &lt;full&gt; &amp; more</span></td></tr>'
    )


def test_an_inactive_scripts_row_has_no_failure_columns(admin_client, make_script):
    script = make_script(name="paused & kept", active=False, execution_order=-1)
    html = admin_client.get("/counters/inactive_scripts/").content.decode()
    assert row(html, script) == (
        f'<tr data-item><td><a href="/scripts/{script.pk}/">paused &amp; kept</a></td>'
        "<td>Inactive</td><td>-1</td></tr>"
    )


def test_a_row_speaks_the_readers_language(admin_client, failing):
    with time_machine.travel(NOON, tick=False):
        html = admin_client.get("/counters/today_failed_scripts/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    cells = row(html, failing)
    assert "<td>활성</td>" in cells
    assert ">오전 9:05</time>" in cells
