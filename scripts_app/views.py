"""The forms that create, edit and delete scripts, and the executions list.

The scripts list and each script's page show health from the dashboard's rollup:
they are dashboard_app.script_pages. Reads come from selectors; writes are plain CRUD.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DeleteView, UpdateView

from scripts_app import run_counts
from scripts_app.forms import ExecutionFilterForm, ScriptForm
from scripts_app.models import Script, ScriptExecution
from scripts_app.run_counts import KnownCountPaginator
from scripts_app.selectors import executions_matching

EXECUTIONS_PER_PAGE = 50


class ScriptFormMixin(LoginRequiredMixin, PermissionRequiredMixin, SuccessMessageMixin):
    model = Script
    form_class = ScriptForm
    template_name = "scripts_app/script_form.html"
    success_url = reverse_lazy("script-list")


class ScriptCreate(ScriptFormMixin, CreateView):
    permission_required = "scripts_app.add_script"
    success_message = _("Script “%(name)s” was created.")


class ScriptUpdate(ScriptFormMixin, UpdateView):
    permission_required = "scripts_app.change_script"
    success_message = _("Script “%(name)s” was saved.")


class ScriptDelete(LoginRequiredMixin, PermissionRequiredMixin, DeleteView):
    model = Script
    permission_required = "scripts_app.delete_script"
    template_name = "scripts_app/script_confirm_delete.html"
    success_url = reverse_lazy("script-list")

    def get_context_data(self, **kwargs):
        return super().get_context_data(run_count=self.object.executions.count(), **kwargs)

    def form_valid(self, form):
        messages.success(self.request, _("Script “%(name)s” was deleted.") % {"name": self.object.name})
        return super().form_valid(form)


@login_required
def execution_list(request: HttpRequest) -> HttpResponse:
    form = ExecutionFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # A filter we cannot read shows nothing rather than an unfiltered list.
        executions, count = ScriptExecution.objects.none(), 0
    else:
        filters = form.cleaned_data if form.is_bound else {}
        script, status, day = filters.get("script"), filters.get("status"), filters.get("date")
        executions = executions_matching(script=script, status=status, day=day)
        count = run_counts.count_runs(
            first=day, last=day, script_id=script.pk if script else None, status=status or None
        )
    page = KnownCountPaginator(executions, EXECUTIONS_PER_PAGE, count=count).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "scripts_app/execution_list.html",
        {"form": form, "page_obj": page, "filter_query": query.urlencode()},
    )
