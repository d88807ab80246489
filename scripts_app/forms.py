"""Forms of the scripts and executions pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from scripts_app.dates import day_window
from scripts_app.models import Script, Status
from scripts_app.run_filter import RunFilter


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


class ScriptForm(forms.ModelForm):
    class Meta:
        model = Script
        fields = ["name", "description", "active", "execution_order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "name": _("Unique, at most 200 characters."),
            "execution_order": _("Scripts run and are listed in ascending order."),
        }
        error_messages = {
            "name": {"unique": _("A script with this name already exists. Choose another name.")},
        }

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter a name."), code="required")
        return name


class ExecutionFilterForm(forms.Form):
    script = forms.ModelChoiceField(
        label=_("Script"), queryset=Script.objects.all(), required=False, empty_label=_("All scripts")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Status.choices], required=False
    )
    date = LocalDayField(
        label=_("Date"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )

    def run_filter(self) -> RunFilter:
        """The filters as given (call after is_valid(); an unbound form selects every run)."""
        chosen = self.cleaned_data if self.is_bound else {}
        script = chosen.get("script")
        return RunFilter.of(
            day=chosen.get("date"), script_id=script.pk if script else None, status=chosen.get("status")
        )
