"""scripts_app/page_text.py: a page's repeated links and dates, worked out once a page, write
exactly what `reverse()` and Django's `date` filter write for each row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template.defaultfilters import date as date_filter
from django.test import override_settings
from django.urls import reverse, set_script_prefix
from django.utils import timezone, translation

from scripts_app.page_text import local_datetimes, script_page_urls

IDS = (1, 7, 10, 987654321987, 2**40)


def test_a_script_page_url_is_what_reverse_gives_for_every_id():
    url = script_page_urls()
    assert [url(script_id) for script_id in IDS] == [reverse("script-page", args=[i]) for i in IDS]


def test_a_script_page_url_keeps_a_prefix_that_holds_digits():
    set_script_prefix("/team987654321987/")
    try:
        url = script_page_urls()
        assert url(42) == "/team987654321987/scripts/42/" == reverse("script-page", args=[42])
    finally:
        set_script_prefix("/")


def shown(instant: datetime) -> str:
    """What a template's `{{ instant|date:"DATETIME_FORMAT" }}` shows (in the current zone)."""
    return date_filter(timezone.localtime(instant), "DATETIME_FORMAT")


def instants_of_one_busy_minute_and_the_next() -> list[datetime]:
    start = datetime(2026, 11, 26, 14, 30, tzinfo=UTC)
    return [start + timedelta(seconds=seconds) for seconds in (0, 1, 29, 59, 60, 61, 3600)]


@pytest.mark.parametrize("language", ["en", "ko", "bs"])
def test_dates_are_written_as_the_date_filter_writes_them(language):
    with translation.override(language), timezone.override(ZoneInfo("Asia/Seoul")):
        written = local_datetimes()
        instants = instants_of_one_busy_minute_and_the_next()
        assert [written(i) for i in instants] == [shown(i) for i in instants]


@override_settings(DATETIME_FORMAT="Y-m-d H:i:s")
def test_a_format_with_seconds_writes_each_second():
    # Interlingua has no format module of its own: Django takes the settings' format.
    with translation.override("ia"):
        written = local_datetimes()
        texts = [written(i) for i in instants_of_one_busy_minute_and_the_next()]
    assert texts[:4] == [
        "2026-11-26 14:30:00",
        "2026-11-26 14:30:01",
        "2026-11-26 14:30:29",
        "2026-11-26 14:30:59",
    ]


def test_the_two_same_minutes_of_a_night_the_clocks_go_back_are_written_as_django_writes_them():
    # 2026-11-01 01:30 happens twice in New York (EDT, then EST an hour later), two instants
    # and so two entries. Bosnian's DATETIME_FORMAT ends with the zone's name (T), which
    # Django leaves out in an hour that happens twice.
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    second = first + timedelta(hours=1)
    with translation.override("bs"), timezone.override(ZoneInfo("America/New_York")):
        written = local_datetimes()
        assert [written(first), written(second)] == [shown(first), shown(second)]
        assert written(first - timedelta(hours=1)) == shown(first - timedelta(hours=1))
        assert shown(first - timedelta(hours=1)).endswith("EDT")


@override_settings(DATETIME_FORMAT="Y-m-d H:i:s U")
def test_the_two_same_seconds_of_a_night_the_clocks_go_back_are_two_instants():
    first = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    second = first + timedelta(hours=1)
    with translation.override("ia"), timezone.override(ZoneInfo("America/New_York")):
        written = local_datetimes()
        assert [written(first), written(second)] == [
            "2026-11-01 01:30:00 1793511000",
            "2026-11-01 01:30:00 1793514600",
        ]
