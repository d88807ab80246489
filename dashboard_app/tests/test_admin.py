"""Admin: the read-only counters with "recompute now", and script actions that keep counters true."""

from __future__ import annotations

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from dashboard_app.counters import stats
from dashboard_app.models import DashboardStat
from scripts_app.models import Script

CHANGELIST = "/admin/dashboard_app/dashboardstat/"


def test_the_counters_changelist_is_read_only(admin_client, db):
    stats.refresh_stats()
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "total_scripts" in html and "Recompute all counters now" in html
    assert admin_client.get(CHANGELIST + "add/").status_code == 403
    change = admin_client.get(CHANGELIST + "total_scripts/change/")
    assert change.status_code == 200 and b'name="stat_value"' not in change.content


def test_recompute_now_action_stores_fresh_counts(admin_client, make_script):
    stats.refresh_stats()
    make_script()
    DashboardStat.objects.filter(stat_key="total_scripts").update(stat_value=99)  # drifted behind our back
    response = admin_client.post(
        CHANGELIST, {"action": "recompute_now", ACTION_CHECKBOX_NAME: ["total_scripts"]}, follow=True
    )
    assert response.status_code == 200
    assert "total_scripts: 1" in response.content.decode()
    assert DashboardStat.objects.get(stat_key="total_scripts").stat_value == 1


def test_the_recompute_button_works_before_any_counter_is_stored(admin_client, make_script):
    make_script()
    response = admin_client.post(CHANGELIST + "recompute/", follow=True)
    assert response.status_code == 200
    assert dict(DashboardStat.objects.values_list("stat_key", "stat_value"))["total_scripts"] == 1


def test_the_recompute_button_ignores_get(admin_client, db):
    admin_client.get(CHANGELIST + "recompute/")
    assert not DashboardStat.objects.exists()


def test_activate_and_deactivate_actions_keep_the_cached_counters_true(admin_client, make_script, settings):
    scripts = [make_script(), make_script(), make_script(active=False)]
    assert stats.get_stats().values["inactive_scripts"] == 1  # a warm cache to go stale
    url = "/admin/scripts_app/script/"

    admin_client.post(url, {"action": "deactivate", ACTION_CHECKBOX_NAME: [s.pk for s in scripts[:2]]})
    served = stats.get_stats()
    assert served.values["inactive_scripts"] == 3 == Script.objects.inactive().count()

    admin_client.post(url, {"action": "activate", ACTION_CHECKBOX_NAME: [s.pk for s in scripts]})
    assert stats.get_stats().values == stats.get_stats(use_cache=False).values
    assert stats.get_stats().values["inactive_scripts"] == 0
