"""What one alert event says, as a webhook body and as a message."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from dashboard_app.alerts.event import channel_test_event
from dashboard_app.tests.receivers import alert_event

SEOUL = timezone(timedelta(hours=9))


def test_times_in_the_body_are_utc_whatever_zone_they_were_given_in():
    body = json.loads(alert_event(at=datetime(2026, 11, 26, 11, 0, tzinfo=SEOUL)).as_json_body())

    assert body["at"] == "2026-11-26T02:00:00+00:00"


def test_the_body_is_the_same_bytes_every_time():
    # The signature covers the exact bytes: a retry must send, and sign, the same body.
    assert alert_event().as_json_body() == alert_event().as_json_body()


def test_names_outside_ascii_are_sent_as_utf8():
    body = alert_event(script_name="야간 백업").as_json_body()

    assert "야간 백업".encode() in body
    assert json.loads(body)["script"]["name"] == "야간 백업"


def test_an_event_without_a_last_run_says_null():
    assert json.loads(alert_event(last_run=None).as_json_body())["last_run"] is None


@pytest.mark.parametrize(
    ("kind", "subject"),
    [
        ("down", "nightly-backup is down"),
        ("up", "nightly-backup is up again"),
        ("stuck", "nightly-backup has a stuck run"),
    ],
)
def test_the_subject_says_what_happened(kind, subject):
    assert alert_event(kind=kind).subject() == subject


def test_a_summary_counts_and_lists_its_scripts():
    scripts = [(1, "a", "down", "missed"), (2, "b", "down", "x")]
    event = alert_event(kind="summary", script_id=None, scripts=scripts)

    assert event.subject() == "2 scripts need attention"
    assert "- a (down): missed" in event.text() and "- b (down): x" in event.text()


def test_a_name_with_a_line_break_cannot_break_the_subject_line():
    assert alert_event(script_name="evil\nBcc: everyone@example.com").subject() == (
        "evil Bcc: everyone@example.com is down"
    )


def test_the_text_carries_the_reason_the_last_run_and_the_event_id():
    text = alert_event().text()

    assert "The run at 02:00 failed." in text
    assert "Error: disk full" in text
    assert "6f1c2a52-8e0b-4a8e-9d43-2f6a0c1b7e11" in text


def test_a_channel_test_has_a_fresh_id_and_no_script():
    first, second = channel_test_event(datetime.now(UTC)), channel_test_event(datetime.now(UTC))

    assert first.id != second.id
    assert json.loads(first.as_json_body())["script"] is None
    assert first.subject() == "Test alert from the workflow dashboard"


@pytest.mark.parametrize(
    "fields",
    [{"id": "not-a-uuid"}, {"kind": "exploded"}, {"at": datetime(2026, 11, 26, 2, 0)}],  # noqa: DTZ001
)
def test_an_event_that_makes_no_sense_is_refused(fields):
    with pytest.raises(ValueError):
        alert_event(**fields)
