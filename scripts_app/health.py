"""Each script's health: runs and failures today, the success rate of the last 7 local days,
its last results, and (for one script) its median run time.

The median reads at most the last MEDIAN_RUNS ended runs of the 7 days, newest first through
the (script, started_at) index: a script that runs every second has 600,000 runs in a week, and
its page would otherwise read them all (bench row 10q at 10M runs).

Today's and the week's figures come from run_history (the dashboard's rollup where it is
registered), so a list of scripts with their health costs the same whatever the history
holds: a few subqueries per script, each reading at most 7 rollup rows or the last few runs
through the (script, started_at) index.

The success rate is the share of the runs that ended (succeeded, failed or were cancelled)
in those 7 days that succeeded; a script none of whose runs ended has no rate (None), and
sorts after every script that has one.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import CharField, OuterRef, QuerySet, Subquery

from scripts_app import run_history
from scripts_app.models import Script, ScriptExecution
from scripts_app.run_filter import RunFilter

RATE_DAYS = 7
RECENT_RESULTS = 10
MEDIAN_RUNS = 200


def with_health(scripts: QuerySet[Script], today: date) -> QuerySet[Script]:
    """`scripts` annotated with runs_today, failures_today, succeeded_7d and ended_7d (their
    success_rate follows from the last two) and recent_statuses (recent_results() reads it)."""
    scripts = run_history.annotate_figures(scripts, today=today, first=rate_window(today)[0])
    latest = ScriptExecution.objects.filter(script=OuterRef("pk")).order_by("-started_at", "-id")
    return scripts.annotate(recent_statuses=JoinedStatuses(latest.values("status")[:RECENT_RESULTS]))


class JoinedStatuses(Subquery):
    """The statuses a subquery selects, in its order, joined with commas into one text: the
    last ten results of a script in one subquery rather than ten (one per OFFSET), which
    cost a list of 50 scripts 500 index probes."""

    # SQLite concatenates the rows of the ordered, limited subquery in its order (its
    # co-routine yields them so); test_script_health pins the order on both databases.
    template = "(SELECT GROUP_CONCAT(status, ',') FROM (%(subquery)s))"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        template = "ARRAY_TO_STRING(ARRAY(%(subquery)s), ',')"
        return self.as_sql(compiler, connection, template=template, **extra_context)


def recent_results(script: Script) -> list[str]:
    """The statuses of the script's last runs, oldest first (as a strip reads, left to right)."""
    joined = getattr(script, "recent_statuses", None)
    return joined.split(",")[::-1] if joined else []


def rate_window(today: date) -> tuple[date, date]:
    """The local days the success rate counts: today and the 6 before it."""
    return today - timedelta(days=RATE_DAYS - 1), today


@dataclass(frozen=True)
class Durations:
    median: timedelta | None
    counted: int  # runs that ended with a completion time in the window, MEDIAN_RUNS at most
    capped: bool  # the window held more ended runs than it counted (the latest MEDIAN_RUNS)


def median_duration(script_id: int, today: date) -> Durations:
    """The median run time of the latest MEDIAN_RUNS runs started in the last 7 local days
    that have ended."""
    first, last = rate_window(today)
    week = RunFilter(first=first, last=last, script_id=script_id).executions()
    ended = week.filter(completed_at__isnull=False).order_by("-started_at", "-id")
    times = list(ended.values_list("started_at", "completed_at")[: MEDIAN_RUNS + 1])
    durations = [completed - started for started, completed in times[:MEDIAN_RUNS]]
    median = statistics.median(durations) if durations else None
    return Durations(median, len(durations), capped=len(times) > MEDIAN_RUNS)
