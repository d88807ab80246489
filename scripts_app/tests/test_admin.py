"""Admin smoke tests for scripts and executions: changelist, search, add and change all answer 200."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from scripts_app.models import Script

SCRIPTS = "/admin/scripts_app/script/"
EXECUTIONS = "/admin/scripts_app/scriptexecution/"


@pytest.fixture
def run(make_execution):
    return make_execution(status="error", error_message="boom")


@pytest.mark.parametrize(
    "path",
    [
        SCRIPTS,
        SCRIPTS + "?q=script",
        SCRIPTS + "?active__exact=0",
        SCRIPTS + "add/",
        EXECUTIONS,
        EXECUTIONS + "?q=boom",
        EXECUTIONS + "?status__exact=error",
        EXECUTIONS + "?started_at__gte=2026-01-01+00:00:00%2B09:00",  # as the date filter links
        EXECUTIONS + "add/",
    ],
)
def test_admin_pages_answer_200(admin_client, run, path):
    assert admin_client.get(path).status_code == 200


def test_change_pages_answer_200(admin_client, run):
    assert admin_client.get(f"{SCRIPTS}{run.script_id}/change/").status_code == 200
    assert admin_client.get(f"{EXECUTIONS}{run.pk}/change/").status_code == 200


def test_the_date_hierarchy_drills_down(admin_client, run):
    day = run.started_at
    response = admin_client.get(f"{EXECUTIONS}?started_at__year={day.year}&started_at__month={day.month}")
    assert response.status_code == 200


def test_the_executions_changelist_does_not_query_per_row(
    admin_client, make_script, make_execution, django_assert_max_num_queries
):
    script = make_script()
    for _ in range(20):
        make_execution(script)
    with django_assert_max_num_queries(12):
        admin_client.get(EXECUTIONS)


def test_adding_a_script_through_the_admin(admin_client, db):
    response = admin_client.post(
        SCRIPTS + "add/", {"name": "nightly", "description": "", "execution_order": 3}
    )
    assert response.status_code == 302
    assert Script.objects.get(name="nightly").execution_order == 3


def test_deactivate_action_reports_how_many_changed(admin_client, make_script):
    scripts = [make_script(), make_script(active=False)]
    response = admin_client.post(
        SCRIPTS, {"action": "deactivate", ACTION_CHECKBOX_NAME: [s.pk for s in scripts]}, follow=True
    )
    assert "1 script deactivated." in response.content.decode()
    assert not Script.objects.filter(active=True).exists()


@pytest.mark.parametrize("path", [SCRIPTS, EXECUTIONS])
def test_each_rows_action_checkbox_is_the_one_django_renders(admin_client, make_script, run, path):
    from django.contrib import admin as django_admin

    make_script(name='quotes "and" <angles>')  # escaped in the label as Django escapes it
    html = admin_client.get(path).content.decode()
    model_admin = admin_client.get(path).context["cl"].model_admin
    rows = list(model_admin.get_queryset(None).all()) if path == EXECUTIONS else list(Script.objects.all())
    assert rows
    for obj in rows:
        django_own = django_admin.ModelAdmin.action_checkbox(model_admin, obj)
        assert model_admin.action_checkbox(obj) == django_own
        assert django_own in html
    assert '<input type="checkbox" id="action-toggle"' in html  # the column's select-all header
