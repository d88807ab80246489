"""Every ORM write path keeps the *cached* read equal to a fresh count at once,
and the rollup equal to a fresh count of runs per local day, script and status.

Each test warms the cache first, so a write path that forgot its upkeep would
leave the cached read serving the old number. A write of runs moves the
rollup, which the day's counters are read from: after it the read is still
served from the cache (no recount).
"""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction

from conftest import NOON_IN_SEOUL as NOON
from conftest import fresh_rollup, stored_rollup
from dashboard_app.counters import stats
from dashboard_app.models import DashboardStat
from scripts_app.models import Script, ScriptExecution, Status

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("running_from_noon_in_seoul")]

YESTERDAY = NOON - timedelta(days=1)


@pytest.fixture
def registry(make_script, make_execution):
    """Two scripts, one inactive; runs today (one failure) and yesterday; a warm cache."""
    alpha, beta = make_script(name="alpha"), make_script(name="beta", active=False)
    make_execution(alpha, status=Status.SUCCESS)
    make_execution(beta, status=Status.ERROR, error_message="boom")
    make_execution(alpha, status=Status.ERROR, started_at=YESTERDAY)
    stats.refresh_stats()
    assert cached() == {
        "total_scripts": 2,
        "today_executions": 2,
        "today_failed_scripts": 1,
        "inactive_scripts": 1,
    }
    assert stats.get_stats().source == "cache"
    return alpha, beta


def cached() -> dict[str, int]:
    return stats.get_stats().values


def assert_cache_true(**expected: int) -> None:
    assert stored_rollup() == fresh_rollup()
    served = cached()
    assert served == stats.get_stats(use_cache=False).values
    assert {key: served[key] for key in expected} == expected


def assert_served_from_cache_and_true(**expected: int) -> None:
    """After writes of runs only: the day's counters moved without a recount."""
    read = stats.get_stats()
    assert read.source == "cache"
    assert {key: read.values[key] for key in expected} == expected
    assert_cache_true(**expected)


def test_creating_a_script(registry, make_script):
    make_script(active=False)
    assert_cache_true(total_scripts=3, inactive_scripts=2)


def test_toggling_a_script_with_save(registry):
    alpha, beta = registry
    alpha.active = False
    alpha.save()
    assert_cache_true(inactive_scripts=2)
    beta.refresh_from_db()
    beta.active = True
    beta.save(update_fields=["active"])
    assert_cache_true(inactive_scripts=1)


def test_saving_a_script_loaded_without_its_state_still_counts(registry):
    alpha, _ = registry
    Script(pk=alpha.pk, name="alpha", active=False).save()
    assert_cache_true(inactive_scripts=2, total_scripts=2)


def test_deleting_a_script_cascades_to_its_executions(registry):
    _, beta = registry
    beta.delete()
    assert_cache_true(total_scripts=1, inactive_scripts=0, today_executions=1, today_failed_scripts=0)


def test_queryset_update_of_many_scripts(registry):
    Script.objects.update(active=False)
    assert_cache_true(inactive_scripts=2)


def test_queryset_delete_of_scripts(registry):
    Script.objects.filter(name="beta").delete()
    assert_cache_true(total_scripts=1, today_failed_scripts=0, today_executions=1)


def test_bulk_create_scripts(registry):
    Script.objects.bulk_create([Script(name=f"bulk-{i}", active=i % 2 == 0) for i in range(5)])
    assert_cache_true(total_scripts=7, inactive_scripts=3)


def test_bulk_update_scripts(registry):
    scripts = list(Script.objects.all())
    for script in scripts:
        script.active = False
    Script.objects.bulk_update(scripts, ["active"])
    assert_cache_true(inactive_scripts=2)


def test_recording_executions_one_by_one(registry, make_execution):
    alpha, _ = registry
    run = make_execution(alpha, status=Status.RUNNING)
    assert_served_from_cache_and_true(today_executions=3, today_failed_scripts=1)
    run.status = Status.ERROR
    run.completed_at = run.started_at + timedelta(seconds=3)
    run.save()
    assert_served_from_cache_and_true(today_executions=3, today_failed_scripts=2)
    run.delete()
    assert_served_from_cache_and_true(today_executions=2, today_failed_scripts=1)


def test_moving_an_execution_to_another_day(registry):
    failed_today = ScriptExecution.objects.get(status=Status.ERROR, started_at__gt=YESTERDAY)
    failed_today.started_at = YESTERDAY
    failed_today.save()
    assert_served_from_cache_and_true(today_executions=1, today_failed_scripts=0)


