"""A failing upkeep never fails the user's write, and the counters and the rollup heal."""

import pytest
from django.db import connection, transaction

from conftest import FailingStatements, fresh_counts, fresh_rollup, stored_rollup
from dashboard_app.counters import recount, stats, touched
from dashboard_app.models import DashboardStat
from scripts_app.models import Script, ScriptExecution, Status

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_write_survives_an_upkeep_that_fails_once(make_script, monkeypatch):
    make_script()
    stats.refresh_stats()
    real_mark_stale = recount.mark_stale
    calls = []

    def fail_once(keys):
        calls.append(keys)
        if len(calls) == 1:
            raise RuntimeError("dashboard_stats unavailable")
        return real_mark_stale(keys)

    monkeypatch.setattr(recount, "mark_stale", fail_once)
    make_script()  # must not raise
    assert Script.objects.count() == 2
    assert len(calls) == 2  # retried
    assert stats.get_stats().values["total_scripts"] == 2


def test_a_write_survives_an_upkeep_that_keeps_failing(make_script, monkeypatch):
    make_script()
    stats.refresh_stats()

    def always_fail(keys):
        raise RuntimeError("dashboard_stats unavailable")

    monkeypatch.setattr(recount, "mark_stale", always_fail)
    make_script()
    monkeypatch.undo()
    # This process remembers that it could not mark the counter stale.
    assert stats.get_stats().values["total_scripts"] == 2
    assert stats.get_stats().source == "cache"  # healed and stored


def test_a_receiver_that_cannot_work_out_the_keys_marks_them_all(make_script, monkeypatch):
    make_script()
    stats.refresh_stats()

    def broken(*args):
        raise TypeError("unexpected state")

    monkeypatch.setattr(touched, "keys_changed_by_script", broken)
    script = make_script()
    script.active = False
    script.save()
    monkeypatch.undo()
    assert stats.get_stats().values == stats.get_stats(use_cache=False).values
    assert stats.get_stats().values["inactive_scripts"] == 1


def test_a_store_that_fails_once_serves_the_right_values_and_the_next_read_heals(make_script):
    make_script()
    stats.refresh_stats()
    make_script()
    fault = FailingStatements("UPDATE")
    with connection.execute_wrapper(fault):
        first = stats.get_stats()
    assert fault.failed == 1
    assert (first.values["total_scripts"], first.source) == (2, "live")
    assert DashboardStat.objects.get(stat_key="total_scripts").stale  # not stored: still marked
    healed = stats.get_stats()
    assert healed.values == fresh_counts()
    assert stats.get_stats().source == "cache"


def test_rows_that_cannot_be_created_are_created_by_the_next_read(make_script):
    make_script()
    fault = FailingStatements("INSERT")
    with connection.execute_wrapper(fault):
        assert stats.get_stats().values == fresh_counts()
    assert fault.failed == 1
    assert stats.get_stats().values == fresh_counts()
    assert DashboardStat.objects.count() == len(stats.KEYS)


def test_a_mark_that_fails_at_the_database_once_is_retried(make_script):
    make_script()
    stats.refresh_stats()
    fault = FailingStatements("UPDATE")
    with connection.execute_wrapper(fault):
        make_script(active=False)  # must not raise
    assert fault.failed == 1
    assert Script.objects.count() == 2
    assert not recount.unconfirmed_keys  # the retry got through
    assert stats.get_stats().values == fresh_counts()


def test_reads_count_from_the_tables_while_the_database_refuses_every_rollup_recount(
    make_script, make_execution
):
    script = make_script()
    stats.refresh_stats()
    make_execution(script, status=Status.ERROR)
    fault = FailingStatements("INSERT", times=10, table="dashboard_daily_runs")
    with connection.execute_wrapper(fault):
        with transaction.atomic():
            make_execution(script, status=Status.SUCCESS)
            assert stats.get_stats(use_cache=False).values == fresh_counts()  # its own transaction sees it
        assert stats.get_stats(use_cache=False).values == fresh_counts()  # counted from the tables
    assert fault.failed >= 2  # each recount's insert of today's rows was refused
    assert ScriptExecution.objects.count() == 2  # nothing lost
    assert stats.get_stats(use_cache=False).values == fresh_counts()
    assert stored_rollup() == fresh_rollup()  # the next recount went through


def test_a_write_survives_the_database_refusing_every_mark(make_script, make_execution):
    script = make_script()
    stats.refresh_stats()
    with connection.execute_wrapper(FailingStatements("UPDATE", times=10)):
        with transaction.atomic():
            make_execution(script, status=Status.ERROR)
            make_script()
    assert (Script.objects.count(), ScriptExecution.objects.count()) == (2, 1)  # nothing lost
    assert stats.get_stats().values == fresh_counts()


def test_a_failed_store_inside_the_callers_transaction_does_not_break_it(make_script):
    """The store runs in a savepoint: on PostgreSQL a failed statement would otherwise
    abort the caller's whole transaction."""
    make_script()
    stats.refresh_stats()
    with transaction.atomic():
        make_script()
        with connection.execute_wrapper(FailingStatements("UPDATE")):
            assert stats.get_stats().values["total_scripts"] == 2
        make_script()  # the transaction still works
    assert Script.objects.count() == 3
    assert stats.get_stats().values == fresh_counts()
