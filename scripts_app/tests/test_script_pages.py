"""The scripts page and its create, edit and delete forms."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from scripts_app.models import Script, ScriptExecution

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("viewer"))
    return client


def test_the_list_shows_order_state_and_last_run(admin_client, make_script, make_execution):
    later, first = make_script(name="later", execution_order=5), make_script(name="first", active=False)
    make_execution(later, status="success", started_at="2026-11-20T10:00:00+00:00")
    make_execution(later, status="error", started_at="2026-11-21T10:00:00+00:00")
    html = admin_client.get("/scripts/").content.decode()
    assert html.index(">first<") < html.index(">later<")  # execution order, then id
    assert 'aria-checked="false"' in html and 'aria-checked="true"' in html
    assert 'class="status status-error"' in html
    assert 'datetime="2026-11-21T10:00:00+00:00"' in html
    assert "Never run" in html
    assert f'data-toggle-url="/api/scripts/{later.pk}/toggle-active/"' in html
    assert first.pk


def test_it_sets_the_csrf_cookie_the_switches_need(admin_client, db):
    response = admin_client.get("/scripts/")
    assert "csrftoken" in response.cookies


def test_users_without_permissions_see_no_switch_or_edit_links(viewer_client, make_script):
    make_script(name="nightly")
    html = viewer_client.get("/scripts/").content.decode()
    assert "nightly" in html
    assert "data-toggle-url" not in html and "/edit/" not in html and "New script" not in html
    assert viewer_client.get("/scripts/new/").status_code == 403


def test_creating_a_script(admin_client):
    response = admin_client.post(
        "/scripts/new/", {"name": "  nightly  ", "description": "", "execution_order": "2", "active": "on"}
    )
    assert response.status_code == 302 and response.url == "/scripts/"
    script = Script.objects.get()
    assert (script.name, script.execution_order, script.active) == ("nightly", 2, True)
    assert "Script “nightly” was created." in admin_client.get("/scripts/").content.decode()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 201, "Ensure this value has at most 200 characters"),
        ("taken", "A script with this name already exists."),
    ],
)
def test_a_bad_name_is_explained_next_to_the_field_and_nothing_is_saved(
    admin_client, make_script, name, message
):
    make_script(name="taken")
    response = admin_client.post("/scripts/new/", {"name": name, "execution_order": "0"})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "Please correct the error below." in html
    assert 'id="id_name_error"' in html
    assert Script.objects.count() == 1


def test_a_non_number_execution_order_is_a_form_error(admin_client):
    response = admin_client.post("/scripts/new/", {"name": "x", "execution_order": "soon"})
    assert "Enter a whole number." in response.content.decode()
    assert not Script.objects.exists()


def test_editing_a_script(admin_client, make_script):
    script = make_script(name="old")
    response = admin_client.post(f"/scripts/{script.pk}/edit/", {"name": "new", "execution_order": "1"})
    assert response.status_code == 302
    script.refresh_from_db()
    assert (script.name, script.active) == ("new", False)  # an unchecked box switches it off


def test_deleting_a_script_deletes_its_runs(admin_client, make_execution):
    run = make_execution()
    confirm = admin_client.get(f"/scripts/{run.script_id}/delete/").content.decode()
    assert "Its 1 recorded run will be deleted with it." in confirm
    response = admin_client.post(f"/scripts/{run.script_id}/delete/")
    assert response.status_code == 302
    assert not Script.objects.exists() and not ScriptExecution.objects.exists()


def test_a_user_with_only_the_change_permission_can_edit_but_not_delete(
    client, django_user_model, make_script
):
    user = django_user_model.objects.create_user("editor")
    user.user_permissions.add(Permission.objects.get(codename="change_script"))
    client.force_login(user)
    script = make_script()
    assert client.get(f"/scripts/{script.pk}/edit/").status_code == 200
    assert client.post(f"/scripts/{script.pk}/delete/").status_code == 403
    assert Script.objects.filter(pk=script.pk).exists()
