"""A guard on PostgreSQL: the sender's statements read the notifications by index, never by a
scan of the whole log, which keeps every delivered notification until it is pruned. Its pass
runs every few seconds; a scan there would grow with the log. Skipped on SQLite."""

from __future__ import annotations

import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboard_app.alerts import sender
from dashboard_app.alerts.tables import Channel, Notification
from dashboard_app.tests import receivers
from dashboard_app.tests.plans import sequential_scans
from scripts_app.models import ScriptExecution, Status

http_receiver = receivers.http_receiver

pytestmark = pytest.mark.django_db

LOG = Notification._meta.db_table


@pytest.fixture(autouse=True)
def postgresql(settings):
    if connection.vendor != "postgresql":
        pytest.skip("a guard of PostgreSQL's plans (DATABASE_URL=postgres://…)")
    settings.ALERTS_ALLOW_PRIVATE_ADDRESSES = True
    settings.ALERTS_SUMMARY_AT = 3


def goes_down(script) -> None:
    ScriptExecution.objects.create(script=script, status=Status.ERROR, error_message="disk full")


def test_a_senders_passes_read_the_notifications_by_index(http_receiver, make_script):
    channel = Channel.objects.create(name="hook", kind="webhook", target=http_receiver.url())
    delivered = [Notification(channel=channel, event="down", status="delivered") for _ in range(300)]
    Notification.objects.bulk_create(delivered)
    scripts = [make_script(name=f"job-{n}") for n in range(3)]
    http_receiver.fail(1)

    with CaptureQueriesContext(connection) as queries, time_machine.travel(timezone.now()) as clock:
        goes_down(scripts[0])
        sender.send_due()  # fails once: recorded for a retry
        clock.shift(sender.FIRST_RETRY.total_seconds() + 1)  # within the storm window
        sender.send_due()  # delivered
        goes_down(scripts[1])
        goes_down(scripts[2])
        held = sender.send_due()  # three scripts in a window: a storm, held for a summary
        sender._release(uuid.uuid4(), "default")

    assert held.held == 2
    statements = [q["sql"] for q in queries if LOG in q["sql"] and not q["sql"].startswith("INSERT")]
    scanned = [f"{found}\n  {sql}" for sql in statements for found in sequential_scans(sql, LOG)]
    assert len(statements) >= 10  # claims, leases, outcomes, the storm's reads, a hold, a release
    assert scanned == [], f"Seq Scan on {LOG}: " + "\n".join(scanned)


def test_the_guard_sees_a_sequential_scan_of_the_log():
    assert sequential_scans(f"SELECT count(*) FROM {LOG} WHERE last_error LIKE '%refused%'", LOG)
