"""GET /api/dashboard/history: runs per local day and status, the numbers the charts draw."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import MAX_ID
from dashboard_app.api.stats import ERROR_RESPONSE, EnvelopeView
from scripts_app import history
from scripts_app.chart import STACKED
from scripts_app.dates import local_today
from scripts_app.models import Script

MAX_DAYS = 90


class HistoryQuery(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=MAX_DAYS, default=history.HISTORY_DAYS)
    script = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)

    def validate_script(self, value: int) -> int:
        if not Script.objects.filter(pk=value).exists():
            raise serializers.ValidationError(_("There is no script with id %(id)s.") % {"id": value})
        return value


HISTORY_RESPONSE = inline_serializer(
    "DashboardHistoryResponse",
    {
        "success": serializers.BooleanField(),
        "message": serializers.CharField(),
        "data": inline_serializer(
            "RunsOnADay",
            {
                "date": serializers.DateField(),
                **{status: serializers.IntegerField() for status in STACKED},
                "total": serializers.IntegerField(),
            },
            many=True,
        ),
        "meta": inline_serializer(
            "DashboardHistoryMeta",
            {
                "date": serializers.DateField(),
                "time_zone": serializers.CharField(),
                "days": serializers.IntegerField(),
                "script": serializers.IntegerField(allow_null=True),
            },
        ),
    },
)


class DashboardHistoryView(EnvelopeView):
    """Runs per status on each of the last `days` local days, oldest first, ending today."""

    @extend_schema(
        parameters=[
            OpenApiParameter("days", int, description=f"Local days to show, ending today: 1 to {MAX_DAYS}."),
            OpenApiParameter("script", int, description="Only this script's runs."),
        ],
        responses={200: HISTORY_RESPONSE, 400: ERROR_RESPONSE, 401: ERROR_RESPONSE, 403: ERROR_RESPONSE},
    )
    def get(self, request: Request) -> Response:
        # A plain dict, not the QueryDict: DRF reads an empty ?days= in a QueryDict as
        # "not given" (a form's blank field), where here it is a bad value.
        query = HistoryQuery(data=dict(request.query_params.items()))
        query.is_valid(raise_exception=True)
        days, script = query.validated_data["days"], query.validated_data.get("script")
        today = local_today()
        per_day = history.runs_per_day(days=days, today=today, script_id=script)
        return Response(
            {
                "success": True,
                "message": _("Runs per day loaded."),
                "data": [
                    {
                        "date": day.day.isoformat(),
                        **{status: getattr(day, status) for status in STACKED},
                        "total": day.total,
                    }
                    for day in per_day
                ],
                "meta": {
                    "date": today.isoformat(),
                    "time_zone": settings.TIME_ZONE,
                    "days": days,
                    "script": script,
                },
            }
        )
