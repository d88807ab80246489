"""prune_notifications: the log's old deliveries that are over go, in batches; pending ones,
and everything newer than the cutoff, stay."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command

from conftest import at
from dashboard_app.alerts.tables import Channel, Notification, Status

pytestmark = pytest.mark.django_db

NOW = at("2026-11-26 12:00", "Asia/Seoul")


@pytest.fixture(autouse=True)
def frozen(seoul):
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def log(make_script) -> dict[str, Notification]:
    channel = Channel.objects.create(name="ops", kind="webhook", target="https://alerts.example.com/hook")
    script = make_script(name="nightly")
    written = {}
    for name, days_ago, status in [
        ("old delivered", 40, Status.DELIVERED),
        ("old failed", 31, Status.FAILED),
        ("old pending", 45, Status.PENDING),  # still owed: stays whatever its age
        ("recent delivered", 29, Status.DELIVERED),
        ("recent failed", 1, Status.FAILED),
    ]:
        written[name] = Notification.objects.create(
            channel=channel, script=script, event="down", status=status,
            created_at=NOW - timedelta(days=days_ago),
        )  # fmt: skip
    return written


def prune(*args: str) -> str:
    out = io.StringIO()
    call_command("prune_notifications", *args, stdout=out)
    return out.getvalue()


def test_it_deletes_old_deliveries_that_are_over_and_keeps_pending_and_recent_ones(log):
    output = prune("--older-than", "30")
    kept = set(Notification.objects.values_list("id", flat=True))
    assert kept == {log[name].pk for name in ("old pending", "recent delivered", "recent failed")}
    assert "Deleted 2 notifications." in output


def test_it_deletes_in_batches_of_the_size_asked(log):
    output = prune("--older-than", "0", "--batch-size", "1")
    assert output.count("  deleted 1 (") == 4
    assert list(Notification.objects.values_list("status", flat=True)) == [Status.PENDING]


def test_a_dry_run_counts_and_deletes_nothing(log):
    output = prune("--older-than", "30", "--dry-run")
    assert "Would delete 2 notifications written before 2026-10-27 12:00 KST" in output
    assert Notification.objects.count() == 5


@pytest.mark.parametrize(
    "args, message",
    [
        (["--older-than", "-1"], "--older-than must be 0 or more days, not -1."),
        (["--older-than", "30", "--batch-size", "0"], "--batch-size must be at least 1, not 0."),
    ],
)
def test_bad_arguments_are_named_and_nothing_is_deleted(log, args, message):
    with pytest.raises(CommandError, match=message):
        prune(*args)
    assert Notification.objects.count() == 5
