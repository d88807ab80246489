"""/api/scripts/ with each script's health (dashboard_app.health), sortable worst first.

scripts_app's viewset is plain CRUD and knows nothing of the dashboard; this
one extends it with the health figures, which come from the rollup. The
project's urls.py registers it under /api/scripts/.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard_app import health
from scripts_app.api import ScriptViewSet
from scripts_app.dates import local_today
from scripts_app.models import Script, Status
from scripts_app.serializers import ScriptSerializer


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


# The scripts' one representation in the schema: generated clients keep calling it Script.
@extend_schema_serializer(component_name="Script")
class ScriptHealthSerializer(ScriptSerializer):
    health = serializers.SerializerMethodField()

    class Meta(ScriptSerializer.Meta):
        fields = [*ScriptSerializer.Meta.fields, "health"]

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


class ScriptHealthViewSet(ScriptViewSet):
    serializer_class = ScriptHealthSerializer

    def get_queryset(self):
        scripts = health.with_health(super().get_queryset(), local_today())
        if self.action != "list":
            return scripts
        sort = self.request.query_params.get("sort")
        if sort is None:
            return scripts
        if sort not in health.SORTS:
            raise ValidationError(
                {"sort": [_("Must be one of: %(sorts)s.") % {"sorts": ", ".join(health.SORTS)}]}
            )
        return scripts.order_by(*health.SORTS[sort], "execution_order", "id")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "sort",
                str,
                enum=list(health.SORTS),
                description="Worst first: `failures` (most failures today), `success_rate` (lowest 7-day "
                "success rate; scripts without one last). Default: execution order.",
            )
        ]
    )
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)
