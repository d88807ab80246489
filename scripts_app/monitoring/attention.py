"""Which scripts need attention, worst first, and how many scripts are in each state: the
dashboard's "needs attention" panel and /metrics read them here.

Needing attention: down, late, or stuck (a run still running past the script's maximum run
time, which the watcher has not ended yet). Worst first: down before late before stuck, and in
each the longest first. One query whatever the number of scripts: three small subqueries pick
at most `limit` scripts each (down and late through the (state, last_flip_at) index, in the
order it keeps; stuck through the partial index on check_at, since a script's check time is
never later than the moment its oldest run gets stuck), joined as a UNION; the outer query
reads those few by primary key with the last flip's reason and detail (the (script, at) index)
and the number of scripts down and late (counted in the state index: what that costs grows
with the scripts down or late, never with those that are fine).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from scripts_app.models import Flip, Script, ScriptExecution, State, Status
from scripts_app.monitoring.reasons import Why, why

LIMIT = 10
STUCK = "stuck"
# Down, then late, then stuck.
RANKS = {State.DOWN: 0, State.LATE: 1, STUCK: 2}


@dataclass(frozen=True)
class Problem:
    script: Script
    kind: str  # State.DOWN, State.LATE or STUCK
    since: datetime  # down or late since; stuck: since its run passed the maximum run time
    reason: str  # the last flip's Reason ("" for none)
    detail: str
    stuck_since: datetime | None  # set whenever one of its runs is stuck, whatever its kind

    @property
    def why(self) -> Why:
        return why(self.reason, self.detail)

    @property
    def max_runtime(self) -> timedelta | None:
        seconds = self.script.max_runtime_seconds
        return timedelta(seconds=seconds) if seconds else None


@dataclass(frozen=True)
class Attention:
    problems: list[Problem]  # at most `limit`, worst first
    down: int  # scripts down in all
    late: int  # scripts late in all

    @property
    def shown(self) -> int:
        """How many of the scripts down or late `problems` shows."""
        return sum(problem.kind != STUCK for problem in self.problems)

    @property
    def more(self) -> bool:
        """Whether some scripts down or late are not among `problems`."""
        return self.down + self.late > self.shown


def needing_attention(*, now: datetime | None = None, limit: int = LIMIT) -> Attention:
    """The scripts that need attention at `now`, worst first: one query."""
    now = now or timezone.now()
    problems, down_total, late_total = [], 0, 0
    for script in candidates(now=now, limit=limit):
        down_total, late_total = script.down_total, script.late_total
        problems.append(_problem(script, now))
    problems.sort(key=lambda problem: (RANKS[problem.kind], problem.since, problem.script.pk))
    return Attention(problems=problems[:limit], down=down_total, late=late_total)


def candidates(*, now: datetime, limit: int) -> QuerySet[Script]:
    """At most `limit` scripts down, `limit` late and `limit` stuck, each group longest first,
    with their last flip's reason and detail, their oldest run still running and the numbers of
    scripts down and late (the same on every row)."""
    # Orders the indexes keep (no tie-break on pk), so that each part reads `limit` entries and
    # stops; ties are broken after, among the few rows read.
    down = Script.objects.filter(state=State.DOWN).order_by("last_flip_at").values("pk")[:limit]
    late = Script.objects.filter(state=State.LATE).order_by("last_flip_at").values("pk")[:limit]
    stuck = (
        Script.objects.filter(check_at__lte=now, max_runtime_seconds__isnull=False, active=True)
        .filter(Exists(_stuck_runs(now)))
        .order_by("check_at")
        .values("pk")[:limit]
    )
    last_flip = Flip.objects.filter(script=OuterRef("pk")).order_by("-at", "-id")
    running = ScriptExecution.objects.filter(script=OuterRef("pk"), status=Status.RUNNING).order_by()
    return (
        Script.objects.filter(pk__in=_either(down, late, stuck))
        .order_by()
        .only("pk", "name", "state", "last_flip_at", "created_at", "max_runtime_seconds", "active")
        .annotate(
            flip_reason=Subquery(last_flip.values("reason")[:1]),
            flip_detail=Subquery(last_flip.values("detail")[:1]),
            oldest_running=Subquery(
                running.values("script").annotate(first=Min("started_at")).values("first")[:1]
            ),
            down_total=_count_in(State.DOWN),
            late_total=_count_in(State.LATE),
        )
    )


def scripts_per_state() -> dict[str, int]:
    """How many scripts are in each state, every state named (zeros included): one query."""
    counts = dict(Script.objects.order_by().values_list("state").annotate(Count("pk")))
    return {state: counts.get(state, 0) for state in State.values}


def _stuck_runs(now: datetime):
    """The runs of the outer script still running past its maximum run time."""
    # Cast: SQLite's duration arithmetic refuses a PositiveIntegerField operand.
    max_runtime = ExpressionWrapper(
        Cast(OuterRef("max_runtime_seconds"), IntegerField()) * Value(timedelta(seconds=1)),
        output_field=DurationField(),
    )
    started_by = ExpressionWrapper(Value(now) - max_runtime, output_field=DateTimeField())
    return ScriptExecution.objects.filter(
        script=OuterRef("pk"), status=Status.RUNNING, started_at__lte=started_by
    )


def _either(*picks: QuerySet) -> QuerySet:
    """The ids any of `picks` (each sliced) selects, as one subquery that the outer query joins
    on the primary key. A UNION rather than an OR of INs, which PostgreSQL answers by scanning
    every script; each part wraps its slice, since SQLite refuses a LIMIT in a compound's part."""
    first, *others = [Script.objects.filter(pk__in=pick).order_by().values("pk") for pick in picks]
    return first.union(*others, all=True)


def _count_in(state: str) -> Coalesce:
    counted = (
        Script.objects.filter(state=state).order_by().values("state").annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _problem(script: Script, now: datetime) -> Problem:
    stuck_since = None
    if script.oldest_running is not None and script.max_runtime_seconds and script.active:
        passed = script.oldest_running + timedelta(seconds=script.max_runtime_seconds)
        stuck_since = passed if passed <= now else None
    if script.state in (State.DOWN, State.LATE):
        kind, since = script.state, script.last_flip_at or script.created_at
    else:
        kind, since = STUCK, stuck_since or now
    return Problem(
        script=script,
        kind=kind,
        since=since,
        reason=script.flip_reason or "",
        detail=script.flip_detail or "",
        stuck_since=stuck_since,
    )

