"""GET /api/dashboard/stats: the four counters in the dashboard's envelope (EnvelopeView):
{"success", "message", "data", "meta"}, errors as {"success": false, "message", "errors"}."""

from __future__ import annotations

from django.http import HttpResponseNotModified
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import CLIENT_FACING_DATABASE_ERRORS, database_error_response
from dashboard_app.counters import stats
from dashboard_app.counters.etag import copy_is_current, stats_etag

TRUE_VALUES, FALSE_VALUES = {"true", "1"}, {"false", "0"}


def use_cache_param(query_params) -> bool:
    """?use_cache: true|false|1|0 in any case; anything else is a 400 naming it.

    Parsed by hand: a serializer here took a quarter of the cached view's time
    (pyinstrument; docs/benchmarks.md).
    """
    value = query_params.get("use_cache", "true").lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ValidationError({"use_cache": [_("Must be one of: true, false, 1, 0.")]})


STATS_RESPONSE = inline_serializer(
    "DashboardStatsResponse",
    {
        "success": serializers.BooleanField(),
        "message": serializers.CharField(),
        "data": inline_serializer(
            "DashboardStatsData", {key: serializers.IntegerField() for key in stats.KEYS}
        ),
        "meta": inline_serializer(
            "DashboardStatsMeta",
            {
                "date": serializers.DateField(),
                "time_zone": serializers.CharField(),
                "computed_at": serializers.DateTimeField(),
                "source": serializers.ChoiceField(choices=["cache", "live"]),
                "notice": serializers.CharField(
                    required=False,
                    help_text="Present while the runs per day cannot be read from the rollup (it counts "
                    "another time zone's days until `manage.py refresh_stats` recounts it): says why the "
                    "counters were counted from the executions.",
                ),
            },
        ),
    },
)
ERROR_RESPONSE = inline_serializer(
    "DashboardStatsError",
    {
        "success": serializers.BooleanField(),
        "message": serializers.CharField(),
        "errors": serializers.DictField(),
    },
)


class EnvelopeView(APIView):
    """A dashboard endpoint: answers and errors alike in {"success", "message", ...}."""

    permission_classes = [IsAuthenticated]

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, CLIENT_FACING_DATABASE_ERRORS):
            response = database_error_response(exc)
        else:
            response = super().handle_exception(exc)
        details = response.data if isinstance(response.data, dict) else {"detail": response.data}
        message = details.get("detail") or _("Invalid request.")
        errors = {key: value for key, value in details.items() if key != "detail"} or {
            "detail": [str(message)]
        }
        response.data = {"success": False, "message": str(message), "errors": errors}
        return response


class DashboardStatsView(EnvelopeView):
    """The four dashboard counters for today's local date, cached or counted live (meta.source)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("use_cache", str, enum=["true", "false", "1", "0"]),
            OpenApiParameter(
                "If-None-Match",
                str,
                OpenApiParameter.HEADER,
                description="The ETag of the last answer: 304 while the counters are unchanged.",
            ),
        ],
        responses={
            200: STATS_RESPONSE,
            304: OpenApiResponse(description="Not modified: the answer is the one the ETag names."),
            400: ERROR_RESPONSE,
            401: ERROR_RESPONSE,
            403: ERROR_RESPONSE,
            503: ERROR_RESPONSE,
        },
    )
    def get(self, request: Request) -> Response:
        result = stats.get_stats(use_cache=use_cache_param(request.query_params))
        etag = stats_etag(result)
        if copy_is_current(request.headers.get("If-None-Match"), etag):
            # Nothing is serialised or rendered: about the cost of the cached read.
            response = HttpResponseNotModified()
        else:
            response = Response(
                {
                    "success": True,
                    "message": _("Dashboard statistics loaded."),
                    "data": result.values,
                    "meta": {
                        "date": result.day.isoformat(),
                        "time_zone": result.time_zone,
                        "computed_at": result.computed_at.isoformat(timespec="seconds"),
                        "source": result.source,
                        **({"notice": result.notice} if result.notice else {}),
                    },
                }
            )
        response["ETag"] = etag
        # Browsers may keep the answer but must ask again (with If-None-Match)
        # each time; shared caches keep nothing, the answer is for signed-in users.
        response["Cache-Control"] = "private, no-cache"
        return response
