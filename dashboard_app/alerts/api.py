"""/api/channels/ (CRUD, the secret write-only, POST {id}/test/) and /api/notifications/
(read-only: every delivery and its outcome). Reads need the view permission of the model,
writes its add, change or delete permission; a test is a change."""

from __future__ import annotations

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import MAX_ID
from dashboard_app.alerts import safety, selectors, sender
from dashboard_app.alerts.tables import (
    SUBSCRIBABLE,
    SUBSCRIBABLE_CHOICES,
    Channel,
    EventKind,
    Kind,
    Notification,
    Status,
)
from scripts_app.api.filters import IdFilter
from scripts_app.models import Script


class ManagePermission(DjangoModelPermissions):
    """Reads need the model's view permission too: targets are where the team is paged."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }


class TestPermission(DjangoModelPermissions):
    perms_map = {**DjangoModelPermissions.perms_map, "POST": ["%(app_label)s.change_%(model_name)s"]}


class ChannelSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    target = serializers.CharField(
        max_length=2000,
        help_text="An email address, an http(s) URL, or an apprise URL. An apprise URL carries its "
        "service's tokens: it is shown back as its scheme only.",
    )
    secret = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=200, trim_whitespace=False,
        help_text="A webhook's signing key (HMAC-SHA256 of the body). Write-only; left out of an "
        "update, the saved one is kept.",
    )  # fmt: skip
    has_secret = serializers.SerializerMethodField()
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=SUBSCRIBABLE_CHOICES),
        allow_empty=False, help_text="Which events this channel gets: any of down, up, stuck.",
    )  # fmt: skip
    scripts = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Script.objects.all(),
        pk_field=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        help_text="The scripts whose events it gets; empty means all.",
    )  # fmt: skip
    failing = serializers.SerializerMethodField()

    class Meta:
        model = Channel
        fields = [
            "id", "name", "kind", "target", "secret", "has_secret", "events", "scripts", "failing",
            "created_at",
        ]  # fmt: skip
        read_only_fields = ["created_at"]

    @extend_schema_field(serializers.BooleanField())
    def get_has_secret(self, channel: Channel) -> bool:
        return bool(channel.secret)

    @extend_schema_field(serializers.BooleanField(help_text="Its last 3 tried deliveries all failed."))
    def get_failing(self, channel: Channel) -> bool:
        return channel.pk in selectors.failing_channels([channel.pk])

    def to_representation(self, channel: Channel) -> dict:
        data = super().to_representation(channel)
        data["target"] = selectors.shown_target(channel)
        return data

    def validate_events(self, events: list[str]) -> list[str]:
        return sorted(set(events), key=[e.value for e in SUBSCRIBABLE].index)

    def validate(self, attrs: dict) -> dict:
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        target = attrs.get("target", getattr(self.instance, "target", ""))
        if "target" in attrs:
            target = attrs["target"] = selectors.target_after_edit(self.instance, kind, target)
        problem = safety.target_errors(kind, target)
        if problem:
            raise serializers.ValidationError({"target": [problem]})
        return attrs


class NotificationSerializer(serializers.ModelSerializer):
    channel_name = serializers.CharField(source="channel.name", read_only=True)
    script_name = serializers.CharField(source="script.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Notification
        fields = [
            "id", "channel", "channel_name", "event", "script", "script_name", "event_id", "status",
            "attempts", "last_status", "last_error", "next_attempt_at", "created_at", "delivered_at",
        ]  # fmt: skip
        read_only_fields = fields


class ChannelViewSet(viewsets.ModelViewSet):
    queryset = Channel.objects.prefetch_related("scripts")
    serializer_class = ChannelSerializer
    permission_classes = [ManagePermission]
    lookup_value_regex = r"[0-9]{1,18}"

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[TestPermission])
    def test(self, request: Request, pk: str | None = None) -> Response:
        """Send a test event to the channel now; answers with its delivery, logged like any."""
        row = sender.send_test(self.get_object())
        return Response(NotificationSerializer(row).data)


class NotificationFilter(filters.FilterSet):
    # Ids checked as ids: one too large for the database is a 400, not a database error.
    channel = IdFilter(field_name="channel_id", min_value=1, max_value=MAX_ID)
    script = IdFilter(field_name="script_id", min_value=1, max_value=MAX_ID)
    status = filters.ChoiceFilter(choices=Status.choices)
    event = filters.ChoiceFilter(choices=EventKind.choices)

    class Meta:
        model = Notification
        fields = ["channel", "script", "status", "event"]


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Notification.objects.select_related("channel", "script")
    serializer_class = NotificationSerializer
    permission_classes = [ManagePermission]
    filterset_class = NotificationFilter
    lookup_value_regex = r"[0-9]{1,18}"

