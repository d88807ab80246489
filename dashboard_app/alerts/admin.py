"""Admin for alert channels (the secret write-only, an apprise URL shown as its scheme) and the
notification log (read-only)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dashboard_app.alerts import selectors
from dashboard_app.alerts.forms import ChannelForm
from dashboard_app.alerts.tables import Channel, Notification


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    form = ChannelForm
    fields = ["name", "kind", "target", "secret", "clear_secret", "events", "scripts"]
    list_display = ["name", "kind", "shown_target", "events", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["scripts"]

    @admin.display(description=_("target"))
    def shown_target(self, channel: Channel) -> str:
        return selectors.shown_target(channel)

    def get_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return self.fields if obj is not None else [name for name in self.fields if name != "clear_secret"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at", "channel", "event", "script", "status", "attempts", "last_status", "delivered_at",
    ]  # fmt: skip
    list_filter = ["status", "event", "channel"]
    search_fields = ["script__name", "channel__name"]
    list_select_related = ["channel", "script"]
    date_hierarchy = "created_at"
    exclude = ["claim"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
