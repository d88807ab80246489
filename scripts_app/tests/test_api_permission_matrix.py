"""The full permission matrix over every API endpoint: viewer, editor and admin.

| user   | read | create/change | delete |
| viewer | yes  | 403           | 403    |
| editor | yes  | yes           | 403    |
| admin  | yes  | yes           | yes    |

A refused request changes no row. The matrix is checked against the URL
resolver, so an endpoint added later without a row here fails the test.
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from scripts_app.models import Script, ScriptExecution

READ, CHANGE, DELETE = "read", "create/change", "delete"
ALLOWED = {
    "viewer": {READ},
    "editor": {READ, CHANGE},
    "admin": {READ, CHANGE, DELETE},
}

# (method, URL name, path template, body, kind)
ENDPOINTS = [
    ("GET", "api-root", "/api/", None, READ),
    ("GET", "dashboard-stats", "/api/dashboard/stats", None, READ),
    ("GET", "script-list", "/api/scripts/", None, READ),
    ("GET", "script-detail", "/api/scripts/{script}/", None, READ),
    ("GET", "scriptexecution-list", "/api/executions/", None, READ),
    ("GET", "scriptexecution-detail", "/api/executions/{run}/", None, READ),
    ("POST", "script-list", "/api/scripts/", {"name": "new"}, CHANGE),
    ("PUT", "script-detail", "/api/scripts/{script}/", {"name": "renamed", "active": False}, CHANGE),
    ("PATCH", "script-detail", "/api/scripts/{script}/", {"description": "changed"}, CHANGE),
    ("POST", "script-toggle-active", "/api/scripts/{script}/toggle-active/", None, CHANGE),
    ("POST", "script-ping-key", "/api/scripts/{script}/ping-key/", None, CHANGE),
    ("POST", "scriptexecution-list", "/api/executions/", {"script": "{script}", "status": "running"}, CHANGE),
    ("PATCH", "scriptexecution-detail", "/api/executions/{run}/", {"status": "error"}, CHANGE),
    ("DELETE", "script-detail", "/api/scripts/{script}/", None, DELETE),
    ("DELETE", "scriptexecution-detail", "/api/executions/{run}/", None, DELETE),
]


def api_write_endpoints() -> set[tuple[str, str]]:
    """(method, URL name) for every unsafe method that an /api/ view answers."""
    found = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and (prefix + str(pattern.pattern)).lstrip("^").startswith(
                "api/"
            ):
                callback = pattern.callback
                if getattr(callback, "actions", None):  # a viewset route
                    methods = {m for m in callback.actions if m in callback.cls.http_method_names}
                else:
                    view = callback.view_class
                    methods = {m for m in view.http_method_names if hasattr(view, m) and m != "options"}
                found.update((m.upper(), pattern.name) for m in methods if m not in ("get", "head"))

    walk(get_resolver().url_patterns)
    return found


def snapshot() -> dict[str, list]:
    return {
        model._meta.label: sorted(map(repr, model.objects.values_list()))
        for model in (Script, ScriptExecution, apps.get_model("auth", "User"))
    }


# Alert channels need their model's permissions even to be read: their own matrix is in
# dashboard_app/tests/test_alert_api.py.
ALERT_WRITES = {
    ("POST", "channel-list"), ("PUT", "channel-detail"), ("PATCH", "channel-detail"),
    ("DELETE", "channel-detail"), ("POST", "channel-test"),
}  # fmt: skip


def test_the_matrix_covers_every_write_endpoint_of_the_api():
    covered = {(method, name) for method, name, _path, _body, kind in ENDPOINTS if kind != READ}
    # The token endpoint is how one signs in: it is public and throttled.
    assert api_write_endpoints() - {("POST", "api-token")} - ALERT_WRITES == covered


@pytest.fixture
def user_for(viewer, editor, admin_user):
    return {"viewer": viewer, "editor": editor, "admin": admin_user}.__getitem__


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize(
    ("method", "name", "path", "body", "kind"), ENDPOINTS, ids=[f"{e[0]} {e[2]}" for e in ENDPOINTS]
)
def test_each_role_may_do_exactly_what_the_matrix_says(
    api_client_for, user_for, make_execution, role, method, name, path, body, kind
):
    run = make_execution()
    ids = {"script": run.script_id, "run": run.pk}
    body = {
        key: int(value.format(**ids)) if value == "{script}" else value for key, value in (body or {}).items()
    }
    before = snapshot()
    response = api_client_for(user_for(role)).generic(
        method,
        path.format(**ids),
        data=json.dumps(body) if body else "",
        content_type="application/json",
    )
    if kind in ALLOWED[role]:
        assert 200 <= response.status_code < 300, response.content
    else:
        assert response.status_code == 403, response.content
        assert snapshot() == before, "a refused request changed a row"


@pytest.mark.parametrize("role", list(ALLOWED))
def test_session_users_get_the_same_answers_as_token_users(client, user_for, make_execution, role):
    run = make_execution()
    client.force_login(user_for(role))
    assert client.get("/api/scripts/").status_code == 200
    created = client.post("/api/scripts/", {"name": "by-session"}, content_type="application/json")
    assert created.status_code == (201 if CHANGE in ALLOWED[role] else 403)
    deleted = client.delete(f"/api/executions/{run.pk}/")
    assert deleted.status_code == (204 if DELETE in ALLOWED[role] else 403)


@pytest.mark.parametrize("path", ["/api/scripts/", "/api/dashboard/stats", "/api/executions/"])
@pytest.mark.parametrize("parameter", ["auth_token", "token", "access_token", "key", "Authorization"])
def test_a_token_in_the_query_string_is_never_accepted(admin_user, api_client_for, path, parameter):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api_client_for(admin_user)  # creates the token
    key = Token.objects.get(user=admin_user).key
    value = f"Token {key}" if parameter == "Authorization" else key
    assert APIClient().get(path, {parameter: value}).status_code == 401
    assert APIClient().post(path, {parameter: value}, format="json").status_code in (401, 405)


WRITES = [endpoint for endpoint in ENDPOINTS if endpoint[4] != READ]


@pytest.mark.parametrize(
    ("method", "name", "path", "body", "kind"), WRITES, ids=[f"{e[0]} {e[2]}" for e in WRITES]
)
def test_every_session_write_needs_the_csrf_token(admin_user, make_execution, method, name, path, body, kind):
    from django.test import Client

    run = make_execution()
    ids = {"script": run.script_id, "run": run.pk}
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    before = snapshot()
    response = client.generic(
        method, path.format(**ids), json.dumps(body or {}), content_type="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert snapshot() == before
