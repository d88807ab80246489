"""How scripts and runs look in the API, and what a write of them must satisfy (a 400 naming
the field, never a database error)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.api import MAX_ID
from scripts_app import health
from scripts_app.api.instants import instant_text
from scripts_app.dates import local_today
from scripts_app.models import Script, ScriptExecution, Status
from scripts_app.monitoring import ping_keys
from scripts_app.monitoring.schedule import normalize_cron, schedule_errors

INT32 = 2**31


class LastExecutionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    started_at = serializers.DateTimeField()


class ReadDirectly:
    """A serializer whose answer is written out from the row (`answer`) rather than walked
    field by field: DRF's walk (an attribute lookup and a to_representation per field, and
    a nested serializer's own) cost a list 27 µs a run and 75 µs a script, most of what a full
    page of 50 adds to one of a few (bench rows 10j, 10l, 10w). The declared fields still make
    the schema and read the writes; test_api_answers_as_declared checks both ways agree."""

    def to_representation(self, instance) -> dict[str, Any]:
        return self.answer(instance)


class HealthSerializer(serializers.Serializer):
    runs_today = serializers.IntegerField(help_text="Runs started today (local date), any status.")
    failures_today = serializers.IntegerField(help_text="Of those, how many failed.")
    success_rate_7d = serializers.FloatField(
        allow_null=True,
        help_text="Of the runs started in the last 7 local days that ended, the share that succeeded "
        "(0 to 1); null when none ended.",
    )
    recent_results = serializers.ListField(
        child=serializers.ChoiceField(choices=Status.choices),
        help_text=f"The statuses of the last {health.RECENT_RESULTS} runs, oldest first.",
    )


def _seconds(help_text: str, **kwargs) -> serializers.IntegerField:
    # Any int32: the range a schedule allows is schedule_errors()'s to say, in its words.
    return serializers.IntegerField(min_value=-INT32, max_value=INT32 - 1, help_text=help_text, **kwargs)


class ScriptSerializer(ReadDirectly, serializers.ModelSerializer):
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")
    execution_order = serializers.IntegerField(required=False, min_value=-INT32, max_value=INT32 - 1)
    schedule = serializers.CharField(
        required=False, allow_blank=True, max_length=120,
        help_text="A 5-field cron expression read in `time_zone`, or empty (see period_seconds).",
    )  # fmt: skip
    period_seconds = _seconds("Expected every this many seconds (instead of a cron expression).",
                              required=False, allow_null=True)  # fmt: skip
    grace_seconds = _seconds("How long after a due time a missing run makes it down.", required=False)
    max_runtime_seconds = _seconds("A run still running after this long is ended as failed.",
                                   required=False, allow_null=True)  # fmt: skip
    time_zone = serializers.CharField(
        required=False, max_length=64,
        help_text="The IANA zone the cron expression is read in (default TIME_ZONE).",
    )  # fmt: skip
    down_after_failures = serializers.IntegerField(required=False, min_value=1, max_value=100)
    up_after_successes = serializers.IntegerField(required=False, min_value=1, max_value=100)
    last_execution = serializers.SerializerMethodField()
    health = serializers.SerializerMethodField()
    ping_url = serializers.SerializerMethodField()

    class Meta:
        model = Script
        fields = [
            "id",
            "name",
            "description",
            "active",
            "execution_order",
            "created_at",
            "updated_at",
            "last_execution",
            "health",
            "schedule",
            "period_seconds",
            "grace_seconds",
            "max_runtime_seconds",
            "time_zone",
            "down_after_failures",
            "up_after_successes",
            "state",
            "next_due",
            "last_flip_at",
            "ping_url",
        ]
        read_only_fields = ["state", "next_due", "last_flip_at"]

    def answer(self, script: Script) -> dict[str, Any]:
        return {
            "id": script.pk,
            "name": script.name,
            "description": script.description,
            "active": script.active,
            "execution_order": script.execution_order,
            "created_at": instant_text(script.created_at),
            "updated_at": instant_text(script.updated_at),
            "last_execution": self.get_last_execution(script),
            "health": self.get_health(script),
            "schedule": script.schedule,
            "period_seconds": script.period_seconds,
            "grace_seconds": script.grace_seconds,
            "max_runtime_seconds": script.max_runtime_seconds,
            "time_zone": script.time_zone,
            "down_after_failures": script.down_after_failures,
            "up_after_successes": script.up_after_successes,
            "state": script.state,
            "next_due": instant_text(script.next_due),
            "last_flip_at": instant_text(script.last_flip_at),
            "ping_url": self.get_ping_url(script),
        }

    def validate_description(self, value: str | None) -> str:
        return value or ""

    def validate_schedule(self, value: str) -> str:
        return normalize_cron(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        current = self.instance

        def given(name: str):
            if name in attrs:
                return attrs[name]
            return getattr(current, name) if current else Script._meta.get_field(name).get_default()

        errors = schedule_errors(
            cron=given("schedule"),
            period_seconds=given("period_seconds"),
            grace_seconds=given("grace_seconds"),
            max_runtime_seconds=given("max_runtime_seconds"),
            time_zone=given("time_zone"),
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_ping_url(self, script: Script) -> str | None:
        """The script's ping URL: a credential, shown only to users who may change the script."""
        return self._ping_url_of(script) if self._ping_url_of else None

    @cached_property
    def _ping_url_of(self) -> Callable[[Script], str] | None:
        # Once a serializer: a list's items share its child (one permission check, one reverse).
        request = self.context.get("request")
        if request is None or not request.user.has_perm(ping_keys.CHANGE_PERMISSION):
            return None
        return ping_keys.ping_urls(request)

    @extend_schema_field(LastExecutionSerializer(allow_null=True))
    def get_last_execution(self, script: Script) -> dict[str, Any] | None:
        if hasattr(script, "last_status"):  # annotated by with_last_execution()
            last = {"status": script.last_status, "started_at": script.last_started_at}
        else:
            last = script.executions.order_by("-started_at", "-id").values("status", "started_at").first()
        if not last or last["status"] is None:
            return None
        return {"status": last["status"], "started_at": instant_text(last["started_at"])}

    @extend_schema_field(HealthSerializer)
    def get_health(self, script: Script) -> dict:
        if not hasattr(script, "runs_today"):  # a script just written, not read with its health
            script = health.with_health(Script.objects.filter(pk=script.pk), local_today()).get()
        return {
            "runs_today": script.runs_today,
            "failures_today": script.failures_today,
            "success_rate_7d": script.success_rate,
            "recent_results": health.recent_results(script),
        }


