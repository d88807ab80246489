"""The channel form of the pages: the secret is never rendered back, and left empty on an edit
it is kept; an apprise target shown as its scheme and sent back unchanged is kept too."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dashboard_app.alerts import safety, selectors
from dashboard_app.alerts.tables import SUBSCRIBABLE_CHOICES, Channel
from scripts_app.models import Script


class ChannelForm(forms.ModelForm):
    secret = forms.CharField(
        label=_("Secret"), required=False, strip=False, max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("A webhook's signing key: each request carries X-Workflow-Signature, the HMAC-SHA256 "
                    "of its body under this key. Never shown again; leave empty to keep the saved one."),
    )  # fmt: skip
    clear_secret = forms.BooleanField(label=_("Remove the saved secret"), required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=SUBSCRIBABLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    scripts = forms.ModelMultipleChoiceField(
        label=_("Scripts"), queryset=Script.objects.order_by("name"), required=False,
        help_text=_("None chosen: every script."),
    )  # fmt: skip

    class Meta:
        model = Channel
        fields = ["name", "kind", "target", "events", "scripts"]
        help_texts = {
            "target": _("An email address, a webhook URL (http or https), or an apprise URL "
                        "(slack://…, tgram://…, ntfy://…)."),
        }  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["target"] = selectors.shown_target(self.instance)
        else:
            del self.fields["clear_secret"]

    def clean(self) -> dict:
        cleaned = super().clean()
        kind, target = cleaned.get("kind"), cleaned.get("target")
        if kind and target:
            stored = self.instance if self.instance.pk else None
            cleaned["target"] = selectors.target_after_edit(stored, kind, target)
            problem = safety.target_errors(kind, cleaned["target"])
            if problem:
                self.add_error("target", problem)
        return cleaned

    def save(self, commit: bool = True) -> Channel:
        channel = super().save(commit=False)
        channel.target = self.cleaned_data["target"]
        if self.cleaned_data.get("secret"):
            channel.secret = self.cleaned_data["secret"]
        elif self.cleaned_data.get("clear_secret"):
            channel.secret = ""
        if commit:
            channel.save()
            self.save_m2m()
        return channel
