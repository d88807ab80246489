"""The apprise channel: a json:// apprise URL delivering to a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import logging

import pytest

from dashboard_app.alerts.channels import deliver, describe_target
from dashboard_app.tests import receivers
from dashboard_app.tests.receivers import Answer, alert_event, free_port

http_receiver = receivers.http_receiver

PASSWORD = "apprise-password-4711"
TOKEN = "tok3n-in-the-path-9f8e7d"
HEADER_SECRET = "header-secret-a1b2c3"
SECRETS = (PASSWORD, TOKEN, HEADER_SECRET)


@pytest.fixture(autouse=True)
def receivers_on_loopback_are_allowed(settings):
    settings.ALERTS_ALLOW_PRIVATE_ADDRESSES = True


def url_of(receiver) -> str:
    return f"json://alerts:{PASSWORD}@127.0.0.1:{receiver.port}/hook/{TOKEN}?+X-Token={HEADER_SECRET}"


def send(url: str, timeout: float = 5.0, **event_fields):
    return deliver("apprise", url, "", alert_event(**event_fields), timeout=timeout)


def test_a_json_url_delivers_the_event_to_the_receiver(http_receiver):
    outcome = send(f"json://127.0.0.1:{http_receiver.port}/hook")

    assert (outcome.delivered, outcome.status, outcome.error) == (True, "apprise success", "")
    [request] = http_receiver.requests
    body = json.loads(request.body)
    assert body["title"] == "nightly-backup is down"
    assert "The run at 02:00 failed." in body["message"]
    assert body["type"] == "failure"


def test_a_recovery_is_sent_as_a_success(http_receiver):
    send(f"json://127.0.0.1:{http_receiver.port}/hook", kind="up", reason="It ran.")

    assert json.loads(http_receiver.requests[0].body)["type"] == "success"


def test_a_failure_is_recorded_with_what_apprise_said(http_receiver):
    http_receiver.fail(1)

    outcome = send(f"json://127.0.0.1:{http_receiver.port}/hook")

    assert (outcome.delivered, outcome.status) == (False, "apprise failure")
    assert "error=500" in outcome.error


def test_a_slow_receiver_times_out(http_receiver):
    http_receiver.answer(Answer(delay=60))

    outcome = send(f"json://127.0.0.1:{http_receiver.port}/hook", timeout=0.5)

    assert not outcome.delivered
    assert outcome.status in {"apprise timeout", "apprise failure"}


def test_the_url_never_appears_in_the_outcome_or_the_logs(http_receiver, caplog):
    caplog.set_level(1)  # everything, apprise's TRACE and urllib3's DEBUG included
    http_receiver.fail(1)

    outcomes = [send(url_of(http_receiver)), send(url_of(http_receiver))]
    unreachable = send(f"json://alerts:{PASSWORD}@127.0.0.1:{free_port()}/hook/{TOKEN}")

    assert [o.delivered for o in outcomes] == [False, True]
    # The secrets are real: the receiver got them.
    request = http_receiver.requests[-1]
    assert request.path == f"/hook/{TOKEN}" and request.headers["X-Token"] == HEADER_SECRET
    assert base64.b64decode(request.headers["Authorization"].split()[1]) == f"alerts:{PASSWORD}".encode()
    # And apprise did log, at length.
    assert "JSON" in caplog.text and len(caplog.records) > 10
    shown = [o.status + o.error for o in [*outcomes, unreachable]] + [caplog.text]
    shown += [record.getMessage() for record in caplog.records]
    for secret in SECRETS:
        assert not any(secret in text for text in shown), secret


def test_an_unsupported_service_is_refused_without_showing_its_url(caplog):
    caplog.set_level(logging.DEBUG)

    outcome = send("mailto://alerts:" + PASSWORD + "@mail.example.com")

    assert (outcome.delivered, outcome.status) == (False, "")
    assert "not supported" in outcome.error
    assert PASSWORD not in outcome.error + caplog.text


def test_a_url_apprise_cannot_read_is_refused():
    outcome = send(f"nosuchservice://{TOKEN}")

    assert not outcome.delivered
    assert "apprise cannot read this URL" in outcome.error and TOKEN not in outcome.error


def test_pages_are_shown_the_service_name_only():
    assert describe_target("apprise", f"tgram://{TOKEN}/12345") == "tgram://…"
