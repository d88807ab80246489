from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from scripts_app.dates import day_window
from scripts_app.models import ScriptExecution, Status
from workflow_project.api import MAX_ID


class LocalDayField(forms.DateField):
    """A local calendar date whose window the database can represent."""

    def clean(self, value):
        day = super().clean(value)
        if day is not None:
            try:
                day_window(day)
            except OverflowError:
                raise ValidationError(_("This date is out of range."), code="out_of_range") from None
        return day


class LocalDayFilter(filters.DateFilter):
    """Executions started on a local date: an indexed range, never __date."""

    field_class = LocalDayField

    def filter(self, qs, value):
        return qs if value is None else qs.started_on(value)


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
