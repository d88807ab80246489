"""The API writes its scripts and runs out directly (serializers.ReadDirectly) and still answers
exactly what its declared fields, walked by DRF, would: for every kind of row, any reader, a
row just written as well as one listed, in the configured zone."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from conftest import at
from scripts_app import health
from scripts_app.api.instants import instant_text
from scripts_app.api.serializers import ExecutionSerializer, ScriptSerializer
from scripts_app.dates import local_today
from scripts_app.models import Script, ScriptExecution, Status

pytestmark = pytest.mark.usefixtures("seoul")


def request_of(user) -> Request:
    request = Request(APIRequestFactory().get("/api/scripts/"))
    request.user = user
    return request


def declared_answer(serializer, row) -> dict:
    """What DRF's walk of the serializer's declared fields answers."""
    return serializers.ModelSerializer.to_representation(serializer, row)


def both_answers(serializer_class, rows, user) -> list[tuple[dict, dict]]:
    serializer = serializer_class(context={"request": request_of(user)})
    return [(serializer.to_representation(row), declared_answer(serializer, row)) for row in rows]


@pytest.fixture
def scripts(make_script, make_execution):
    never = make_script(name="never run")
    cron = make_script(name="cron", schedule="*/5 * * * *", time_zone="Asia/Seoul", description="d")
    make_execution(cron, status=Status.SUCCESS, started_at=at("2026-11-25 09:00", "Asia/Seoul"),
                   completed_at=at("2026-11-25 09:01", "Asia/Seoul"))  # fmt: skip
    make_execution(cron, status=Status.ERROR, error_message="boom")
    period = make_script(name="period", period_seconds=3600, max_runtime_seconds=60, active=False)
    make_execution(period, status=Status.RUNNING)
    return [never, cron, period]


@pytest.fixture
def runs(scripts):
    return list(ScriptExecution.objects.all())


@pytest.mark.parametrize("reader", ["admin_user", "viewer"])
def test_a_listed_script_answers_as_its_declared_fields(request, scripts, reader):
    listed = health.with_health(Script.objects.with_last_execution(), local_today()).order_by("id")
    for direct, declared in both_answers(ScriptSerializer, listed, request.getfixturevalue(reader)):
        assert direct == declared
        assert list(direct) == ScriptSerializer.Meta.fields
    assert any(
        direct["ping_url"]
        for direct, _ in both_answers(ScriptSerializer, listed, request.getfixturevalue("admin_user"))
    )


def test_a_script_just_written_answers_as_its_declared_fields(scripts, admin_user):
    for direct, declared in both_answers(ScriptSerializer, Script.objects.order_by("id"), admin_user):
        assert direct == declared


def test_a_run_answers_as_its_declared_fields_listed_or_just_written(runs, admin_user):
    listed = ScriptExecution.objects.for_run_table().order_by("id")
    for rows in (listed, runs):
        for direct, declared in both_answers(ExecutionSerializer, rows, admin_user):
            assert direct == declared
            assert list(direct) == ExecutionSerializer.Meta.fields


def test_times_are_written_in_the_configured_zone(make_execution):
    run = make_execution(status=Status.SUCCESS, started_at=at("2026-11-26 00:00", "Asia/Seoul"))
    run.completed_at = run.started_at + timedelta(seconds=90)
    direct, _ = both_answers(ExecutionSerializer, [run], None)[0]
    assert (direct["started_at"], direct["duration_ms"]) == ("2026-11-26T00:00:00+09:00", 90_000)
    with timezone.override("UTC"):
        assert ExecutionSerializer().to_representation(run)["started_at"] == "2026-11-25T15:00:00Z"


def test_the_answers_of_writes_are_the_declared_ones(api, scripts):
    created = api.post("/api/executions/", {"script": scripts[0].pk, "status": "running"}, format="json")
    assert created.status_code == 201, created.content
    run = ScriptExecution.objects.select_related("script").get(pk=created.json()["id"])
    assert created.json() == json.loads(json.dumps(declared_answer(ExecutionSerializer(), run)))
    changed = api.patch(f"/api/scripts/{scripts[1].pk}/", {"description": "new"}, format="json")
    assert changed.status_code == 200, changed.content
    serializer = ScriptSerializer(context={"request": changed.wsgi_request})
    script = health.with_health(Script.objects.with_last_execution(), local_today()).get(pk=scripts[1].pk)
    expected = json.loads(json.dumps(declared_answer(serializer, script)))
    assert changed.json() == {**expected, "ping_url": changed.json()["ping_url"]}


@pytest.mark.parametrize("zone", ["UTC", "Asia/Seoul", "America/St_Johns", "Pacific/Kiritimati"])
def test_an_instant_is_written_as_drf_writes_it_in_every_zone(settings, zone):
    settings.TIME_ZONE = zone
    drf = serializers.DateTimeField().to_representation
    for value in (
        None,
        at("2026-03-08 02:30", "America/New_York"),
        datetime(2026, 11, 26, 1, 2, 3, 456789, tzinfo=UTC),
    ):
        assert instant_text(value) == drf(value)
    naive = at("2026-11-26 01:02", "UTC").replace(tzinfo=None)  # read as the zone's wall time
    assert instant_text(naive) == drf(naive)
    if zone == "Pacific/Kiritimati":  # the last instant stored is past what +14:00 can write
        for write in (instant_text, drf):
            with pytest.raises(serializers.ValidationError):
                write(datetime.max.replace(tzinfo=UTC))
