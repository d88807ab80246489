"""The webhook channel against a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading

import pytest

from dashboard_app.alerts.channels import deliver
from dashboard_app.alerts.channels.webhook import RESPONSE_LIMIT
from dashboard_app.tests import receivers
from dashboard_app.tests.receivers import Answer, alert_event, free_port

http_receiver = receivers.http_receiver

SECRET = "whsec-correct-horse-battery"
HUGE = 64 * 1024 * 1024


@pytest.fixture(autouse=True)
def receivers_on_loopback_are_allowed(settings):
    settings.ALERTS_ALLOW_PRIVATE_ADDRESSES = True


def send(url: str, secret: str = SECRET, timeout: float = 5.0, **event_fields):
    return deliver("webhook", url, secret, alert_event(**event_fields), timeout=timeout)


def test_it_posts_the_event_as_json_with_its_id_in_a_header(http_receiver):
    outcome = send(http_receiver.url("/hook?team=ops"))

    assert (outcome.delivered, outcome.status, outcome.error) == (True, "HTTP 200", "")
    [request] = http_receiver.requests
    assert (request.method, request.path) == ("POST", "/hook?team=ops")
    assert request.headers["Host"] == f"127.0.0.1:{http_receiver.port}"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-Workflow-Event-Id"] == "6f1c2a52-8e0b-4a8e-9d43-2f6a0c1b7e11"
    assert json.loads(request.body) == {
        "id": "6f1c2a52-8e0b-4a8e-9d43-2f6a0c1b7e11",
        "event": "down",
        "script": {"id": 42, "name": "nightly-backup", "state": "down"},
        "reason": "The run at 02:00 failed.",
        "at": "2026-11-26T02:00:05+00:00",
        "last_run": {
            "status": "error",
            "started_at": "2026-11-26T02:00:00+00:00",
            "completed_at": "2026-11-26T02:00:04+00:00",
            "error_message": "disk full",
        },
    }


def test_a_path_with_spaces_and_hangul_is_sent_escaped(http_receiver):
    outcome = send(http_receiver.url("/hooks/야간 백업?team=a%20b"))

    assert outcome.delivered
    assert http_receiver.requests[0].path == "/hooks/%EC%95%BC%EA%B0%84%20%EB%B0%B1%EC%97%85?team=a%20b"


def test_a_summary_lists_its_scripts(http_receiver):
    scripts = [(1, "a", "down", "missed"), (2, "b", "down", "failed")]
    send(http_receiver.url(), kind="summary", script_id=None, last_run=None, scripts=scripts)

    body = json.loads(http_receiver.requests[0].body)
    assert body["event"] == "summary" and body["script"] is None
    assert body["scripts"] == [
        {"id": 1, "name": "a", "state": "down", "reason": "missed"},
        {"id": 2, "name": "b", "state": "down", "reason": "failed"},
    ]


def test_the_signature_verifies_with_a_few_lines_of_hmac(http_receiver):
    send(http_receiver.url())

    request = http_receiver.requests[0]
    expected = "sha256=" + hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request.headers["X-Workflow-Signature"], expected)
    forged = "sha256=" + hmac.new(b"another secret", request.body, hashlib.sha256).hexdigest()
    assert not hmac.compare_digest(request.headers["X-Workflow-Signature"], forged)


def test_a_channel_without_a_secret_sends_no_signature(http_receiver):
    send(http_receiver.url(), secret="")

    assert "X-Workflow-Signature" not in http_receiver.requests[0].headers


def test_a_500_is_not_delivered_and_records_status_and_error(http_receiver):
    http_receiver.fail(1)

    outcome = send(http_receiver.url())

    assert (outcome.delivered, outcome.status) == (False, "HTTP 500")
    assert "receiver down" in outcome.error
    assert SECRET not in outcome.error


def test_three_500s_then_a_200_deliver_the_same_event_on_the_fourth_attempt(http_receiver):
    http_receiver.fail(3)

    outcomes = [send(http_receiver.url()) for _ in range(4)]

    assert [o.delivered for o in outcomes] == [False, False, False, True]
    assert {r.headers["X-Workflow-Event-Id"] for r in http_receiver.requests} == {alert_event().id}
    assert len({r.body for r in http_receiver.requests}) == 1


def test_a_redirect_is_not_followed(http_receiver):
    http_receiver.answer(Answer(status=301, headers={"Location": http_receiver.url("/elsewhere")}))

    outcome = send(http_receiver.url())

    assert (outcome.delivered, outcome.status) == (False, "HTTP 301")
    assert "redirect" in outcome.error and "/elsewhere" in outcome.error
    assert [r.path for r in http_receiver.requests] == ["/hook"]


def test_a_huge_answer_is_not_read_past_the_limit(http_receiver):
    http_receiver.answer(Answer(status=200, body_size=HUGE))

    outcome = send(http_receiver.url())

    assert outcome.delivered
    _wait_for(lambda: http_receiver.bytes_sent_before_hang_up)
    [sent] = http_receiver.bytes_sent_before_hang_up
    # The receiver could not write it all: we read RESPONSE_LIMIT bytes and hung up
    # (what it did write is what the two sockets' buffers held).
    assert sent is not None and RESPONSE_LIMIT <= sent < HUGE


def test_an_error_quotes_only_the_start_of_a_huge_answer(http_receiver):
    http_receiver.answer(Answer(status=503, body_size=HUGE))

    outcome = send(http_receiver.url())

    assert outcome.status == "HTTP 503"
    assert "xxxx" in outcome.error and len(outcome.error) < 400


def test_a_slow_receiver_times_out(http_receiver):
    http_receiver.answer(Answer(delay=60))

    outcome = send(http_receiver.url(), timeout=0.5)

    assert (outcome.delivered, outcome.status) == (False, "")
    assert "No answer within 0.5 s" in outcome.error


def test_a_receiver_dripping_its_answer_is_cut_off_at_the_deadline(http_receiver):
    # Each byte arrives well inside the socket timeout: only the overall deadline stops it.
    http_receiver.answer(Answer(drip=0.2))

    outcome = send(http_receiver.url(), timeout=1.0)

    assert (outcome.delivered, outcome.status) == (False, "")
    assert "No answer within 1 s" in outcome.error


def test_a_receiver_that_is_not_listening_is_recorded():
    outcome = send(f"http://127.0.0.1:{free_port()}/hook")

    assert (outcome.delivered, outcome.status) == (False, "")
    assert "connection was refused" in outcome.error


def _wait_for(condition, seconds: float = 10.0) -> None:
    done = threading.Event()
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        done.wait(0.02)
    raise AssertionError("the receiver never got there")
