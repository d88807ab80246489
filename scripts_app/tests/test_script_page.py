"""/scripts/<id>/: one script's health, its 30-day chart, its last 50 runs and its switch."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from conftest import NOON_IN_SEOUL as NOON
from scripts_app.models import ScriptExecution, Status
from scripts_app.tests.test_script_health import expected_health

pytestmark = pytest.mark.usefixtures("noon_in_seoul")


@pytest.fixture
def flaky(make_script, make_execution):
    script = make_script(name="flaky", description="Imports the invoices")
    for n in range(60):
        status = [Status.SUCCESS, Status.ERROR, Status.CANCELLED][n % 3]
        started = NOON - timedelta(hours=7 * n)
        make_execution(script, status=status, started_at=started, completed_at=started + timedelta(seconds=n),
                       error_message=f"failure {n}" if status == Status.ERROR else "")  # fmt: skip
    make_execution(script, status=Status.RUNNING)
    return script


def figure(html: str, name: str) -> str:
    return re.search(rf'data-figure="{name}"[^>]*>([^<]*)<', html).group(1)


def test_it_shows_the_scripts_figures_as_its_runs_say(admin_client, flaky):
    html = admin_client.get(f"/scripts/{flaky.pk}/").content.decode()
    truth = expected_health(flaky)
    assert figure(html, "runs_today") == str(truth["runs_today"])
    assert figure(html, "failures_today") == str(truth["failures_today"])
    assert f'data-value="{truth["success_rate"]}"' in html
    assert f'data-seconds="{truth["median"].total_seconds()}"' in html
    assert "Imports the invoices" in html


def test_a_busy_week_shows_the_median_of_its_latest_runs_and_says_so(admin_client, flaky, monkeypatch):
    from scripts_app import health

    monkeypatch.setattr(health, "MEDIAN_RUNS", 5)
    html = admin_client.get(f"/scripts/{flaky.pk}/").content.decode()
    truth = expected_health(flaky)
    assert f'data-seconds="{truth["median"].total_seconds()}"' in html
    assert "of the latest 5 ended runs" in html


def test_it_charts_30_days_that_add_up_to_the_scripts_runs(admin_client, flaky):
    html = admin_client.get(f"/scripts/{flaky.pk}/").content.decode()
    totals = [int(total) for total in re.findall(r'<a class="day"[^>]*data-total="(\d+)"', html)]
    assert len(totals) == 30
    first_day = (NOON - timedelta(days=29)).astimezone(NOON.tzinfo).date()
    in_range = [
        run
        for run in ScriptExecution.objects.filter(script=flaky)
        if run.started_at >= NOON - timedelta(days=30)
    ]
    assert sum(totals) == sum(run.started_at.astimezone(NOON.tzinfo).date() >= first_day for run in in_range)
    assert f"/executions/?date=2026-11-26&amp;script={flaky.pk}" in html  # each day links to its runs


def test_it_lists_the_last_50_runs_newest_first_with_their_errors(admin_client, flaky):
    html = admin_client.get(f"/scripts/{flaky.pk}/").content.decode()
    listed = [int(pk) for pk in re.findall(r'<tr data-item data-run="(\d+)"', html)]
    newest = list(
        ScriptExecution.objects.filter(script=flaky)
        .order_by("-started_at", "-id")
        .values_list("pk", flat=True)[:50]
    )
    assert listed == newest
    assert "failure 1<" in html


def test_the_switch_is_there_only_with_the_change_permission(admin_client, client, viewer, flaky):
    assert (
        f'data-toggle-url="/api/scripts/{flaky.pk}/toggle-active/"'
        in admin_client.get(f"/scripts/{flaky.pk}/").content.decode()
    )
    client.force_login(viewer)
    html = client.get(f"/scripts/{flaky.pk}/").content.decode()
    assert "data-toggle-url" not in html and "Active" in html


def test_an_unknown_script_is_a_404(admin_client, db):
    assert admin_client.get("/scripts/999999/").status_code == 404


def test_every_list_links_a_scripts_name_to_its_page(admin_client, flaky):
    link = f'href="/scripts/{flaky.pk}/"'
    for path in ["/scripts/", "/executions/", "/counters/today_executions/", "/counters/total_scripts/",
                 "/counters/today_failed_scripts/"]:  # fmt: skip
        assert link in admin_client.get(path).content.decode(), path


def test_it_takes_a_fixed_number_of_queries(admin_client, flaky, django_assert_max_num_queries):
    admin_client.get(f"/scripts/{flaky.pk}/")
    with django_assert_max_num_queries(8):  # session, user, script with health, median, chart, runs
        admin_client.get(f"/scripts/{flaky.pk}/")
