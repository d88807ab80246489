"""The executions page links to the CSV export of what it lists, filters included."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest

from scripts_app.models import Status

pytestmark = pytest.mark.django_db


def export_link(response) -> str | None:
    match = re.search(r'<a href="([^"]+)" download data-export-csv>([^<]+)</a>', response.content.decode())
    return (html.unescape(match[1]), match[2]) if match else None


def test_the_link_carries_the_current_filters(admin_client, make_script, make_execution):
    script = make_script()
    make_execution(script, status=Status.ERROR)
    make_execution(script, status=Status.SUCCESS)
    href, text = export_link(admin_client.get(f"/executions/?script={script.pk}&status=error&page=1"))
    assert text == "Export CSV"
    assert href == f"/api/executions/?script={script.pk}&status=error&format=csv"

    rows = list(csv.DictReader(io.StringIO(b"".join(admin_client.get(href).streaming_content).decode())))
    assert [row["status"] for row in rows] == ["error"]


def test_without_filters_it_exports_everything(admin_client, db):
    assert export_link(admin_client.get("/executions/"))[0] == "/api/executions/?format=csv"


def test_filters_the_page_cannot_read_offer_no_export(admin_client, db):
    assert export_link(admin_client.get("/executions/?date=not-a-date")) is None


def test_the_link_speaks_korean(admin_client, db):
    assert export_link(admin_client.get("/executions/", HTTP_ACCEPT_LANGUAGE="ko"))[1] == "CSV로 내보내기"
