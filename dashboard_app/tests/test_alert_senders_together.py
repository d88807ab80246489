"""Senders as real processes: two at once deliver each notification once, and a sender killed
in the middle of a delivery loses nothing (the event goes out again, with the same id)."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from dashboard_app.alerts import sender
from dashboard_app.alerts.tables import Channel, Notification
from dashboard_app.tests import receivers
from dashboard_app.tests.concurrency import Worker, midday_zone, start_together
from dashboard_app.tests.receivers import Answer
from scripts_app.models import Script

http_receiver = receivers.http_receiver

pytestmark = pytest.mark.django_db(transaction=True)

QUEUED = 1000
on_a_file_database = pytest.mark.skipif(
    connection.vendor == "sqlite" and "memory" in str(connection.settings_dict["NAME"]),
    reason="SQLite file database only",
)


@pytest.fixture
def senders_environment(monkeypatch, settings):
    monkeypatch.setenv("ALERTS_ALLOW_PRIVATE_ADDRESSES", "1")
    settings.ALERTS_ALLOW_PRIVATE_ADDRESSES = True
    settings.TIME_ZONE = midday_zone()


def queue(channel: Channel, count: int) -> list[Notification]:
    names = [Script(name=f"job-{n:04}") for n in range(count)]
    scripts = Script.objects.bulk_create(names)
    rows = [Notification(channel=channel, script=script, event="down", state="down") for script in scripts]
    return Notification.objects.bulk_create(rows)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only (set DATABASE_URL=postgres://...)")
def test_two_senders_on_postgresql_deliver_each_of_a_thousand_notifications_once(
    http_receiver, senders_environment, monkeypatch, settings
):
    monkeypatch.setenv("ALERTS_SUMMARY_AT", str(QUEUED + 1))  # one request per notification
    channel = Channel.objects.create(name="hook", kind="webhook", target=http_receiver.url())
    queued = queue(channel, QUEUED)

    senders = [Worker("send_alerts", 25, time_zone=settings.TIME_ZONE, cache_ttl=300) for _ in range(2)]
    try:
        start_together(senders)
        reports = [worker.finish() for worker in senders]
    finally:
        for worker in senders:
            worker.kill()

    per_id = Counter(request.headers["X-Workflow-Event-Id"] for request in http_receiver.requests)
    assert set(per_id) == {str(row.event_id) for row in queued}
    assert set(per_id.values()) == {1}
    assert sum(report["delivered"] for report in reports) == QUEUED
    assert all(report["delivered"] > 0 for report in reports), "one sender did all the work"
    assert Notification.objects.filter(status="delivered", attempts=1).count() == QUEUED
    print(f"\n[senders] delivered per sender: {[report['delivered'] for report in reports]}")


@on_a_file_database
def test_a_sender_killed_mid_delivery_leaves_the_event_to_the_next_one(
    http_receiver, senders_environment, settings
):
    channel = Channel.objects.create(name="hook", kind="webhook", target=http_receiver.url())
    [row] = queue(channel, 1)
    http_receiver.answer(Answer(delay=60))  # the first delivery hangs ...

    killed = Worker("send_alerts", 25, time_zone=settings.TIME_ZONE, cache_ttl=300)
    try:
        start_together([killed])
        _wait_for(lambda: http_receiver.requests)
    finally:
        killed.kill()  # ... and its sender is killed meanwhile

    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0) and row.claimed_until is not None
    assert sender.send_due().claimed == 0  # its lease still holds
    done = sender.send_due(now=timezone.now() + sender.LEASE + timedelta(seconds=1))

    assert done.delivered == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_status) == ("delivered", 1, "HTTP 200")
    ids = {request.headers["X-Workflow-Event-Id"] for request in http_receiver.requests}
    assert ids == {str(row.event_id)} and len(http_receiver.requests) == 2


def _wait_for(condition, seconds: float = 30.0) -> None:
    pause = threading.Event()
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        pause.wait(0.05)
    raise AssertionError("the receiver never got there")
