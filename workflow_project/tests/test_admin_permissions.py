"""The permission matrix in the Django admin, for every model registered there.

viewer: staff with the view permissions; editor: also add and change;
admin: a superuser. Users without staff status are sent to sign in.
A refused change leaves the row as it was.
"""

from __future__ import annotations

import itertools

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import reverse

from scripts_app.models import Script, ScriptExecution

_serial = itertools.count()


def make_row(model):
    """A row of a registered model, for the change and delete checks."""
    from rest_framework.authtoken.models import Token

    label = model._meta.label
    n = next(_serial)
    if model is User:
        return User.objects.create_user(f"row-{n}")
    if model is Group:
        return Group.objects.create(name=f"group-{n}")
    if model is Script:
        return Script.objects.create(name=f"admin-row-{n}")
    if model is ScriptExecution:
        return ScriptExecution.objects.create(script=make_row(Script), status="success")
    if label == "authtoken.TokenProxy":
        token = Token.objects.create(user=make_row(User))
        return model.objects.get(key=token.key)
    if label == "dashboard_app.DashboardStat":
        return model.objects.create(stat_key=f"row-{n}")
    if label == "dashboard_app.Channel":
        return model.objects.create(name=f"channel-{n}", kind="email", target=f"ops-{n}@example.com")
    if label == "dashboard_app.Notification":
        channel = make_row(apps.get_model("dashboard_app", "Channel"))
        return model.objects.create(channel=channel, event="test")
    raise AssertionError(f"add a row factory for {label}, newly registered in the admin")


REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def staff_with(username: str, *actions: str) -> User:
    user = User.objects.create_user(username, password="pw", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label__in={model._meta.app_label for model in REGISTERED},
            codename__regex=rf"^({'|'.join(actions)})_",
        )
    )
    return user


@pytest.fixture
def signed_in(db):
    def client_for(role: str) -> Client:
        user = {
            "viewer": lambda: staff_with("viewer", "view"),
            "editor": lambda: staff_with("editor", "view", "add", "change"),
            "admin": lambda: User.objects.create_superuser("root", password="pw"),
        }[role]()
        client = Client()
        client.force_login(user)
        return client

    return client_for


def stored(row):
    # By the real primary key (TokenProxy.pk is its user's id, not its key).
    return type(row)._base_manager.filter(pk=row._meta.pk.value_from_object(row))


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_the_models_of_this_project_are_checked_when_registered():
    assert {User, Group} <= set(REGISTERED)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_each_role_may_do_exactly_what_the_matrix_says_in_the_admin(signed_in, role, model):
    client = signed_in(role)
    model_admin = admin.site._registry[model]
    row = make_row(model)
    before = stored(row).values().first()

    assert client.get(url(model, "changelist")).status_code == 200
    assert client.get(url(model, "change", row.pk)).status_code == 200

    may_add = role != "viewer" and model_admin.has_add_permission(_request_for(client))
    assert (client.get(url(model, "add")).status_code == 200) == may_add
    if not may_add:
        assert client.post(url(model, "add"), {}).status_code == 403

    changed = client.post(url(model, "change", row.pk), {})
    if role == "viewer":
        assert changed.status_code == 403
        assert stored(row).values().first() == before
    else:
        assert changed.status_code < 500

    deleted = client.post(url(model, "delete", row.pk), {"post": "yes"})
    may_delete = role == "admin" and model_admin.has_delete_permission(_request_for(client), row)
    assert deleted.status_code == (302 if may_delete else 403)
    assert stored(row).exists() != may_delete


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_the_delete_action_is_not_offered_without_the_delete_permission(signed_in, role):
    client = signed_in(role)
    script_group = Group.objects.create(name="kept")
    response = client.post(
        url(Group, "changelist"),
        {"action": "delete_selected", "_selected_action": [script_group.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert Group.objects.filter(pk=script_group.pk).exists()


def test_signed_in_users_without_staff_status_are_sent_to_sign_in(viewer):
    client = Client()
    client.force_login(viewer)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_writes_need_the_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    group = Group.objects.create(name="kept")
    assert client.post(url(Group, "delete", group.pk), {"post": "yes"}).status_code == 403
    assert Group.objects.filter(pk=group.pk).exists()


def _request_for(client: Client):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(pk=client.session["_auth_user_id"])
    return request
