"""The executions list as CSV, streamed: GET /api/executions/ with Accept: text/csv or ?format=csv.

The header row goes out before the query runs, then the rows in batches as
the database hands them over (`.iterator(chunk_size=...)`, a server-side
cursor on PostgreSQL), so the first byte leaves at once and memory stays flat
however many rows match. Times are written in TIME_ZONE with their offset.
Text a spreadsheet would run as a formula is defused (OWASP, "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from scripts_app.dates import local_zone
from scripts_app.models import ScriptExecution

COLUMNS = (
    "id",
    "script",
    "script_name",
    "status",
    "started_at",
    "completed_at",
    "duration_ms",
    "error_message",
)
FIELDS = ("id", "script_id", "script__name", "status", "started_at", "completed_at", "error_message")
CHUNK_ROWS = 2000  # rows fetched from the database at a time
ROWS_PER_WRITE = 500  # rows handed to the server at a time
# What spreadsheets read as the start of a formula (OWASP: = + - @, tab, carriage return).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CSVRenderer(BaseRenderer):
    """Lets content negotiation pick CSV for the executions list, which then streams itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        raise NotImplementedError("The executions list streams its CSV itself (csv_response).")


def defused(text: str) -> str:
    """A leading apostrophe makes spreadsheets show the cell as text instead of running it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(executions: QuerySet[ScriptExecution]) -> StreamingHttpResponse:
    return StreamingHttpResponse(
        csv_chunks(executions),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="executions.csv"',
            # Proxies such as nginx would otherwise hold the stream back.
            "X-Accel-Buffering": "no",
        },
    )


def csv_chunks(executions: QuerySet[ScriptExecution]) -> Iterator[str]:
    yield _lines([COLUMNS])
    rows = executions.values_list(*FIELDS).iterator(chunk_size=CHUNK_ROWS)
    batch = []
    for row in rows:
        batch.append(_cells(*row))
        if len(batch) == ROWS_PER_WRITE:
            yield _lines(batch)
            batch = []
    if batch:
        yield _lines(batch)


def _cells(
    pk: int,
    script_id: int,
    script_name: str,
    status: str,
    started_at: datetime,
    completed_at: datetime | None,
    error_message: str,
) -> tuple:
    zone = local_zone()
    duration_ms = (
        round((completed_at - started_at).total_seconds() * 1000) if completed_at is not None else ""
    )
    return (
        pk,
        script_id,
        defused(script_name),
        status,
        started_at.astimezone(zone).isoformat(),
        completed_at.astimezone(zone).isoformat() if completed_at is not None else "",
        duration_ms,
        defused(error_message),
    )


def _lines(rows: Iterable[tuple]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()
