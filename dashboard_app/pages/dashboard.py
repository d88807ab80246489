"""The dashboard page (its counters, the scripts that need attention and the runs per day) and
the list behind each of its counters.

Both read dashboard_app.counters.stats: the counters through get_stats(), the lists
through COUNTERS[key].list(day), so a counter and its list cannot disagree.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboard_app.counters import stats
from dashboard_app.counters.etag import stats_etag
from scripts_app import chart, history, run_history
from scripts_app.dates import local_today
from scripts_app.forms import LocalDayField
from scripts_app.models import ScriptExecution
from scripts_app.monitoring.attention import needing_attention
from scripts_app.run_filter import RunFilter
from scripts_app.run_history import KnownCountPaginator

ROWS_PER_PAGE = 25  # as scripts_app.views.SCRIPTS_PER_PAGE
# How long after the last pointer, key or scroll activity the dashboard keeps
# polling at DASHBOARD_ACTIVE_REFRESH_SECONDS before slowing down.
ACTIVE_WINDOW_SECONDS = 60

LABELS = {
    stats.TOTAL_SCRIPTS: gettext_lazy("Total scripts"),
    stats.TODAY_EXECUTIONS: gettext_lazy("Runs today"),
    stats.TODAY_FAILED_SCRIPTS: gettext_lazy("Scripts failed today"),
    stats.INACTIVE_SCRIPTS: gettext_lazy("Inactive scripts"),
}
DESCRIPTIONS = {
    stats.TOTAL_SCRIPTS: gettext_lazy("Every registered script."),
    stats.TODAY_EXECUTIONS: gettext_lazy("Runs started today, any status."),
    stats.TODAY_FAILED_SCRIPTS: gettext_lazy("Distinct scripts with a failed run today."),
    stats.INACTIVE_SCRIPTS: gettext_lazy("Scripts switched off."),
}


def counter_url(key: str, day: date) -> str:
    url = reverse("counter-list", args=[key])
    return f"{url}?day={day.isoformat()}" if stats.COUNTERS[key].daily else url


def script_text() -> dict[str, str]:
    """What app.js may have to say, in the page's language."""
    return {
        "cached": _("cached"),
        "live": _("live"),
        "stale": _(
            "Could not refresh the numbers: %(reason)s. The numbers shown were computed at %(time)s"
            " and may be out of date."
        ),
        "http_error": _("the server answered with status %(status)s"),
        "unavailable": _("the database is unavailable for the moment; trying again in a few seconds"),
        "network_error": _("the server could not be reached"),
        "bad_answer": _("the server's answer could not be read"),
        "signed_out": _("you are signed out; log in again"),
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    current = stats.get_stats()
    days = history.days_asked(request.GET.get("days"))
    counters = [
        {
            "key": key,
            "label": LABELS[key],
            "description": DESCRIPTIONS[key],
            "value": current.values[key],
            "url": counter_url(key, current.day),
            "daily": stats.COUNTERS[key].daily,
        }
        for key in stats.KEYS
    ]
    return render(
        request,
        "dashboard_app/dashboard.html",
        {
            "stats": current,
            "counters": counters,
            "attention": needing_attention(),
            "chart": chart.bar_chart(history.runs_per_day(days=days, today=current.day)),
            "chart_days": days,
            "chart_ranges": history.RANGES,
            "refresh_seconds": settings.DASHBOARD_REFRESH_SECONDS,
            "active_refresh_seconds": settings.DASHBOARD_ACTIVE_REFRESH_SECONDS,
            "active_window_seconds": ACTIVE_WINDOW_SECONDS,
            # The first poll sends it: a 304 if nothing changed since the page was rendered.
            "stats_etag": stats_etag(current),
            "text": script_text(),
        },
    )


@login_required
def counter_list(request: HttpRequest, key: str) -> HttpResponse:
    counter = stats.COUNTERS.get(key)
    if counter is None:
        raise Http404(_("There is no counter named %(key)s.") % {"key": key})
    day = local_today()
    if counter.daily and request.GET.get("day"):
        try:
            day = LocalDayField(input_formats=["%Y-%m-%d"]).clean(request.GET["day"])
        except ValidationError:
            return HttpResponseBadRequest(_("The day must be a date written as YYYY-MM-DD."))
    rows = counter.list(day)
    if rows.model is ScriptExecution:
        # Counted from the rollup: a day's runs can be a hundred thousand rows.
        rows = rows.for_run_table()
        count = run_history.count_runs(RunFilter.of(day=day))
        paginator = KnownCountPaginator(rows, ROWS_PER_PAGE, count=count)
    else:
        paginator = Paginator(rows, ROWS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "dashboard_app/counter_list.html",
        {
            "key": key,
            "label": LABELS[key],
            "description": DESCRIPTIONS[key],
            "daily": counter.daily,
            "day": day,
            "page_obj": page,
            "page_query": f"day={day.isoformat()}" if counter.daily else "",
            "lists_executions": rows.model is ScriptExecution,
            "lists_failures": key == stats.TODAY_FAILED_SCRIPTS,
        },
    )
