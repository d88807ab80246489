"""Each counter on the dashboard links to a list of exactly as many items as it shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from dashboard_app.counters import stats
from dashboard_app.tests.browser_helpers import counters_shown

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_counter_links_to_a_list_of_exactly_that_many_items(
    page, logged_in, make_script, make_execution, console_errors
):
    scripts = [make_script(active=index % 3 != 0) for index in range(7)]  # 3 inactive
    for script in scripts[:4]:
        make_execution(script, status="success")
    make_execution(scripts[1], status="error")
    make_execution(scripts[1], status="error")  # the same script failing twice counts once
    make_execution(scripts[5], status="error")
    make_execution(scripts[6], status="error", started_at=timezone.now() - timedelta(days=2))

    page.goto("/")
    shown = counters_shown(page)
    assert shown == {
        "total_scripts": 7,
        "today_executions": 7,
        "today_failed_scripts": 2,
        "inactive_scripts": 3,
    }
    for key in stats.KEYS:
        page.goto("/")
        page.locator(f'[data-counter-link="{key}"]').click()
        page.wait_for_load_state()
        assert page.locator("[data-item]").count() == shown[key], key
        assert int(page.locator("[data-item-count]").get_attribute("data-item-count")) == shown[key]
    # The failed scripts' list shows how many runs of each failed that day.
    page.goto("/")
    page.locator('[data-counter-link="today_failed_scripts"]').click()
    page.wait_for_load_state()
    failed = page.locator("[data-failed-runs]")
    counts = [int(failed.nth(i).get_attribute("data-failed-runs")) for i in range(failed.count())]
    assert sorted(counts) == [1, 2]
    assert console_errors == []