def test_queryset_update_of_executions(registry):
    ScriptExecution.objects.update(status=Status.ERROR)
    assert_served_from_cache_and_true(today_failed_scripts=2)


def test_queryset_delete_of_executions(registry):
    ScriptExecution.objects.filter(status=Status.SUCCESS).delete()
    assert_served_from_cache_and_true(today_executions=1)


def test_bulk_create_executions(registry):
    alpha, _ = registry
    ScriptExecution.objects.bulk_create(
        [ScriptExecution(script=alpha, status=Status.ERROR) for _ in range(4)]
        + [ScriptExecution(script=alpha, status=Status.SUCCESS, started_at=YESTERDAY)]
    )
    assert_served_from_cache_and_true(today_executions=6, today_failed_scripts=2)


def test_bulk_update_executions(registry):
    runs = list(ScriptExecution.objects.all())
    for run in runs:
        run.status = Status.CANCELLED
    ScriptExecution.objects.bulk_update(runs, ["status"])
    assert_served_from_cache_and_true(today_executions=2, today_failed_scripts=0)


def test_loaddata(registry, tmp_path):
    fixture = tmp_path / "more.json"
    fixture.write_text(
        json.dumps(
            [
                {"model": "scripts_app.script", "pk": 100, "fields": {"name": "loaded", "active": False}},
                {
                    "model": "scripts_app.scriptexecution",
                    "pk": 100,
                    "fields": {"script": 100, "status": "error", "started_at": NOON.isoformat()},
                },
            ]
        )
    )
    call_command("loaddata", str(fixture), stdout=io.StringIO())
    assert_cache_true(total_scripts=3, inactive_scripts=2, today_executions=3, today_failed_scripts=2)


def test_a_rolled_back_transaction_leaves_the_cache_untouched(registry, make_execution):
    alpha, _ = registry
    before = list(DashboardStat.objects.values_list("stat_key", "stat_value", "version", "stale"))
    with pytest.raises(RuntimeError), transaction.atomic():
        make_execution(alpha, status=Status.ERROR)
        Script.objects.update(active=False)
        raise RuntimeError("abort")
    assert list(DashboardStat.objects.values_list("stat_key", "stat_value", "version", "stale")) == before
    assert stats.get_stats().source == "cache"
    assert_cache_true(today_executions=2, today_failed_scripts=1, inactive_scripts=1)


def test_a_rolled_back_savepoint_inside_a_committed_transaction(registry, make_execution):
    alpha, _ = registry
    with transaction.atomic():
        make_execution(alpha, status=Status.SUCCESS)
        with pytest.raises(RuntimeError), transaction.atomic():
            make_execution(alpha, status=Status.ERROR)
            raise RuntimeError("abort the savepoint")
    assert_cache_true(today_executions=3, today_failed_scripts=1)


def test_writes_after_a_rolled_back_savepoint_are_still_kept(registry, make_execution):
    # The first write of the transaction sits in a savepoint that rolls back;
    # the write after it must still be announced at commit.
    alpha, _ = registry
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            make_execution(alpha, status=Status.SUCCESS)
            raise RuntimeError("abort the savepoint")
        make_execution(alpha, status=Status.ERROR)
    assert_cache_true(today_executions=3, today_failed_scripts=2)


def test_a_transaction_reads_its_own_uncommitted_writes(registry, make_execution):
    alpha, _ = registry
    with transaction.atomic():
        make_execution(alpha, status=Status.ERROR)
        assert cached()["today_failed_scripts"] == 2
    assert_cache_true(today_failed_scripts=2)


def test_writes_of_runs_in_one_transaction_never_make_a_read_recount(registry, make_execution):
    alpha, _ = registry
    versions = dict(DashboardStat.objects.values_list("stat_key", "version"))
    with transaction.atomic():
        for _ in range(20):
            make_execution(alpha, status=Status.ERROR)
    assert dict(DashboardStat.objects.values_list("stat_key", "version")) == versions
    assert_served_from_cache_and_true(today_executions=22, today_failed_scripts=2)


def test_writes_of_scripts_in_one_transaction_mark_the_cache_once(registry, make_script):
    with transaction.atomic():
        for _ in range(20):
            make_script(active=False)
        versions = dict(DashboardStat.objects.values_list("stat_key", "version"))
    after = dict(DashboardStat.objects.values_list("stat_key", "version"))
    assert after["total_scripts"] == versions["total_scripts"] + 1
    assert after["inactive_scripts"] == versions["inactive_scripts"] + 1
    assert after["today_executions"] == versions["today_executions"]
    assert_cache_true(total_scripts=22, inactive_scripts=21)
