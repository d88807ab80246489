"""Model-based test: random sequences of writes, pings, watcher passes, rollbacks and clock jumps
never make the cache lie.

A hypothesis state machine drives the real ORM on a real (transactional)
database, so the in-transaction and after-commit upkeep run exactly as in
production. After every step the cached read must equal a fresh count worked
out independently (conftest.fresh_counts), a second read must be served from
the cache, and the rollup must equal a fresh GROUP BY of the executions by
local day, script and status (conftest.fresh_rollup).

The frozen clock starts shortly before a DST change in a zone that has one
(Berlin: 23- and 25-hour days; Santiago: a day without a midnight) and
moves by steps that cross local midnight and the change itself.

Size: STATEFUL_EXAMPLES sequences of up to STATEFUL_STEPS steps per zone
(.ci/run sets them for CI; the defaults keep a local run short). The
number of sequences and steps run is printed in the test summary.
"""

from __future__ import annotations

import io
import itertools
import os
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from conftest import FailingStatements, at, fresh_counts, fresh_rollup, fresh_week, stored_rollup, stored_week
from dashboard_app.counters import recount, stats
from dashboard_app.models import DashboardStat
from dashboard_app.rollup import week
from dashboard_app.tests.registry_driver import (
    CLOCK_STEPS,
    FINISHED,
    STARTS,
    WHENS,
    WRITES,
    RegistryDriver,
    RolledBack,
)
from scripts_app import health, run_history
from scripts_app.dates import local_today
from scripts_app.models import Script, ScriptExecution, Status
from scripts_app.monitoring import watcher

STATEFUL_EXAMPLES = int(os.environ.get("STATEFUL_EXAMPLES", "30"))
STATEFUL_STEPS = int(os.environ.get("STATEFUL_STEPS", "30"))
STATEFUL_TALLY = {"examples": 0, "steps": 0}

indexes = st.integers(min_value=0, max_value=50)


