"""The rollup's week (dashboard_week_rates): the sorts by 7-day success rate read a page of its
index, and it stays the executions' truth: moved by the triggers, rolled to a new week by the
counters' first read of a local day (or the watcher's pass), moved by a recount of a day,
checked and rebuilt by refresh_stats, gone with its script."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from conftest import at, fresh_week, stored_week
from dashboard_app.models import WeekRates
from dashboard_app.rollup import rebuild, triggers, week
from dashboard_app.tests.triggers_off import switch_off_rollup_triggers
from scripts_app import health, run_history
from scripts_app.dates import local_today
from scripts_app.models import ScriptExecution, Status

pytestmark = pytest.mark.django_db(transaction=True)

ZONE = "Asia/Seoul"
LAST_SECOND = at("2026-11-26 23:59:59", ZONE)
MIDNIGHT = at("2026-11-27 00:00", ZONE)


@pytest.fixture
def clock(settings):
    settings.TIME_ZONE = ZONE
    with time_machine.travel(LAST_SECOND, tick=False) as traveller:
        yield traveller


def run(script, status: str, started_at) -> None:
    ScriptExecution.objects.create(script=script, status=status, started_at=started_at)


def worst_first(api) -> list[str]:
    body = api.get("/api/scripts/", {"sort": "success_rate"}).json()
    return [item["name"] for item in body["results"]]


def counted_from_the_executions() -> list[int]:
    today = local_today()
    first = health.rate_window(today)[0]
    return run_history.COUNTED_FROM_EXECUTIONS.lowest_rates(first, today, slice(0, 100))


@pytest.fixture
def week_of_runs(clock, make_script):
    """'fading' failed once, 6 days before the 26th (in the week until midnight); 'steady'
    succeeded then and failed on the 26th; 'fresh' failed twice just after midnight's run."""
    fading, steady, fresh = (make_script(name=name) for name in ("fading", "steady", "fresh"))
    run(fading, Status.ERROR, at("2026-11-20 09:00", ZONE))
    run(fading, Status.SUCCESS, at("2026-11-26 09:00", ZONE))
    run(steady, Status.SUCCESS, at("2026-11-20 10:00", ZONE))
    run(steady, Status.ERROR, at("2026-11-26 10:00", ZONE))
    run(steady, Status.SUCCESS, at("2026-11-26 11:00", ZONE))
    run(fresh, Status.SUCCESS, at("2026-11-26 12:00", ZONE))
    return fading, steady, fresh


def test_a_sorted_read_pages_through_the_weeks_index(api, week_of_runs):
    week.roll(local_today())
    with CaptureQueriesContext(connection) as queries:
        assert worst_first(api) == ["fading", "steady", "fresh"]  # 1/2, 2/3, 1/1
    statements = [query["sql"] for query in queries]
    assert any("dashboard_week_rates" in sql and "ORDER BY" in sql for sql in statements)
    # Not the sum of every script's week of rollup rows, ordered by its rate.
    assert not [sql for sql in statements if "dashboard_daily_runs" in sql and "CAST(SUM(" in sql]


def test_after_midnight_the_sort_is_the_new_weeks_before_and_after_the_week_is_counted(
    api, clock, week_of_runs
):
    fading, steady, fresh = week_of_runs
    api.get("/api/dashboard/stats")  # the counters' first read of the day counts its week
    assert week.last_day() == LAST_SECOND.date()
    assert worst_first(api) == ["fading", "steady", "fresh"]

    clock.move_to(MIDNIGHT)
    run(fresh, Status.ERROR, MIDNIGHT)
    run(fresh, Status.ERROR, MIDNIGHT + timedelta(minutes=1))
    # fading's failure of the 20th has left the week; fresh failed twice on the new day. A sort
    # read before the new week is counted sums the rollup rows, and changes nothing.
    assert worst_first(api) == ["fresh", "steady", "fading"]  # 1/3, 2/3, 1/1
    assert week.last_day() == LAST_SECOND.date()
    api.get("/api/dashboard/stats")
    assert week.last_day() == MIDNIGHT.date()
    assert worst_first(api) == ["fresh", "steady", "fading"]
    assert list(WeekRates.objects.order_by("rate").values_list("script_id", flat=True)) == [
        fresh.pk, steady.pk, fading.pk,
    ]  # fmt: skip
    assert counted_from_the_executions() == [fresh.pk, steady.pk, fading.pk]
    assert stored_week() == fresh_week(MIDNIGHT.date())


def test_the_watchers_pass_after_midnight_counts_the_new_week(clock, week_of_runs):
    week.roll(local_today())
    clock.move_to(MIDNIGHT + timedelta(seconds=5))
    call_command("watch_schedules", "--once", stdout=io.StringIO())
    assert week.last_day() == MIDNIGHT.date()
    assert stored_week() == fresh_week(MIDNIGHT.date())


