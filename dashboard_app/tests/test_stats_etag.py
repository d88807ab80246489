"""GET /api/dashboard/stats sends an ETag and answers If-None-Match with 304 while the answer is unchanged."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import NOON_IN_SEOUL
from dashboard_app.counters import stats
from dashboard_app.counters.etag import copy_is_current, stats_etag
from dashboard_app.counters.stats import Stats

pytestmark = pytest.mark.usefixtures("noon_in_seoul")

URL = "/api/dashboard/stats"


@pytest.fixture
def warm(make_script):
    make_script()
    stats.refresh_stats()


def test_an_answer_carries_a_weak_etag_and_asks_browsers_to_revalidate(api, warm):
    response = api.get(URL)
    assert response.status_code == 200
    assert response["ETag"].startswith('W/"') and response["ETag"].endswith('"')
    assert response["Cache-Control"] == "private, no-cache"


def test_an_unchanged_answer_is_a_304_with_the_same_etag_and_no_body(api, warm):
    etag = api.get(URL)["ETag"]
    response = api.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "private, no-cache"


def test_a_write_changes_the_etag_and_the_next_poll_gets_the_numbers(api, warm, make_script):
    etag = api.get(URL)["ETag"]
    make_script()
    response = api.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["data"]["total_scripts"] == 2
    assert response["ETag"] != etag


@pytest.mark.parametrize(
    "header",
    ["{tag}", '"something-else", {tag}', "{strong}", "*"],
    ids=["the tag", "in a list", "the strong form (weak comparison)", "any"],
)
def test_if_none_match_is_compared_as_http_says(api, warm, header):
    etag = api.get(URL)["ETag"]
    header = header.format(tag=etag, strong=etag.removeprefix("W/"))
    assert api.get(URL, HTTP_IF_NONE_MATCH=header).status_code == 304


@pytest.mark.parametrize("header", ["", '"other"', 'W/"other"', "not a tag", "W/", '"unterminated'])
def test_any_other_if_none_match_gets_the_full_answer(api, warm, header):
    response = api.get(URL, HTTP_IF_NONE_MATCH=header)
    assert response.status_code == 200
    assert response.json()["success"] is True


def test_the_same_counters_in_another_language_have_the_same_weak_etag(api, warm):
    english = api.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    korean = api.get(URL, HTTP_ACCEPT_LANGUAGE="ko")
    assert english.json()["message"] != korean.json()["message"]
    assert english["ETag"] == korean["ETag"]
    assert api.get(URL, HTTP_ACCEPT_LANGUAGE="ko", HTTP_IF_NONE_MATCH=english["ETag"]).status_code == 304


def test_a_304_costs_the_queries_of_a_cached_read_and_no_more(api, warm):
    etag = api.get(URL)["ETag"]
    with CaptureQueriesContext(connection) as full:
        assert api.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as revalidated:
        assert api.get(URL, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(revalidated) == len(full)


def test_a_bad_request_carries_no_etag(api, warm):
    response = api.get(URL, {"use_cache": "maybe"})
    assert response.status_code == 400
    assert "ETag" not in response


def test_the_day_rolling_over_changes_the_etag(api, warm, noon_in_seoul):
    etag = api.get(URL)["ETag"]
    noon_in_seoul.move_to(NOON_IN_SEOUL + timedelta(hours=12))
    response = api.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["meta"]["date"] == "2026-11-27"


BASE = Stats(
    values={key: 1 for key in stats.KEYS},
    day=date(2026, 11, 26),
    time_zone="Asia/Seoul",
    computed_at=NOON_IN_SEOUL,
    source="cache",
)


@pytest.mark.parametrize(
    "change",
    [
        {"values": {**BASE.values, stats.TODAY_FAILED_SCRIPTS: 2}},
        {"day": date(2026, 11, 27)},
        {"time_zone": "Europe/Berlin"},
        {"computed_at": NOON_IN_SEOUL + timedelta(seconds=1)},
        {"source": "live"},
    ],
    ids=["a value", "the day", "the zone", "computed_at", "the source"],
)
def test_everything_the_answer_says_is_in_the_etag(change):
    assert stats_etag(dataclasses.replace(BASE, **change)) != stats_etag(BASE)


def test_what_the_answer_does_not_show_is_not_in_the_etag():
    # The response shows computed_at to the second.
    later = dataclasses.replace(BASE, computed_at=NOON_IN_SEOUL + timedelta(microseconds=5))
    assert stats_etag(later) == stats_etag(BASE)


def test_no_header_is_no_match():
    assert copy_is_current(None, stats_etag(BASE)) is False
