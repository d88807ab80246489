"""The outbox: the flips that alert write one notification per channel that wants them, in the
flip's own transaction; the per-script threshold decides when a failed run is a "down"."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import transaction

from dashboard_app.alerts.tables import Channel, Notification
from scripts_app.models import Flip, Script, ScriptExecution, State, Status
from scripts_app.monitoring import watcher

pytestmark = pytest.mark.django_db


def channel(name: str = "ops", **fields) -> Channel:
    fields.setdefault("kind", "webhook")
    fields.setdefault("target", "https://alerts.example.com/hook")
    scripts = fields.pop("scripts", [])
    made = Channel.objects.create(name=name, **fields)
    made.scripts.set(scripts)
    return made


def run(script: Script, status: str, **fields) -> ScriptExecution:
    return ScriptExecution.objects.create(script=script, status=status, **fields)


def queued(script: Script | None = None) -> list[tuple[str, str]]:
    rows = Notification.objects.order_by("id")
    if script is not None:
        rows = rows.filter(script=script)
    return list(rows.values_list("channel__name", "event"))


def test_a_failed_run_queues_a_down_for_every_channel_and_a_success_an_up(make_script):
    channel("ops")
    channel("pager")
    script = make_script(name="nightly-backup")

    run(script, Status.ERROR, error_message="disk full")
    run(script, Status.SUCCESS)

    assert queued() == [("ops", "down"), ("pager", "down"), ("ops", "up"), ("pager", "up")]
    down = Notification.objects.filter(event="down").first()
    assert (down.status, down.attempts, down.state) == ("pending", 0, "down")
    assert "disk full" in down.reason
    assert down.flip == Flip.objects.get(script=script, new_state=State.DOWN)
    event_ids = list(Notification.objects.values_list("event_id", flat=True))
    # Made by the database, read back by Django: four distinct random (version 4) UUIDs.
    assert len(set(event_ids)) == 4
    assert {(event_id.version, event_id.variant) for event_id in event_ids} == {(4, uuid.RFC_4122)}


def test_a_channel_gets_only_the_events_and_scripts_it_chose(make_script):
    backup, report = make_script(name="backup"), make_script(name="report")
    channel("downs-of-backup", events=["down"], scripts=[backup])
    channel("ups-of-all", events=["up"])

    for script in (backup, report):
        run(script, Status.ERROR)
        run(script, Status.SUCCESS)

    assert queued(backup) == [("downs-of-backup", "down"), ("ups-of-all", "up")]
    assert queued(report) == [("ups-of-all", "up")]


def test_without_channels_a_flip_queues_nothing(make_script):
    run(make_script(), Status.ERROR)

    assert Flip.objects.count() == 1 and Notification.objects.count() == 0


def test_a_rolled_back_flip_leaves_no_notification(make_script):
    channel()
    script = make_script()

    with pytest.raises(RuntimeError), transaction.atomic():
        run(script, Status.ERROR)
        assert Notification.objects.count() == 1  # written with the flip, not after commit
        raise RuntimeError("the run's transaction fails")

    assert Flip.objects.count() == 0 and Notification.objects.count() == 0


def test_late_and_paused_alert_nobody_and_up_alerts_only_after_down(make_script):
    channel()
    script = make_script()
    run(script, Status.SUCCESS)
    script.active = False
    script.save()
    script.active = True
    script.save()

    assert Flip.objects.filter(script=script).exists()
    assert queued() == []


def test_down_is_queued_at_the_nth_failure_in_a_row_and_up_at_the_mth_success(make_script):
    channel()
    script = make_script(down_after_failures=3, up_after_successes=2)

    run(script, Status.ERROR)
    run(script, Status.ERROR)
    run(script, Status.SUCCESS)  # the row is broken: start again
    run(script, Status.ERROR)
    run(script, Status.ERROR)
    assert queued() == []
    run(script, Status.ERROR)
    assert queued() == [("ops", "down")]
    run(script, Status.SUCCESS)
    assert queued() == [("ops", "down")]
    run(script, Status.SUCCESS)
    assert queued() == [("ops", "down"), ("ops", "up")]


def test_a_run_ended_as_stuck_queues_a_stuck_for_channels_that_want_it(make_script):
    channel("stuck-only", events=["stuck"])
    channel("downs", events=["down"])
    script = make_script(max_runtime_seconds=60)
    started = run(script, Status.RUNNING)
    ScriptExecution.objects.filter(pk=started.pk).update(started_at=started.started_at - timedelta(minutes=5))

    watcher.tick(now=started.started_at + timedelta(minutes=1))

    assert sorted(queued()) == [("downs", "down"), ("stuck-only", "stuck")]
    stuck = Notification.objects.get(event="stuck")
    assert "ended by the watcher" in stuck.reason
