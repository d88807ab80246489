"""Admin for scripts and their runs.

The activate/deactivate actions write with QuerySet.update(), which announces
the change (scripts_app.signals.rows_changed) so that the dashboard's counters of
scripts stay true.

The executions changelist never counts the executions table to draw a page:
its count and its date hierarchy come from run_history (the rollup) wherever
its filters are whole local days and a status (admin_terms), and it does not
count the unfiltered table at all (show_full_result_count).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin_lists import PlainActionCheckbox
from scripts_app import run_history
from scripts_app.admin_terms import run_terms
from scripts_app.forms import SCHEDULE_FIELDS, ScriptForm
from scripts_app.models import Script, ScriptExecution
from scripts_app.run_history import KnownCountPaginator
from scripts_app.templatetags.run_format import run_duration


@admin.register(Script)
class ScriptAdmin(PlainActionCheckbox, admin.ModelAdmin):
    form = ScriptForm  # the schedule checked as the API and the pages check it
    list_display = ["name", "active", "state", "next_due", "execution_order", "updated_at"]
    list_filter = ["active", "state"]
    search_fields = ["name", "description"]
    ordering = ["execution_order", "id"]  # a page of the script_list_order index
    # The product's lists of scripts show 25 a page (scripts_app.views.SCRIPTS_PER_PAGE): a page
    # costs its rows, and 100 of them cost three times 20 (bench row 11a at 10,000 scripts).
    list_per_page = 25
    # A filtered list counts its matches once, not the whole table again beside them.
    show_full_result_count = False
    actions = ["activate", "deactivate"]
    readonly_fields = ["state", "next_due", "last_flip_at"]
    fieldsets = [
        (None, {"fields": ["name", "description", "active", "execution_order"]}),
        (_("Expected schedule"), {"fields": SCHEDULE_FIELDS}),
        (_("State"), {"fields": ["state", "next_due", "last_flip_at"]}),
    ]

    @admin.action(description=_("Activate selected scripts"), permissions=["change"])
    def activate(self, request, queryset) -> None:
        self._set_active(request, queryset, active=True)

    @admin.action(description=_("Deactivate selected scripts"), permissions=["change"])
    def deactivate(self, request, queryset) -> None:
        self._set_active(request, queryset, active=False)

    def _set_active(self, request, queryset, *, active: bool) -> None:
        changed = queryset.exclude(active=active).update(active=active, updated_at=timezone.now())
        if active:
            message = ngettext("%(count)d script activated.", "%(count)d scripts activated.", changed)
        else:
            message = ngettext("%(count)d script deactivated.", "%(count)d scripts deactivated.", changed)
        self.message_user(request, message % {"count": changed}, messages.SUCCESS)


@admin.register(ScriptExecution)
class ScriptExecutionAdmin(PlainActionCheckbox, admin.ModelAdmin):
    list_display = ["id", "script", "status", "started_at", "completed_at", "duration"]
    list_filter = ["status", "started_at"]
    list_select_related = ["script"]
    date_hierarchy = "started_at"
    search_fields = ["script__name", "error_message"]
    autocomplete_fields = ["script"]
    show_full_result_count = False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        terms = run_terms(request.GET)
        if terms is None:  # a search, or a filter that is not whole days: count as Django does
            return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)
        count = run_history.count_runs(terms)
        return KnownCountPaginator(queryset, per_page, orphans, allow_empty_first_page, count=count)

    @admin.display(description=_("duration"))
    def duration(self, execution: ScriptExecution) -> str:
        return run_duration(execution.started_at, execution.completed_at)
