"""When a cached counter is served, and when it is recomputed instead."""

from datetime import timedelta

import pytest
import time_machine

from conftest import at
from dashboard_app.counters import recount, stat_rows, stats
from dashboard_app.models import DashboardStat
from scripts_app.models import Script

NOON = at("2026-11-26 12:00", "Asia/Seoul")


@pytest.fixture
def clock(seoul, settings):
    settings.STATS_CACHE_TTL = 300
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def warm(clock, make_script):
    make_script()
    stats.refresh_stats()
    return clock


def corrupt(key: str = "total_scripts", **fields) -> None:
    # A raw write from outside the ORM's upkeep (no signals, no version bump).
    DashboardStat.objects.filter(stat_key=key).update(**fields)


def test_a_fresh_row_is_served_from_the_cache(warm):
    result = stats.get_stats()
    assert result.source == "cache"
    assert result.computed_at == NOON
    assert result.time_zone == "Asia/Seoul"


def test_a_value_is_served_until_the_ttl_and_recomputed_after(warm):
    corrupt(stat_value=99)  # drift the ORM cannot see
    warm.shift(timedelta(seconds=299))
    assert stats.get_stats().values["total_scripts"] == 99
    warm.shift(timedelta(seconds=1))
    healed = stats.get_stats()
    assert (healed.values["total_scripts"], healed.source) == (1, "live")
    assert stats.get_stats().source == "cache"


def test_the_ttl_comes_from_settings(warm, settings):
    settings.STATS_CACHE_TTL = 10
    warm.shift(timedelta(seconds=10))
    assert stats.get_stats().source == "live"


def test_a_deleted_row_is_recreated_on_the_next_read(warm):
    DashboardStat.objects.filter(stat_key="total_scripts").delete()
    assert stats.get_stats().values["total_scripts"] == 1
    assert DashboardStat.objects.get(stat_key="total_scripts").stat_value == 1


def test_a_negative_value_is_never_served(warm):
    corrupt(stat_value=-3)
    assert stats.get_stats().values["total_scripts"] == 1


def test_a_row_from_the_future_heals_at_once(warm):
    # Clock skew between hosts: it must not stay stuck until that time comes.
    corrupt(stat_value=42, updated_at=NOON + timedelta(hours=1))
    assert stats.get_stats().values["total_scripts"] == 1
    assert DashboardStat.objects.get(stat_key="total_scripts").updated_at == NOON


def test_a_stale_marked_row_is_recomputed(warm):
    corrupt(stat_value=7)
    recount.mark_stale(["total_scripts"])
    assert stats.get_stats().values["total_scripts"] == 1


def test_use_cache_false_always_recomputes_and_stores(warm):
    corrupt(stat_value=7)
    forced = stats.get_stats(use_cache=False)
    assert (forced.values["total_scripts"], forced.source) == (1, "live")
    assert stats.get_stats().source == "cache"


def test_a_recompute_never_overwrites_a_write_that_committed_while_it_counted(clock, make_script):
    """The "two recomputes commit out of order" race, replayed step by step.

    A reader reads the row versions, then counts. A write commits and marks
    the row stale before the reader stores its (now old) count. The store is
    refused, so the next read counts again and sees the write.
    """
    make_script()
    stats.refresh_stats()
    rows = stat_rows.read_rows(stats.KEYS)  # the slow reader's step 1
    old_count = stats.COUNTERS["total_scripts"].count(stats.local_today())  # step 2
    make_script()  # a write commits meanwhile; in tests its upkeep runs at once
    recount.mark_stale(["total_scripts"])  # (what the upkeep does after commit)
    recount._store(
        "total_scripts",
        old_count,
        version=rows["total_scripts"].version,
        day=NOON.date(),
        now=NOON,
        using="default",
    )
    row = DashboardStat.objects.get(stat_key="total_scripts")
    assert (row.stat_value, row.stale) == (1, True)  # the old count was not stored
    assert stats.get_stats().values["total_scripts"] == Script.objects.count() == 2


CORRUPTIONS = {
    "deleted": None,
    "negative": {"stat_value": -1},
    "computed in the future": {"stat_value": 42, "updated_at": NOON + timedelta(minutes=1)},
    "computed in year 9999": {"stat_value": 42, "updated_at": at("9999-12-31 00:00", "UTC")},
    "counting a future day": {"stat_value": 42, "day": NOON.date() + timedelta(days=1)},
    "counting an earlier day": {"stat_value": 42, "day": NOON.date() - timedelta(days=1)},
}


@pytest.mark.parametrize(
    ("key", "corruption"),
    [
        (key, corruption)
        for key in stats.KEYS
        for corruption, fields in CORRUPTIONS.items()
        # The day a row counts only matters to daily counters.
        if stats.COUNTERS[key].daily or "day" not in (fields or {})
    ],
)
def test_every_counter_heals_from_a_bad_row_on_the_next_read(warm, make_execution, key, corruption):
    from conftest import fresh_counts
    from scripts_app.models import Status

    make_execution(status=Status.ERROR)
    stats.refresh_stats()
    fields = CORRUPTIONS[corruption]
    if fields is None:
        DashboardStat.objects.filter(stat_key=key).delete()
    else:
        corrupt(key, **fields)
    assert stats.get_stats().values == fresh_counts()
    row = DashboardStat.objects.get(stat_key=key)
    assert (row.stat_value, row.updated_at, row.stale) == (fresh_counts()[key], NOON, False)
    assert stats.get_stats().source == "cache"  # healed for good, not recomputed on every read


def test_all_rows_deleted_at_once_are_recreated(warm):
    DashboardStat.objects.all().delete()
    assert stats.get_stats().values["total_scripts"] == 1
    assert DashboardStat.objects.count() == len(stats.KEYS)