def test_every_kind_of_write_moves_the_week(clock, week_of_runs):
    fading, steady, fresh = week_of_runs
    week.roll(local_today())
    today = LAST_SECOND.date()
    running = ScriptExecution.objects.create(script=fresh, status=Status.RUNNING)
    assert stored_week() == fresh_week(today)
    running.status = Status.ERROR  # a run that ends
    running.save()
    assert stored_week() == fresh_week(today)
    moved = ScriptExecution.objects.filter(script=steady, status=Status.ERROR).get()
    moved.started_at = at("2026-11-19 10:00", ZONE)  # out of the week
    moved.save()
    assert stored_week() == fresh_week(today)
    ScriptExecution.objects.filter(script=fading).update(script=steady)  # to another script
    assert stored_week() == fresh_week(today)
    ScriptExecution.objects.bulk_create(
        ScriptExecution(script=fading, status=status, started_at=LAST_SECOND - timedelta(days=days))
        for days, status in [(0, Status.ERROR), (3, Status.CANCELLED), (6, Status.SUCCESS), (7, Status.ERROR)]
    )
    assert stored_week() == fresh_week(today)
    with connection.cursor() as cursor:  # raw SQL, as from outside Django
        delete = "DELETE FROM script_executions WHERE script_id = %s AND status = %s"
        cursor.execute(delete, [steady.pk, Status.SUCCESS])
    assert stored_week() == fresh_week(today)
    assert stored_week()[fading.pk] == (1, 3, 1)


@pytest.fixture
def triggers_switched_off():
    switch_off_rollup_triggers(connection)  # runs the rollup does not see, as after a restore
    yield
    with transaction.atomic():
        triggers.reinstall(connection)


def test_a_recount_of_a_day_moves_the_week_by_what_it_changed(clock, week_of_runs, triggers_switched_off):
    fading, steady, fresh = week_of_runs
    week.roll(local_today())
    run(fresh, Status.ERROR, LAST_SECOND - timedelta(hours=1))
    run(steady, Status.SUCCESS, at("2026-11-22 10:00", ZONE))
    assert stored_week() != fresh_week(LAST_SECOND.date())
    for day in (LAST_SECOND.date(), at("2026-11-22 10:00", ZONE).date()):
        with rebuild.locked():
            rebuild.reconcile_day(day)  # what the counters' TTL does for today
    assert stored_week() == fresh_week(LAST_SECOND.date())


def test_refresh_stats_names_a_drifted_week_and_counts_it_again(clock, week_of_runs):
    fading, steady, fresh = week_of_runs
    week.roll(local_today())
    WeekRates.objects.filter(script=steady).update(succeeded=0)  # edited by hand
    out = io.StringIO()
    with pytest.raises(CommandError, match="rollup week"):
        call_command("refresh_stats", "--check", stdout=out)
    assert f"rollup week to 2026-11-26 script {steady.pk}: stored 0 of 3 ended succeeded" in out.getvalue()
    call_command("refresh_stats", stdout=io.StringIO())
    out = io.StringIO()
    call_command("refresh_stats", "--check", stdout=out)
    assert "rollup week to 2026-11-26: every script equals a fresh count (ok)" in out.getvalue()


def test_a_deleted_script_takes_its_week_with_it(clock, week_of_runs):
    fading, steady, fresh = week_of_runs
    week.roll(local_today())
    steady.delete()
    assert set(stored_week()) == {fading.pk, fresh.pk}
    assert stored_week() == fresh_week(LAST_SECOND.date())


def test_on_the_day_clocks_go_back_the_week_counts_local_days(api, settings, make_script):
    # New York leaves daylight saving time at 02:00 on 2026-11-01: that day has 25 hours.
    settings.TIME_ZONE = "America/New_York"
    late, early = make_script(name="late"), make_script(name="early")
    with time_machine.travel(at("2026-11-07 23:59:59", "America/New_York"), tick=False):
        run(late, Status.ERROR, at("2026-11-01 23:30", "America/New_York"))  # in the week of the 7th
        run(early, Status.ERROR, at("2026-10-31 23:30", "America/New_York"))  # the day before it
        run(early, Status.SUCCESS, at("2026-11-01 00:30", "America/New_York"))
        assert worst_first(api) == ["late", "early"]  # 0/1, 1/1 (the rollup rows summed)
        week.roll(local_today())
        assert worst_first(api) == ["late", "early"]  # (the week's index)
        assert stored_week() == fresh_week(at("2026-11-07 12:00", "America/New_York").date())


def test_on_postgresql_a_page_of_the_sort_is_read_through_the_rate_index(api, week_of_runs):
    if connection.vendor != "postgresql":
        pytest.skip("a guard of PostgreSQL's plans (DATABASE_URL=postgres://…)")
    week.roll(local_today())
    with CaptureQueriesContext(connection) as queries:
        worst_first(api)
    (page,) = [q["sql"] for q in queries if "dashboard_week_rates" in q["sql"] and "ORDER BY" in q["sql"]]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as at 10,000 scripts, not 3
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + page)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "week_rates_lowest_first" in plan and "Sort" not in plan, plan