class ScriptIdField(serializers.PrimaryKeyRelatedField):
    """A script id; out-of-range or non-integer ids are a 400, never a database error."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, str) and not data.isdigit():
            self.fail("incorrect_type", data_type="str")
        if not 1 <= int(data) <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(int(data))


class BoundedDateTimeField(serializers.DateTimeField):
    """A datetime the database can hold in UTC; anything else is a 400, not an OverflowError.

    DRF checks for overflow only for aware input: a naive 0001-01-01T00:00
    read in a zone east of UTC (or 9999-12-31T23:59 west of it) falls outside
    Python's datetime range when DRF converts it to UTC to validate it.
    """

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


class ExecutionSerializer(ReadDirectly, serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: BoundedDateTimeField,
    }
    script = ScriptIdField(queryset=Script.objects.all())
    script_name = serializers.CharField(source="script.name", read_only=True)
    error_message = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")
    duration_ms = serializers.SerializerMethodField()

    class Meta:
        model = ScriptExecution
        fields = [
            "id",
            "script",
            "script_name",
            "status",
            "started_at",
            "completed_at",
            "error_message",
            "duration_ms",
        ]
        extra_kwargs = {"started_at": {"required": False}}

    def answer(self, run: ScriptExecution) -> dict[str, Any]:
        return {
            "id": run.pk,
            "script": run.script_id,
            "script_name": run.name_of_script(),
            "status": run.status,
            "started_at": instant_text(run.started_at),
            "completed_at": instant_text(run.completed_at),
            "error_message": run.error_message,
            "duration_ms": self.get_duration_ms(run),
        }

    def validate_error_message(self, value: str | None) -> str:
        return value or ""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        current = self.instance
        status = attrs.get("status", current.status if current else None)
        started_at = attrs.get("started_at", current.started_at if current else timezone.now())
        if "completed_at" in attrs:
            completed_at = attrs["completed_at"]
        else:
            completed_at = current.completed_at if current else None
            if current and current.status == Status.RUNNING and status != Status.RUNNING:
                # A runner reporting the end of a run without saying when: now.
                now = timezone.now()
                if now >= started_at:
                    attrs["completed_at"] = completed_at = now
        if status == Status.RUNNING and completed_at is not None:
            raise serializers.ValidationError(
                {"completed_at": _("A running execution has no completion time.")}
            )
        if completed_at is not None and completed_at < started_at:
            raise serializers.ValidationError(
                {"completed_at": _("The completion time may not be earlier than the start time.")}
            )
        return attrs

    def get_duration_ms(self, execution: ScriptExecution) -> int | None:
        if execution.completed_at is None or execution.started_at is None:
            return None
        return round((execution.completed_at - execution.started_at).total_seconds() * 1000)
