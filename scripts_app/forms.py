"""Forms of the scripts and executions pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.api import MAX_ID
from scripts_app.dates import day_window
from scripts_app.models import Script, Status
from scripts_app.monitoring.schedule import normalize_cron, schedule_errors
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


SCHEDULE_FIELDS = [
    "schedule",
    "period_seconds",
    "grace_seconds",
    "max_runtime_seconds",
    "time_zone",
    "down_after_failures",
    "up_after_successes",
]


class ScriptForm(forms.ModelForm):
    """A script and its expected schedule, for its page and the admin: the schedule is checked
    by the same schedule_errors() the API uses, each problem under its field."""

    class Meta:
        model = Script
        fields = ["name", "description", "active", "execution_order", *SCHEDULE_FIELDS]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "name": _("Unique, at most 200 characters."),
            "execution_order": _("Scripts run and are listed in ascending order."),
            "schedule": _("A cron expression of 5 fields, e.g. “0 2 * * *” for every day at 02:00; or leave "
                          "it empty and give a period."),  # fmt: skip
            "period_seconds": _("Or: expected every this many seconds (e.g. 21600 for every 6 hours)."),
            "grace_seconds": _("How long after a due time a missing run makes it down."),
            "max_runtime_seconds": _("A run still running after this long is ended as failed."),
            "time_zone": _("The zone the cron expression is read in (an IANA name such as Asia/Seoul)."),
            "down_after_failures": _("Down after this many failed runs in a row."),
            "up_after_successes": _("Up again after this many successful runs in a row."),
        }
        error_messages = {
            "name": {"unique": _("A script with this name already exists. Choose another name.")},
        }

    # Left empty, these take the model's defaults (grace one hour, TIME_ZONE, thresholds 1).
    DEFAULTED = ("grace_seconds", "time_zone", "down_after_failures", "up_after_successes")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.DEFAULTED:
            if name in self.fields:  # (the admin's view-only form has none)
                self.fields[name].required = False

    def _clean_defaulted(self, name: str):
        value = self.cleaned_data.get(name)
        return Script._meta.get_field(name).get_default() if value in (None, "") else value

    def clean_grace_seconds(self) -> int:
        return self._clean_defaulted("grace_seconds")

    def clean_time_zone(self) -> str:
        return self._clean_defaulted("time_zone")

    def clean_down_after_failures(self) -> int:
        return self._clean_defaulted("down_after_failures")

    def clean_up_after_successes(self) -> int:
        return self._clean_defaulted("up_after_successes")

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter a name."), code="required")
        return name

    def clean_schedule(self) -> str:
        return normalize_cron(self.cleaned_data.get("schedule") or "")

    def clean(self) -> dict:
        cleaned = super().clean()
        if all(name in cleaned for name in ("grace_seconds", "time_zone")):
            errors = schedule_errors(
                cron=cleaned.get("schedule") or "",
                period_seconds=cleaned.get("period_seconds"),
                grace_seconds=cleaned["grace_seconds"],
                max_runtime_seconds=cleaned.get("max_runtime_seconds"),
                time_zone=cleaned["time_zone"],
            )
            for field, message in errors.items():
                self.add_error(field, message)
        return cleaned


class ScriptPickerField(forms.IntegerField):
    """One script by id: the executions page's search-as-you-type field (static/script_picker.js
    asks /api/scripts/?search=…) posts the chosen id; without JavaScript it is a plain
    ?script=<id>. Cleans to the Script (one lookup by primary key), never a list of them all."""

    default_error_messages = {"invalid_choice": _("Select a valid choice.")}

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput, **kwargs)

    def clean(self, value):
        try:
            script_id = super().clean(value)
        except ValidationError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None
        if script_id is None:
            return None
        script = Script.objects.only("id", "name").filter(pk=script_id).first()
        if script is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return script


class ExecutionFilterForm(forms.Form):
    script = ScriptPickerField(label=_("Script"), required=False)
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