class CacheConsistency(RegistryDriver, RuleBasedStateMachine):
    zone: ZoneInfo

    def __init__(self) -> None:
        super().__init__()
        self.names = itertools.count()
        self.traveller: time_machine.travel | None = None
        self.scripts: list[int] = []
        self.runs: list[int] = []
        self.running: list[int] = []

    # ------------------------------------------------------------ set-up

    @initialize(start=st.integers(min_value=0, max_value=3))
    def start_the_clock(self, start: int) -> None:
        STATEFUL_TALLY["examples"] += 1
        self.traveller = time_machine.travel(at(STARTS[self.zone.key][start], self.zone.key), tick=False)
        self.clock = self.traveller.start()
        # Each sequence starts from nothing, cache included.
        ScriptExecution.objects.all().delete()
        Script.objects.all().delete()
        DashboardStat.objects.all().delete()
        recount.unconfirmed_keys.clear()

    def teardown(self) -> None:
        if self.traveller is not None:
            self.traveller.stop()

    # ------------------------------------------------------------ scripts

    @rule(active=st.booleans())
    def create_script(self, active: bool) -> None:
        Script.objects.create(name=self.new_name(), active=active)

    @precondition(lambda self: self.scripts)
    @rule(index=indexes)
    def rename_script(self, index: int) -> None:
        script = Script.objects.get(pk=self.pick(self.scripts, index))
        script.name = self.new_name()
        script.save()

    @precondition(lambda self: self.scripts)
    @rule(index=indexes, how=st.sampled_from(["save", "update_fields", "toggle_active", "bulk_update"]))
    def toggle_script(self, index: int, how: str) -> None:
        pk = self.pick(self.scripts, index)
        if how == "toggle_active":
            Script.objects.filter(pk=pk).toggle_active()
            return
        script = Script.objects.get(pk=pk)
        script.active = not script.active
        if how == "bulk_update":
            Script.objects.bulk_update([script], ["active"])
        else:
            script.save(update_fields=["active"] if how == "update_fields" else None)

    @precondition(lambda self: self.scripts)
    @rule(every=st.integers(min_value=1, max_value=3), active=st.booleans())
    def update_many_scripts(self, every: int, active: bool) -> None:
        Script.objects.filter(pk__in=self.scripts[::every]).update(active=active)

    @precondition(lambda self: self.scripts)
    @rule(index=indexes, how=st.sampled_from(["instance", "queryset"]))
    def delete_script(self, index: int, how: str) -> None:
        # Prefer a script that has runs, so the cascade is exercised.
        with_runs = list(Script.objects.filter(executions__isnull=False).values_list("pk", flat=True))
        pk = self.pick(with_runs or self.scripts, index)
        if how == "instance":
            Script.objects.get(pk=pk).delete()
        else:
            Script.objects.filter(pk=pk).delete()

    # ------------------------------------------------------------ executions

    @precondition(lambda self: self.scripts)
    @rule(index=indexes, status=st.sampled_from(FINISHED), when=st.sampled_from(WHENS))
    def record_execution(self, index: int, status: str, when: str) -> None:
        started_at = self.instant(when)
        ScriptExecution.objects.create(
            script_id=self.pick(self.scripts, index),
            status=status,
            started_at=started_at,
            completed_at=started_at + timedelta(seconds=1),
        )

    @precondition(lambda self: self.scripts)
    @rule(runs=st.lists(st.tuples(indexes, st.sampled_from(FINISHED), st.sampled_from(WHENS)), max_size=5))
    def bulk_record_executions(self, runs: list[tuple[int, str, str]]) -> None:
        ScriptExecution.objects.bulk_create(
            ScriptExecution(
                script_id=self.pick(self.scripts, index), status=status, started_at=self.instant(when)
            )
            for index, status, when in runs
        )

    @precondition(lambda self: self.scripts)
    @rule(index=indexes, when=st.sampled_from(WHENS))
    def start_running(self, index: int, when: str) -> None:
        ScriptExecution.objects.create(
            script_id=self.pick(self.scripts, index), status=Status.RUNNING, started_at=self.instant(when)
        )

    @precondition(lambda self: self.running)
    @rule(index=indexes, status=st.sampled_from(FINISHED))
    def complete_running(self, index: int, status: str) -> None:
        run = ScriptExecution.objects.get(pk=self.pick(self.running, index))
        run.status = status
        run.completed_at = max(self.now(), run.started_at)
        run.save()

    @precondition(lambda self: self.runs)
    @rule(index=indexes, when=st.sampled_from(WHENS))
    def move_execution(self, index: int, when: str) -> None:
        ScriptExecution.objects.filter(pk=self.pick(self.runs, index)).update(
            started_at=self.instant(when), completed_at=None, status=Status.ERROR
        )

    @precondition(lambda self: self.runs and self.scripts)
    @rule(index=indexes, to=indexes, how=st.sampled_from(["update", "bulk_update", "save"]))
    def reassign_execution(self, index: int, to: int, how: str) -> None:
        run = ScriptExecution.objects.get(pk=self.pick(self.runs, index))
        run.script_id = self.pick(self.scripts, to)
        if how == "update":
            ScriptExecution.objects.filter(pk=run.pk).update(script_id=run.script_id)
        elif how == "bulk_update":
            ScriptExecution.objects.bulk_update([run], ["script"])
        else:
            run.save()

    @precondition(lambda self: self.runs)
    @rule(index=indexes, how=st.sampled_from(["instance", "queryset", "all of a script"]))
    def delete_execution(self, index: int, how: str) -> None:
        run = ScriptExecution.objects.get(pk=self.pick(self.runs, index))
        if how == "instance":
            run.delete()
        elif how == "queryset":
            ScriptExecution.objects.filter(pk=run.pk).delete()
        else:
            ScriptExecution.objects.filter(script_id=run.script_id).delete()

    # ------------------------------------------------------------ transactions

    @rule(kind=st.sampled_from(WRITES), index=indexes, nested=st.booleans())
    def rolled_back_transaction(self, kind: str, index: int, nested: bool) -> None:
        try:
            with transaction.atomic():
                self.write(kind, index)
                if nested:
                    with transaction.atomic():
                        self.write("create script", index)
                raise RolledBack
        except RolledBack:
            pass

    @rule(outer=st.sampled_from(WRITES), inner=st.sampled_from(WRITES), index=indexes)
    def rolled_back_savepoint_in_a_committed_transaction(self, outer: str, inner: str, index: int) -> None:
        with transaction.atomic():
            self.write(outer, index)
            try:
                with transaction.atomic():
                    self.write(inner, index + 1)
                    raise RolledBack
            except RolledBack:
                pass

    @precondition(lambda self: self.scripts)
    @rule(index=indexes)
    def failed_write_in_a_transaction(self, index: int) -> None:
        taken = Script.objects.get(pk=self.pick(self.scripts, index)).name
        with transaction.atomic():
            ScriptExecution.objects.create(script_id=self.pick(self.scripts, index), status=Status.ERROR)
            try:
                with transaction.atomic():
                    Script.objects.create(name=taken)  # a duplicate: IntegrityError
            except IntegrityError:
                pass

    @rule(kind=st.sampled_from(WRITES), index=indexes, when=st.sampled_from(WHENS))
    def transaction_committing_after_midnight(self, kind: str, index: int, when: str) -> None:
        # Written before midnight, committed after it: the upkeep runs on the new day.
        with transaction.atomic():
            self.write(kind, index)
            first = Script.objects.order_by("pk").values_list("pk", flat=True).first()
            if first is not None:
                ScriptExecution.objects.create(
                    script_id=first, status=Status.ERROR, started_at=self.instant(when)
                )
            self.clock.move_to(self.local_midnight(1) + timedelta(seconds=1))
            assert stats.get_stats().values == fresh_counts()

    @rule(kind=st.sampled_from(WRITES), index=indexes)
    def read_own_writes_inside_a_transaction(self, kind: str, index: int) -> None:
        with transaction.atomic():
            self.write(kind, index)
            assert stats.get_stats().values == fresh_counts()

    # ------------------------------------------------------------ faults

    @rule(
        kind=st.sampled_from(WRITES),
        index=indexes,
        verb=st.sampled_from(["UPDATE", "INSERT"]),
        table=st.sampled_from(["dashboard_stats", "dashboard_daily_runs"]),
    )
    def upkeep_fails_during_a_write(self, kind: str, index: int, verb: str, table: str) -> None:
        # Marking the counters stale (or creating rows), or moving the rollup and
        # then its first recount, fail twice.
        with connection.execute_wrapper(FailingStatements(verb, times=2, table=table)):
            with transaction.atomic():
                self.write(kind, index)

    @rule(kind=st.sampled_from(WRITES), index=indexes, verb=st.sampled_from(["UPDATE", "INSERT"]))
    def store_fails_during_a_read_inside_a_transaction(self, kind: str, index: int, verb: str) -> None:
        with transaction.atomic():
            self.write(kind, index)
            with connection.execute_wrapper(FailingStatements(verb)):
                assert stats.get_stats().values == fresh_counts()
            self.write("create script", index)  # the transaction still works

    # ------------------------------------------------------------ pings and the watcher

    @precondition(lambda self: self.scripts)
    @rule(index=indexes, signal=st.sampled_from(["", "/start", "/fail", "/0", "/3"]))
    def ping(self, index: int, signal: str) -> None:
        """A cron line's curl: over real HTTP handling (the test client), no sign-in."""
        key = Script.objects.get(pk=self.pick(self.scripts, index)).ping_key
        assert Client().post(f"/ping/{key}{signal}", b"output", content_type="text/plain").status_code == 200

    @precondition(lambda self: self.running)
    @rule(
        index=indexes,
        max_runtime=st.sampled_from([timedelta(minutes=1), timedelta(hours=2)]),
        later=st.sampled_from([timedelta(0), timedelta(minutes=2), timedelta(hours=3)]),
    )
    def watcher_ends_stuck_runs(self, index: int, max_runtime: timedelta, later: timedelta) -> None:
        """The watcher's pass, `later`, over the script of a running run given a maximum run
        time and due for a look: its runs running longer than that end as failed (one
        conditional UPDATE), whatever day they started on."""
        script_id = ScriptExecution.objects.get(pk=self.pick(self.running, index)).script_id
        Script.objects.filter(pk=script_id).update(
            max_runtime_seconds=int(max_runtime.total_seconds()), check_at=self.now()
        )
        self.clock.shift(later)
        watcher.tick()

    # ------------------------------------------------------------ clock and jobs

    @rule(step=st.sampled_from(CLOCK_STEPS))
    def advance_the_clock(self, step: timedelta | str) -> None:
        if step == "next midnight":
            self.clock.move_to(self.local_midnight(1))
        elif step == "just before next midnight":
            self.clock.move_to(self.local_midnight(1) - timedelta(microseconds=1))
        else:
            self.clock.shift(step)

    @rule()
    def read_scripts_by_success_rate(self) -> None:
        # Through the rollup's week (rolled to today by the first such read of a day), in the
        # order the executions themselves give.
        today = local_today()
        first, page = health.rate_window(today)[0], slice(0, 100)
        counted = run_history.COUNTED_FROM_EXECUTIONS.lowest_rates(first, today, page)
        assert run_history.lowest_rates(first, today, page) == counted

    @rule()
    def reset_daily_stats(self) -> None:
        call_command("reset_daily_stats", stdout=io.StringIO())

    # ------------------------------------------------------------ the property

    @invariant()
    def cached_read_equals_a_fresh_count(self) -> None:
        STATEFUL_TALLY["steps"] += 1
        expected = fresh_counts()
        assert stats.get_stats().values == expected
        again = stats.get_stats()
        assert (again.values, again.source) == (expected, "cache")
        assert stored_rollup() == fresh_rollup()
        # The week the success-rate sorts read (once a sorted read, or the watcher, counted one).
        if (end := week.last_day()) is not None:
            assert stored_week() == fresh_week(end)
        self.scripts = list(Script.objects.order_by("pk").values_list("pk", flat=True))
        self.runs = list(ScriptExecution.objects.order_by("pk").values_list("pk", flat=True))
        self.running = [
            pk for pk in ScriptExecution.objects.filter(status=Status.RUNNING).values_list("pk", flat=True)
        ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("zone", list(STARTS))
def test_random_write_sequences_keep_the_cached_counters_true(settings, zone):
    settings.TIME_ZONE = zone
    settings.STATS_CACHE_TTL = 300
    CacheConsistency.zone = ZoneInfo(zone)
    run_state_machine_as_test(
        CacheConsistency,
        settings=hypothesis_settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


@pytest.mark.django_db(transaction=True)
def test_regression_a_store_failing_inside_the_callers_transaction(settings):
    """The shrunk sequence the machine found before stats stored in a savepoint: the failed
    store made Django mark the caller's transaction for rollback, so its next write raised
    TransactionManagementError and all of it was lost."""
    settings.TIME_ZONE = "Europe/Berlin"
    CacheConsistency.zone = ZoneInfo("Europe/Berlin")
    state = CacheConsistency()
    try:
        state.start_the_clock(start=0)
        state.cached_read_equals_a_fresh_count()
        state.store_fails_during_a_read_inside_a_transaction(index=0, kind="create script", verb="UPDATE")
        state.cached_read_equals_a_fresh_count()
        assert Script.objects.count() == 2
    finally:
        state.teardown()
