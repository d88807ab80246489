"""The executions list's filters in the API: parsed and described (OpenAPI) by django-filter,
applied as one RunFilter, the same definition the page, the CSV export and the counts use."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from common.api import MAX_ID
from scripts_app.forms import LocalDayField
from scripts_app.models import ScriptExecution, Status
from scripts_app.run_filter import RunFilter


class LocalDayFilter(filters.DateFilter):
    field_class = LocalDayField


# An integer in the schema too (NumberFilter is described as any number), so a
# generated client takes an int.
@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class ExecutionFilter(filters.FilterSet):
    script = IdFilter(field_name="script_id", min_value=1, max_value=MAX_ID)
    status = filters.ChoiceFilter(choices=Status.choices)
    date = LocalDayFilter(label=_("Local date started (YYYY-MM-DD)"))

    class Meta:
        model = ScriptExecution
        fields = ["script", "status", "date"]

    def run_filter(self) -> RunFilter:
        """The filters as given (call after is_valid())."""
        chosen = self.form.cleaned_data
        return RunFilter.of(
            day=chosen.get("date"), script_id=chosen.get("script"), status=chosen.get("status")
        )

    def filter_queryset(self, queryset):
        return self.run_filter().executions(queryset)
