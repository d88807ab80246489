"""The viewsets behind /api/scripts/ and /api/executions/. Plain CRUD, plus toggle-active and
ping-key (a new ping key), each script's health (sortable worst first), run counts from
run_history and CSV export."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import ChangePermission, StandardPagination
from scripts_app import health, run_history, script_order
from scripts_app.api.csv_export import CSVRenderer, csv_response
from scripts_app.api.filters import ExecutionFilter
from scripts_app.api.serializers import ExecutionSerializer, ScriptSerializer
from scripts_app.dates import local_today
from scripts_app.models import Script, ScriptExecution
from scripts_app.monitoring import ping_keys, states
from scripts_app.run_filter import RunFilter
from scripts_app.run_history import KnownCountPaginator

# Ids in URLs: longer ones cannot exist, so they are a 404 rather than a database error.
ID_PATTERN = r"[0-9]{1,18}"
# ?search= is matched against names, which are at most this long.
SEARCH_MAX_LENGTH = 200


class ScriptViewSet(viewsets.ModelViewSet):
    queryset = Script.objects.with_last_execution()
    serializer_class = ScriptSerializer
    filterset_fields = ["active", "state"]
    lookup_value_regex = ID_PATTERN

    # Decided by the state upkeep after save(), in the database: read back for the answer.
    DECIDED = ["state", "next_due", "last_flip_at"]

    def perform_create(self, serializer) -> None:
        serializer.save().refresh_from_db(fields=self.DECIDED)

    def perform_update(self, serializer) -> None:
        serializer.save().refresh_from_db(fields=self.DECIDED)

    def get_queryset(self):
        scripts = health.with_health(super().get_queryset(), local_today())
        return self.searched(scripts) if self.action == "list" else scripts

    def searched(self, scripts: QuerySet[Script]) -> QuerySet[Script]:
        search = self.request.query_params.get("search")
        if search is None:
            return scripts
        if len(search) > SEARCH_MAX_LENGTH:
            raise ValidationError(
                {"search": [_("At most %(count)d characters.") % {"count": SEARCH_MAX_LENGTH}]}
            )
        return scripts.filter(name__icontains=search.strip())

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                str,
                description="Only scripts whose name contains this text (any case; at most 200 "
                "characters), e.g. for a search-as-you-type field.",
            ),
            OpenApiParameter(
                "sort",
                str,
                enum=list(script_order.ORDERS),
                description="Worst first: `failures` (most failures today), `success_rate` (lowest 7-day "
                "success rate; scripts without one last). Default: execution order.",
            ),
        ]
    )
    def list(self, request: Request, *args, **kwargs) -> Response:
        sort = request.query_params.get("sort")
        if sort is None:
            return super().list(request, *args, **kwargs)
        if sort not in script_order.ORDERS:
            raise ValidationError(
                {"sort": [_("Must be one of: %(sorts)s.") % {"sorts": ", ".join(script_order.ORDERS)}]}
            )
        # Worst first is read a page at a time (scripts_app.script_order), of the scripts the
        # filters keep (a 400 for a filter value it does not know); without a filter, of all
        # of them (counted by the day's totals, not by probing each ranked row).
        filtered = {"search", *self.filterset_fields} & set(request.query_params)
        among = self.filter_queryset(self.searched(Script.objects.all())) if filtered else None
        worst_first = script_order.ORDERS[sort](self.get_queryset().order_by(), local_today(), among)
        page = self.paginate_queryset(worst_first)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=None)  # answers with the viewset's serializer
    @action(
        detail=True,
        methods=["post"],
        url_path="toggle-active",
        permission_classes=[ChangePermission],
    )
    def toggle_active(self, request: Request, pk: str | None = None) -> Response:
        script = self.get_object()
        Script.objects.filter(pk=script.pk).toggle_active()
        return Response(self.get_serializer(self.get_queryset().get(pk=script.pk)).data)

    @extend_schema(request=None)  # answers with the viewset's serializer
    @action(detail=True, methods=["post"], url_path="ping-key", permission_classes=[ChangePermission])
    def ping_key(self, request: Request, pk: str | None = None) -> Response:
        """A new ping key: the script's old ping URLs answer 404 at once; the answer carries the
        new `ping_url`."""
        script = self.get_object()
        ping_keys.regenerate(script.pk)
        return Response(self.get_serializer(self.get_queryset().get(pk=script.pk)).data)


class RunCountPagination(StandardPagination):
    """Pages of executions whose `count` comes from run_history (the rollup), not COUNT(*)."""

    def paginate_queryset(self, queryset, request, view=None):
        count = view.matching_run_count() if view is not None else queryset.count()
        self.django_paginator_class = partial(KnownCountPaginator, count=count)
        return super().paginate_queryset(queryset, request, view)


class ExecutionViewSet(viewsets.ModelViewSet):
    queryset = ScriptExecution.objects.select_related("script")
    serializer_class = ExecutionSerializer
    filterset_class = ExecutionFilter
    pagination_class = RunCountPagination
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        # A list reads the columns its rows show; a write loads the whole run (its save
        # decides the script's state from it).
        if self.action == "list":
            return ScriptExecution.objects.for_run_table()
        return super().get_queryset()

    def perform_destroy(self, instance: ScriptExecution) -> None:
        # No post_delete receiver on runs (it would make Django delete a script's runs one by
        # one): a run deleted here has its script's state decided again at once, the script's
        # row locked first, as a save locks it (monitoring.receivers.run_saving).
        with transaction.atomic():
            script = states.locked(instance.script_id)
            instance.delete()
            if script is not None:
                states.decide(script)

    def matching_run_count(self) -> int:
        """How many executions the list's filters match (they were validated already)."""
        filters = ExecutionFilter(self.request.query_params, queryset=self.queryset, request=self.request)
        return run_history.count_runs(filters.run_filter() if filters.is_valid() else RunFilter())

    def get_renderers(self):
        # Only the list exports CSV (Accept: text/csv or ?format=csv).
        renderers = super().get_renderers()
        return [*renderers, CSVRenderer()] if self.action == "list" else renderers

    @extend_schema(
        responses={
            (200, "application/json"): ExecutionSerializer(many=True),
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="Every matching execution (not a page), streamed as CSV; times in TIME_ZONE.",
            ),
        }
    )
    def list(self, request: Request, *args, **kwargs) -> Response:
        if request.accepted_renderer.format == CSVRenderer.format:
            executions = self.filter_queryset(self.get_queryset())  # a bad filter is a 400 here
            return csv_response(executions)
        return super().list(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors (a bad filter, a missing sign-in) are answered in JSON even
        # when CSV was asked for: they are not rows.
        if isinstance(response, Response) and response.status_code >= 400:
            if isinstance(getattr(request, "accepted_renderer", None), CSVRenderer):
                request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)
