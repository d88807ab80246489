"""A failing upkeep never fails the user's write, and the counters heal."""

import pytest

from dashboard_app import stats
from scripts_app.models import Script

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_write_survives_an_upkeep_that_fails_once(make_script, monkeypatch):
    make_script()
    stats.refresh_stats()
    real_mark_stale = stats.mark_stale
    calls = []

    def fail_once(keys):
        calls.append(keys)
        if len(calls) == 1:
            raise RuntimeError("dashboard_stats unavailable")
        return real_mark_stale(keys)

    monkeypatch.setattr(stats, "mark_stale", fail_once)
    make_script()  # must not raise
    assert Script.objects.count() == 2
    assert len(calls) == 2  # retried
    assert stats.get_stats().values["total_scripts"] == 2


def test_a_write_survives_an_upkeep_that_keeps_failing(make_script, monkeypatch):
    make_script()
    stats.refresh_stats()

    def always_fail(keys):
        raise RuntimeError("dashboard_stats unavailable")

    monkeypatch.setattr(stats, "mark_stale", always_fail)
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

    monkeypatch.setattr(stats, "keys_changed_by_script", broken)
    script = make_script()
    script.active = False
    script.save()
    monkeypatch.undo()
    assert stats.get_stats().values == stats.get_stats(use_cache=False).values
    assert stats.get_stats().values["inactive_scripts"] == 1
