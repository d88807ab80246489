"""The scripts' pages: the list with each script's health, and one script's page.

Health comes from dashboard_app.health (the rollup), so both cost the same
whatever the history holds. The forms that create, edit and delete a script
are scripts_app's.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import ensure_csrf_cookie

from dashboard_app import health, history
from scripts_app.dates import local_today
from scripts_app.models import Script, ScriptExecution

SCRIPTS_PER_PAGE = 100
RECENT_RUNS = 50
SCRIPT_CHART_DAYS = 30


@login_required
@ensure_csrf_cookie  # the active switches post with it
def script_list(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort")
    scripts = health.with_health(Script.objects.with_last_execution(), local_today())
    if sort in health.SORTS:
        scripts = scripts.order_by(*health.SORTS[sort], "execution_order", "id")
    else:
        sort = None
    page = Paginator(scripts, SCRIPTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboard_app/script_list.html",
        {"page_obj": page, "sort": sort, "page_query": f"sort={sort}" if sort else ""},
    )


@login_required
@ensure_csrf_cookie
def script_page(request: HttpRequest, pk: int) -> HttpResponse:
    today = local_today()
    script = get_object_or_404(health.with_health(Script.objects.with_last_execution(), today), pk=pk)
    runs = ScriptExecution.objects.filter(script=script).order_by("-started_at", "-id")[:RECENT_RUNS]
    per_day = history.runs_per_day(days=SCRIPT_CHART_DAYS, today=today, script_id=pk)
    return render(
        request,
        "dashboard_app/script_page.html",
        {
            "script": script,
            "today": today,
            "rate_first_day": health.rate_window(today)[0],
            "durations": health.median_duration(script.pk, today),
            "runs": runs,
            "chart": history.bar_chart(per_day),
        },
    )
