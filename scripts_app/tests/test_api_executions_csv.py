"""GET /api/executions/ as CSV: the whole filtered list, streamed, in local time, formulas defused."""

from __future__ import annotations

import csv
import io
import tracemalloc
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import NOON_IN_SEOUL, at
from scripts_app.api.csv_export import COLUMNS, defused
from scripts_app.models import ScriptExecution, Status

pytestmark = pytest.mark.usefixtures("noon_in_seoul")

URL = "/api/executions/"


def exported(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames) == COLUMNS
    return list(reader)


@pytest.fixture
def runs(make_script, make_execution):
    alpha, beta = make_script(name="alpha"), make_script(name="beta")
    make_execution(
        alpha,
        status=Status.ERROR,
        started_at=at("2026-11-26 09:00", "Asia/Seoul"),
        completed_at=at("2026-11-26 09:00:01.500", "Asia/Seoul"),
        error_message="disk full",
    )
    make_execution(alpha, status=Status.SUCCESS, started_at=at("2026-11-25 23:59:59", "Asia/Seoul"))
    make_execution(beta, status=Status.RUNNING, started_at=at("2026-11-26 00:00", "Asia/Seoul"))
    return alpha, beta


@pytest.mark.parametrize(
    ("query", "headers"),
    [({"format": "csv"}, {}), ({}, {"HTTP_ACCEPT": "text/csv"})],
    ids=["?format=csv", "Accept: text/csv"],
)
def test_the_list_exports_as_csv(api, runs, query, headers):
    response = api.get(URL, query, **headers)
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="executions.csv"'
    rows = exported(response)
    alpha, _beta = runs
    assert [row["status"] for row in rows] == ["error", "running", "success"]  # newest first, as the list
    assert rows[0] == {
        "id": str(ScriptExecution.objects.get(status=Status.ERROR).pk),
        "script": str(alpha.pk),
        "script_name": "alpha",
        "status": "error",
        "started_at": "2026-11-26T09:00:00+09:00",
        "completed_at": "2026-11-26T09:00:01.500000+09:00",
        "duration_ms": "1500",
        "error_message": "disk full",
    }
    assert (rows[1]["completed_at"], rows[1]["duration_ms"]) == ("", "")


def test_times_are_written_in_the_configured_zone(api, runs, settings):
    settings.TIME_ZONE = "America/Santiago"
    rows = exported(api.get(URL, {"format": "csv"}))
    assert rows[0]["started_at"] == "2026-11-25T21:00:00-03:00"


@pytest.mark.parametrize(
    ("query", "statuses"),
    [
        ({"status": "error"}, ["error"]),
        ({"date": "2026-11-26"}, ["error", "running"]),
        ({"date": "2026-11-25"}, ["success"]),
        ({"status": "success", "date": "2026-11-26"}, []),
    ],
)
def test_it_exports_what_the_filters_select(api, runs, query, statuses):
    assert [row["status"] for row in exported(api.get(URL, {**query, "format": "csv"}))] == statuses


def test_it_filters_by_script(api, runs):
    _alpha, beta = runs
    assert [row["script_name"] for row in exported(api.get(URL, {"script": beta.pk, "format": "csv"}))] == [
        "beta"
    ]


def test_it_exports_the_whole_list_not_a_page(api, make_script):
    script = make_script()
    ScriptExecution.objects.bulk_create(
        [ScriptExecution(script=script, status=Status.SUCCESS) for _ in range(1234)]
    )
    assert api.get(URL).json()["count"] == 1234
    assert len(exported(api.get(URL, {"format": "csv", "page": 2, "page_size": 10}))) == 1234


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("exit 3: =not at the start", "exit 3: =not at the start"),
        ("", ""),
    ],
)
def test_cells_a_spreadsheet_would_run_are_defused(api, make_script, make_execution, text, cell):
    assert defused(text) == cell
    make_execution(make_script(name=text or "plain"), status=Status.ERROR, error_message=text)
    (row,) = exported(api.get(URL, {"format": "csv"}))
    assert row["error_message"] == cell
    assert row["script_name"] == (cell or "plain")


def test_a_bad_filter_is_a_400_in_json_naming_it(api, runs):
    response = api.get(URL, {"date": "26/11/2026", "format": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "date" in response.json()
    response = api.get(URL, {"status": "exploded"}, HTTP_ACCEPT="text/csv")
    assert response.status_code == 400 and "status" in response.json()


def test_anonymous_callers_get_no_csv(client, runs):
    response = client.get(URL, {"format": "csv"})
    assert response.status_code == 401
    assert b"disk full" not in response.content


def test_only_the_list_speaks_csv(api, runs):
    run = ScriptExecution.objects.first()
    assert api.get(f"{URL}{run.pk}/", HTTP_ACCEPT="text/csv").status_code == 406
    assert api.get(f"{URL}{run.pk}/", {"format": "csv"}).status_code == 404


def test_the_header_row_leaves_before_the_query_runs(api, runs):
    response = api.get(URL, {"format": "csv"})
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as queries:
        first = next(chunks)
    assert first.decode().startswith("id,script,script_name,")
    assert len(queries) == 0
    rest = b"".join(chunks).decode()
    assert rest.count("\r\n") == 3


def peak_memory_while_streaming(api, rows: int, make_script) -> int:
    script = make_script()
    started = NOON_IN_SEOUL - timedelta(days=1)
    ScriptExecution.objects.bulk_create(
        [
            ScriptExecution(script=script, status=Status.ERROR, started_at=started, error_message="x" * 100)
            for _ in range(rows)
        ],
        batch_size=1000,
    )
    response = api.get(URL, {"format": "csv", "script": script.pk})
    tracemalloc.start()
    try:
        written = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written == rows + 1
    return peak


def test_memory_stays_flat_as_the_export_grows(api, make_script):
    small = peak_memory_while_streaming(api, 3_000, make_script)
    large = peak_memory_while_streaming(api, 30_000, make_script)
    # Ten times the rows; a list held in memory would need about ten times the peak.
    assert large < 2 * small
