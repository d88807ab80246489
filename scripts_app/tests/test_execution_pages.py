"""The executions page: filters, pagination, duration and error messages."""

from __future__ import annotations

import re

import pytest

from conftest import at
from scripts_app.models import Status

pytestmark = pytest.mark.django_db


def rows(response) -> int:
    return len(re.findall(r"<tr data-item[ >]", response.content.decode()))


@pytest.fixture
def runs(make_script, make_execution, seoul):
    alpha, beta = make_script(name="alpha"), make_script(name="beta")
    make_execution(
        alpha,
        status=Status.ERROR,
        error_message="disk full",
        started_at=at("2026-11-26 00:00", "Asia/Seoul"),
        completed_at=at("2026-11-26 01:02:03", "Asia/Seoul"),
    )
    make_execution(alpha, status=Status.SUCCESS, started_at=at("2026-11-25 23:59:59", "Asia/Seoul"))
    make_execution(beta, status=Status.RUNNING, started_at=at("2026-11-26 08:00", "Asia/Seoul"))
    return alpha, beta


def test_it_lists_every_run_with_its_duration_and_error(admin_client, runs):
    response = admin_client.get("/executions/")
    html = response.content.decode()
    assert rows(response) == 3
    assert "1:02:03" in html and "disk full" in html
    assert "—" in html  # the running one has no duration yet


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=error", 1),
        ("status=running", 1),
        ("date=2026-11-26", 2),
        ("date=2026-11-25", 1),
        ("date=2026-11-24", 0),
    ],
)
def test_it_filters_by_status_and_local_date(admin_client, runs, query, expected):
    assert rows(admin_client.get(f"/executions/?{query}")) == expected


def test_it_filters_by_script(admin_client, runs):
    alpha, _ = runs
    assert rows(admin_client.get(f"/executions/?script={alpha.pk}&status=success")) == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date=26.11.2026", "Enter a date as YYYY-MM-DD."),
        ("status=exploded", "Select a valid choice."),
        ("script=999", "Select a valid choice."),
        ("script=99999999999999999999999", "Select a valid choice."),
        ("date=9999-12-31", "This date is out of range."),
    ],
)
def test_a_filter_it_cannot_read_is_explained_and_lists_nothing(admin_client, runs, query, message):
    response = admin_client.get(f"/executions/?{query}")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert rows(response) == 0


def test_it_pages_by_50_and_keeps_the_filters(admin_client, make_script, make_execution):
    script = make_script()
    for _ in range(51):
        make_execution(script, status=Status.SUCCESS)
    first = admin_client.get("/executions/?status=success")
    assert rows(first) == 50
    assert "?status=success&amp;page=2" in first.content.decode()
    assert rows(admin_client.get("/executions/?status=success&page=2")) == 1


def test_it_needs_a_login(client):
    assert client.get("/executions/").status_code == 302
