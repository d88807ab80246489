"""Realistic demo data in bulk: scripts and a history of their executions.

Used by `manage.py seed_demo` and by the benchmarks. Rows are written with
bulk_create in batches inside one transaction, so an interrupted run leaves
nothing half-written. The new scripts are announced like any bulk write of
scripts (scripts_app.signals.rows_changed), and the database's triggers count
each batch of runs into the dashboard's rollup: the counters stay true.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from scripts_app.dates import day_window, local_today
from scripts_app.models import Script, ScriptExecution, Status
from scripts_app.monitoring import states

# Roughly what a team's run history looks like: mostly green, some red.
PAST_STATUS_WEIGHTS = {Status.SUCCESS: 88, Status.ERROR: 8, Status.CANCELLED: 4}
TODAY_STATUS_WEIGHTS = {Status.SUCCESS: 85, Status.ERROR: 8, Status.CANCELLED: 4, Status.RUNNING: 3}
INACTIVE_SHARE = 0.1
ERROR_MESSAGES = (
    "TimeoutError: the target did not answer within 30 s",
    "ConnectionResetError: connection reset by peer",
    "KeyError: 'invoice_id'",
    "PermissionError: access denied to the shared folder",
    "ValueError: unexpected date format in row 17",
)
LONGEST_RUN_SECONDS = 600
BATCH_SIZE = 5000

Progress = Callable[[int], None]  # called with the number of executions just written


class SeedError(ValueError):
    """The requested demo data cannot be made (the message names the problem)."""


@dataclass(frozen=True)
class SeedPlan:
    scripts: int
    executions: int
    days: int
    today: int

    def __post_init__(self) -> None:
        if self.scripts < 0 or self.executions < 0:
            raise SeedError("--scripts and --executions may not be negative.")
        if self.days < 1:
            raise SeedError("--days must be at least 1 (today).")
        if not 0 <= self.today <= self.executions:
            raise SeedError(f"--today must be between 0 and --executions ({self.executions}).")
        if self.days == 1 and self.today != self.executions:
            raise SeedError("With --days 1 every execution is today: --today must equal --executions.")

    @classmethod
    def spread_evenly(cls, *, scripts: int, executions: int, days: int, today: int | None = None) -> SeedPlan:
        """A plan whose executions fall evenly on the days unless `today` says otherwise."""
        if today is None:
            today = executions if days <= 1 else executions // max(days, 1)
        return cls(scripts=scripts, executions=executions, days=days, today=today)


@dataclass(frozen=True)
class SeedResult:
    scripts: int
    inactive_scripts: int
    executions: int
    today_executions: int


def seed_demo(
    plan: SeedPlan,
    *,
    rng: random.Random | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> SeedResult:
    """Add plan.scripts scripts and plan.executions executions, oldest first.

    Past executions spread over the plan.days - 1 local days before today;
    plan.today of them start today, before now. They belong to the new
    scripts, or to the existing ones when the plan adds no scripts.
    """
    rng = rng or random.Random()
    with transaction.atomic():
        scripts = create_scripts(plan.scripts, rng=rng)
        script_ids = [script.pk for script in scripts] or list(Script.objects.values_list("pk", flat=True))
        if plan.executions and not script_ids:
            raise SeedError("Executions need scripts: give --scripts of at least 1.")
        written = 0
        for batch in _batches(_executions(plan, script_ids, rng), batch_size):
            ScriptExecution.objects.bulk_create(batch, batch_size=batch_size)
            written += len(batch)
            if progress:
                progress(len(batch))
        # Runs written in bulk send no signal: their scripts' states are decided here.
        for script_id in script_ids:
            states.evaluate(script_id)
    return SeedResult(
        scripts=len(scripts),
        inactive_scripts=sum(not script.active for script in scripts),
        executions=written,
        today_executions=plan.today,
    )


def create_scripts(count: int, *, rng: random.Random) -> list[Script]:
    # A random tag keeps the names unique across several runs.
    tag = secrets.token_hex(3)
    now = timezone.now()
    scripts = [
        Script(
            name=f"demo-{tag}-{number:06d}",
            description=f"Demo workflow {number} ({tag})",
            active=rng.random() >= INACTIVE_SHARE,
            execution_order=number,
            created_at=now,
            updated_at=now,
        )
        for number in range(1, count + 1)
    ]
    return Script.objects.bulk_create(scripts, batch_size=BATCH_SIZE)


def execution_rows(
    script_ids: list[int], starts: list[datetime], *, rng: random.Random, today: bool
) -> Iterator[ScriptExecution]:
    """One execution per start time, for random scripts, with a realistic status."""
    weights = TODAY_STATUS_WEIGHTS if today else PAST_STATUS_WEIGHTS
    statuses = rng.choices(list(weights), weights=list(weights.values()), k=len(starts))
    now = timezone.now()
    for started_at, status in zip(starts, statuses, strict=True):
        completed_at = None
        if status != Status.RUNNING:
            completed_at = min(started_at + timedelta(seconds=rng.uniform(0.5, LONGEST_RUN_SECONDS)), now)
        yield ScriptExecution(
            script_id=rng.choice(script_ids),
            status=status,
            started_at=started_at,
            completed_at=completed_at,
            error_message=rng.choice(ERROR_MESSAGES) if status == Status.ERROR else "",
        )


def _executions(plan: SeedPlan, script_ids: list[int], rng: random.Random) -> Iterator[ScriptExecution]:
    today = local_today()
    past_days = plan.days - 1
    past = plan.executions - plan.today
    for back in range(past_days, 0, -1):
        # Spread the remainder over the most recent days.
        count = past // past_days + (1 if back <= past % past_days else 0)
        start, end = day_window(today - timedelta(days=back))
        yield from execution_rows(script_ids, _sorted_times(start, end, count, rng), rng=rng, today=False)
    start, _ = day_window(today)
    yield from execution_rows(
        script_ids, _sorted_times(start, timezone.now(), plan.today, rng), rng=rng, today=True
    )


def _sorted_times(start: datetime, end: datetime, count: int, rng: random.Random) -> list[datetime]:
    """`count` random instants in [start, end), in order (index-friendly inserts)."""
    span = max((end - start).total_seconds(), 0.0)
    return [start + timedelta(seconds=offset) for offset in sorted(rng.random() * span for _ in range(count))]


def _batches(rows: Iterator[ScriptExecution], size: int) -> Iterator[list[ScriptExecution]]:
    batch: list[ScriptExecution] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
