"""The pages of scripts and their runs: the scripts with their health and state (filtered by
state), one script's page (with its state, schedule, uptime and, for those who may change it,
its ping URLs: scripts_app.monitoring), the forms that create, edit and delete a script, and
the executions list.

Health and the runs per day come through run_history (the dashboard's rollup where it is
registered), so each page costs the same whatever the history holds.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.generic import CreateView, DeleteView, UpdateView

from scripts_app import chart, health, history, run_history, script_order
from scripts_app.dates import local_today
from scripts_app.forms import ExecutionFilterForm, ScriptForm
from scripts_app.models import RUN_TABLE_FIELDS, Script, ScriptExecution, State
from scripts_app.monitoring import overview, ping_keys
from scripts_app.run_history import KnownCountPaginator

# 25 rows a page, as Airflow's lists of DAGs: with thousands of scripts a page's cost is its
# rows' rendering (about 1 ms each), so a page of 25 costs about what a registry of 20 does.
SCRIPTS_PER_PAGE = 25
EXECUTIONS_PER_PAGE = 50
RECENT_RUNS = 50
SCRIPT_CHART_DAYS = 30


@login_required
@ensure_csrf_cookie  # the active switches post with it
def script_list(request: HttpRequest) -> HttpResponse:
    # An unknown sort or state is ignored (the whole list, in execution order), as links do.
    sort = request.GET.get("sort")
    sort = sort if sort in script_order.ORDERS else None
    state = request.GET.get("state")
    state = state if state in State.values else None
    today = local_today()
    scripts = health.with_health(Script.objects.with_last_execution(), today)
    if sort:
        # A page at a time, not a sort of all: of the scripts in that state, if one is chosen.
        among = Script.objects.filter(state=state) if state else None
        scripts = script_order.ORDERS[sort](scripts, today, among)
    elif state:
        scripts = scripts.filter(state=state)
    page = Paginator(scripts, SCRIPTS_PER_PAGE).get_page(request.GET.get("page"))
    chosen = {name: value for name, value in (("state", state), ("sort", sort)) if value}
    now = timezone.now()
    for script in page:
        script.expected = overview.expected(script, now=now)
    return render(
        request,
        "scripts_app/script_list.html",
        {
            "page_obj": page,
            "sort": sort,
            "state": state,
            "states": State.choices,
            "state_labels": dict(State.choices),  # app.js names the state a switch leads to
            "page_query": urlencode(chosen),
        },
    )


@login_required
@ensure_csrf_cookie
def script_page(request: HttpRequest, pk: int) -> HttpResponse:
    today = local_today()
    script = get_object_or_404(health.with_health(Script.objects.with_last_execution(), today), pk=pk)
    runs = ScriptExecution.objects.filter(script=script).only(*RUN_TABLE_FIELDS)
    runs = runs.order_by("-started_at", "-id")[:RECENT_RUNS]
    per_day = history.runs_per_day(days=SCRIPT_CHART_DAYS, today=today, script_id=pk)
    ping_lines = ping_keys.ping_lines(request, script)
    response = render(
        request,
        "scripts_app/script_page.html",
        {
            "script": script,
            "today": today,
            "rate_first_day": health.rate_window(today)[0],
            "durations": health.median_duration(script.pk, today),
            "runs": runs,
            "chart": chart.bar_chart(per_day),
            "monitoring": overview.overview(script),
            "ping_lines": ping_lines,
            "state_labels": dict(State.choices),
        },
    )
    if ping_lines:
        response["Cache-Control"] = "no-store"  # the ping key is a credential
    return response


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
        runs = form.run_filter()
        executions = runs.executions(ScriptExecution.objects.for_run_table())
        count = run_history.count_runs(runs)
    page = KnownCountPaginator(executions, EXECUTIONS_PER_PAGE, count=count).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    chosen = form.cleaned_data.get("script") if form.is_bound and not form.errors else None
    return render(
        request,
        "scripts_app/execution_list.html",
        {"form": form, "page_obj": page, "filter_query": query.urlencode(), "chosen_script": chosen},
    )
