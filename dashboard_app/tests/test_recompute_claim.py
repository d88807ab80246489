"""A recompute claims its rows before counting, so a write that finds a row
already stale may skip its UPDATE without any count losing it."""

import pytest

from dashboard_app.counters import recount, stat_rows, stats
from dashboard_app.models import DashboardStat
from scripts_app.dates import local_today
from scripts_app.models import Script

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "total_scripts"


def row() -> DashboardStat:
    return DashboardStat.objects.get(stat_key=KEY)


def slow_recompute_counts() -> tuple[int, int]:
    """The first steps of a recompute: claim, read the version, count."""
    stat_rows.claim([KEY])
    version = stat_rows.read_rows([KEY])[KEY].version
    return version, stats.COUNTERS[KEY].count(local_today())


def test_marking_a_row_that_is_already_stale_changes_nothing(make_script):
    make_script()
    stats.refresh_stats()
    assert recount.mark_stale([KEY]) == 1
    marked = row()

    assert recount.mark_stale([KEY]) == 0
    assert (row().version, row().stale) == (marked.version, True)


def test_a_write_whose_mark_was_skipped_is_in_the_next_count(make_script):
    make_script()
    stats.refresh_stats()
    make_script()  # marks the row stale
    version = row().version
    make_script()  # finds it stale: no UPDATE

    assert row().version == version
    assert stats.get_stats().values[KEY] == Script.objects.count() == 3


def test_a_write_committing_while_a_recompute_counts_is_not_lost(make_script):
    make_script()
    stats.refresh_stats()
    make_script()  # the row is stale now
    version, old_count = slow_recompute_counts()
    make_script()  # commits after the count began: the claimed row is not stale, so it is marked

    assert not recount._store(
        KEY, old_count, version=version, day=local_today(), now=row().updated_at, using="default"
    )
    assert row().stale
    assert stats.get_stats().values[KEY] == Script.objects.count() == 3


def test_of_two_overlapping_recomputes_only_the_later_claim_stores(make_script):
    make_script()
    stats.refresh_stats()
    first_version, count = slow_recompute_counts()
    second_version, _ = slow_recompute_counts()

    assert not recount._store(
        KEY, count, version=first_version, day=local_today(), now=row().updated_at, using="default"
    )
    assert recount._store(
        KEY, count, version=second_version, day=local_today(), now=row().updated_at, using="default"
    )
    assert stats.get_stats().source == "cache"


def test_a_claimed_row_is_neither_served_nor_reported_as_drift(make_script):
    make_script()
    stats.refresh_stats()
    stat_rows.claim([KEY])

    assert not [item for item in stats.check_drift() if item.key == KEY and item.served]
    assert stats.get_stats().values[KEY] == 1
