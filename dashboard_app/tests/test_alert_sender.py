"""The sender against a real HTTP receiver and a real SMTP server: delivery, retries with
backoff for a day, leases left by a killed sender, order per script, and one summary per
channel in a mass outage."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from dashboard_app.alerts import sender
from dashboard_app.alerts.tables import Channel, Notification
from dashboard_app.tests import receivers
from scripts_app.models import Script, ScriptExecution, Status

http_receiver = receivers.http_receiver
smtp_receiver = receivers.smtp_receiver

pytestmark = pytest.mark.django_db

SECRET = "whsec-sender-test-secret"


@pytest.fixture(autouse=True)
def receivers_on_loopback_are_allowed(settings):
    settings.ALERTS_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def webhook(receiver, **fields) -> Channel:
    return Channel.objects.create(
        name=fields.pop("name", "hook"), kind="webhook", target=receiver.url(), secret=SECRET, **fields
    )


def goes_down(script: Script, error: str = "disk full") -> None:
    ScriptExecution.objects.create(script=script, status=Status.ERROR, error_message=error)


def comes_up(script: Script) -> None:
    ScriptExecution.objects.create(script=script, status=Status.SUCCESS)


def event_ids(receiver) -> list[str]:
    return [request.headers["X-Workflow-Event-Id"] for request in receiver.requests]


def test_a_down_reaches_the_webhook_signed_with_the_script_and_its_last_run(
    http_receiver, make_script, clock
):
    webhook(http_receiver)
    goes_down(make_script(name="nightly-backup"))

    done = sender.send_due()

    assert (done.claimed, done.delivered) == (1, 1)
    [request] = http_receiver.requests
    body = json.loads(request.body)
    row = Notification.objects.get()
    assert body["id"] == str(row.event_id) == request.headers["X-Workflow-Event-Id"]
    assert body["event"] == "down" and body["script"]["name"] == "nightly-backup"
    assert body["script"]["state"] == "down"
    assert "disk full" in body["reason"] and body["last_run"]["error_message"] == "disk full"
    assert request.headers["X-Workflow-Signature"].startswith("sha256=")
    assert (row.status, row.attempts, row.last_status, row.last_error) == ("delivered", 1, "HTTP 200", "")
    assert row.delivered_at == timezone.now() and row.claimed_until is None


def test_three_500s_then_a_200_deliver_once_after_three_logged_failures(
    http_receiver, make_script, clock, caplog
):
    webhook(http_receiver)
    goes_down(make_script())
    http_receiver.fail(3)
    waits = []

    with caplog.at_level(logging.DEBUG, logger="dashboard_app.alerts.sender"):
        for _ in range(4):
            assert sender.send_due().claimed == 1
            row = Notification.objects.get()
            if row.status == "pending":
                waits.append(row.next_attempt_at - timezone.now())
                assert sender.send_due().claimed == 0  # not before its time
                clock.move_to(row.next_attempt_at)

    row = Notification.objects.get()
    assert (row.status, row.attempts, row.last_status) == ("delivered", 4, "HTTP 200")
    assert waits == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert len(http_receiver.requests) == 4 and set(event_ids(http_receiver)) == {str(row.event_id)}
    failures = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(failures) == 3 and all("HTTP 500" in r.getMessage() for r in failures)


def test_a_receiver_that_keeps_failing_is_given_up_a_day_after_the_event(http_receiver, make_script, clock):
    webhook(http_receiver)
    goes_down(make_script())
    http_receiver.fail(100)
    created = Notification.objects.get().created_at

    while Notification.objects.get().status == "pending":
        sender.send_due()
        clock.move_to(Notification.objects.get().next_attempt_at)

    row = Notification.objects.get()
    assert row.status == "failed" and row.last_status == "HTTP 500" and "receiver down" in row.last_error
    assert timezone.now() == created + timedelta(hours=24)
    assert row.attempts == len(http_receiver.requests) < 20


def test_a_claim_abandoned_by_a_killed_sender_is_delivered_after_its_lease(http_receiver, make_script, clock):
    webhook(http_receiver)
    goes_down(make_script())
    [claimed] = sender.claim(uuid.uuid4(), timezone.now())  # ... and the sender dies here

    assert sender.send_due().claimed == 0  # another sender leaves the lease alone
    clock.shift(sender.LEASE + timedelta(seconds=1))
    assert sender.send_due().delivered == 1

    assert event_ids(http_receiver) == [str(claimed.event_id)]


def test_a_scripts_events_go_out_in_order_even_when_the_first_waits_for_a_retry(
    http_receiver, make_script, clock
):
    webhook(http_receiver)
    script = make_script()
    goes_down(script)
    comes_up(script)
    http_receiver.fail(1)

    sender.send_due()  # the down fails; the up must wait behind it
    assert sender.send_due().claimed == 0
    clock.shift(timedelta(seconds=30))
    sender.send_due()
    sender.send_due()

    assert [json.loads(r.body)["event"] for r in http_receiver.requests] == ["down", "down", "up"]
    assert set(Notification.objects.values_list("status", flat=True)) == {"delivered"}


def test_a_hundred_scripts_down_at_once_send_one_summary_per_channel(http_receiver, make_script, clock):
    webhook(http_receiver, name="first")
    webhook(http_receiver, name="second")
    for n in range(100):
        goes_down(make_script(name=f"job-{n:03}"))

    done = sender.send_due()

    assert (done.claimed, done.delivered, done.summaries) == (200, 200, 2)
    assert len(http_receiver.requests) == 2
    for request in http_receiver.requests:
        body = json.loads(request.body)
        assert body["event"] == "summary" and len(body["scripts"]) == 100
        assert body["scripts"][0]["name"] == "job-000"
    summary_ids = set(Notification.objects.values_list("summary_id", flat=True))
    assert {str(i) for i in summary_ids} == set(event_ids(http_receiver))


def test_a_failed_summary_is_retried_with_the_same_event_id(http_receiver, make_script, clock, settings):
    settings.ALERTS_SUMMARY_AT = 3
    webhook(http_receiver)
    for _ in range(3):
        goes_down(make_script())
    http_receiver.fail(1)

    sender.send_due()
    clock.shift(timedelta(seconds=30))
    sender.send_due()

    first, second = event_ids(http_receiver)
    assert first == second
    outcomes = Notification.objects.values_list("attempts", "status").order_by().distinct()
    assert list(outcomes) == [(2, "delivered")]


def test_an_email_channel_gets_the_alert_through_smtp(smtp_receiver, make_script, clock):
    Channel.objects.create(name="mail", kind="email", target="ops@example.com")
    goes_down(make_script(name="nightly-backup"))

    sender.send_due()

    [mail] = smtp_receiver.messages
    assert mail.message["Subject"] == "nightly-backup is down"
    assert Notification.objects.get().last_status == "SMTP 250"


def test_watch_schedules_once_delivers_what_is_due(http_receiver, make_script, clock):
    webhook(http_receiver)
    goes_down(make_script())

    call_command("watch_schedules", "--once", stdout=(out := StringIO()))

    assert "alerts: 1 delivered" in out.getvalue()
    assert len(http_receiver.requests) == 1


def test_send_a_test_delivers_and_logs_it(http_receiver, db):
    channel = webhook(http_receiver)

    row = sender.send_test(channel)

    assert (row.event, row.status, row.attempts, row.last_status) == ("test", "delivered", 1, "HTTP 200")
    assert json.loads(http_receiver.requests[0].body)["event"] == "test"


def test_a_name_that_resolves_to_loopback_is_refused_when_delivering(
    http_receiver, make_script, clock, settings
):
    settings.ALERTS_ALLOW_PRIVATE_ADDRESSES = False
    Channel.objects.create(name="hook", kind="webhook", target=f"http://localhost:{http_receiver.port}/hook")
    goes_down(make_script())

    done = sender.send_due()

    row = Notification.objects.get()
    assert (done.retrying, row.status, row.attempts, row.last_status) == (1, "pending", 1, "")
    assert "localhost (" in row.last_error and "loopback" in row.last_error
    assert http_receiver.requests == []


def test_a_hundred_scripts_down_over_a_minute_send_the_first_alerts_then_one_summary(
    http_receiver, make_script, clock
):
    webhook(http_receiver)
    scripts = [make_script(name=f"job-{n:03}") for n in range(100)]

    for script in scripts:  # one every 0.6 s, a sender pass each time
        goes_down(script)
        sender.send_due()
        clock.shift(timedelta(seconds=0.6))
    for _ in range(70):
        clock.shift(timedelta(seconds=1))
        sender.send_due()

    bodies = [json.loads(request.body) for request in http_receiver.requests]
    assert [body["event"] for body in bodies] == ["down"] * 9 + ["summary"]
    assert [line["name"] for line in bodies[-1]["scripts"]] == [f"job-{n:03}" for n in range(9, 100)]
    assert set(Notification.objects.values_list("status", flat=True)) == {"delivered"}


def test_one_script_flapping_is_not_a_storm(http_receiver, make_script, clock):
    webhook(http_receiver)
    script = make_script()

    for _ in range(10):
        goes_down(script)
        sender.send_due()
        comes_up(script)
        sender.send_due()
        clock.shift(timedelta(seconds=2))

    assert len(http_receiver.requests) == 20
    assert {json.loads(request.body)["event"] for request in http_receiver.requests} == {"down", "up"}
