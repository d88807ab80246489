"""Admin for the cached counters: read-only, with a way to recompute them. The alerts' admin is in
dashboard_app/alerts/admin.py."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from dashboard_app.alerts import admin as alerts_admin  # noqa: F401 (registers channels and notifications)
from dashboard_app.counters import stats
from dashboard_app.models import DashboardStat

admin.site.site_header = _("Workflow dashboard administration")
admin.site.site_title = _("Workflow dashboard")
admin.site.index_title = _("Scripts, runs and counters")


@admin.register(DashboardStat)
class DashboardStatAdmin(admin.ModelAdmin):
    list_display = ["stat_key", "stat_value", "day", "stale", "version", "updated_at"]
    readonly_fields = ["stat_key", "stat_value", "day", "stale", "version", "updated_at", "created_at"]
    actions = ["recompute_now"]
    change_list_template = "admin/dashboard_app/dashboardstat/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description=_("Recompute all counters now"))
    def recompute_now(self, request: HttpRequest, queryset=None) -> None:
        current = stats.refresh_stats()
        summary = ", ".join(f"{key}: {value}" for key, value in current.values.items())
        self.message_user(
            request, _("Counters recomputed: %(summary)s") % {"summary": summary}, messages.SUCCESS
        )

    def get_urls(self):
        recompute = self.admin_site.admin_view(self.recompute_view)
        return [
            path("recompute/", recompute, name="dashboard_app_dashboardstat_recompute"),
            *super().get_urls(),
        ]

    def recompute_view(self, request: HttpRequest) -> HttpResponseRedirect:
        # A button on the changelist: it works before any row exists, when
        # the action (which needs selected rows) cannot.
        if request.method == "POST" and self.has_view_permission(request):
            self.recompute_now(request)
        return HttpResponseRedirect(reverse("admin:dashboard_app_dashboardstat_changelist"))
