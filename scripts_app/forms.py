"""Forms of the scripts and executions pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from scripts_app.filters import LocalDayField
from scripts_app.models import Script, Status


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
