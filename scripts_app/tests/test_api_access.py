"""Who may do what over the API: 401/403 for anonymous, model permissions for writes."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from scripts_app.models import Script

READ_PATHS = ["/api/", "/api/scripts/", "/api/executions/", "/api/dashboard/stats"]


@pytest.mark.parametrize("path", READ_PATHS)
def test_anonymous_requests_are_refused(db, path):
    assert APIClient().get(path).status_code in (401, 403)


def test_anonymous_writes_are_refused(db):
    assert APIClient().post("/api/scripts/", {"name": "x"}, format="json").status_code == 401
    assert not Script.objects.exists()


@pytest.mark.parametrize("path", READ_PATHS)
def test_a_user_without_permissions_can_read(api_client_for, viewer, path):
    assert api_client_for(viewer).get(path).status_code == 200


def test_a_user_without_permissions_cannot_write(api_client_for, viewer, make_script):
    client = api_client_for(viewer)
    script = make_script()
    assert client.post("/api/scripts/", {"name": "x"}, format="json").status_code == 403
    assert client.patch(f"/api/scripts/{script.pk}/", {"active": False}, format="json").status_code == 403
    assert client.post(f"/api/scripts/{script.pk}/toggle-active/").status_code == 403
    assert (
        client.post("/api/executions/", {"script": script.pk, "status": "success"}, format="json").status_code
        == 403
    )
    assert client.delete(f"/api/scripts/{script.pk}/").status_code == 403
    script.refresh_from_db()
    assert script.active


def test_an_editor_may_create_and_change_but_not_delete(api_client_for, editor):
    client = api_client_for(editor)
    script_id = client.post("/api/scripts/", {"name": "x"}, format="json").json()["id"]
    assert client.post(f"/api/scripts/{script_id}/toggle-active/").status_code == 200
    run = client.post("/api/executions/", {"script": script_id, "status": "running"}, format="json")
    assert run.status_code == 201
    assert (
        client.patch(f"/api/executions/{run.json()['id']}/", {"status": "success"}, format="json").status_code
        == 200
    )
    assert client.delete(f"/api/executions/{run.json()['id']}/").status_code == 403
    assert client.delete(f"/api/scripts/{script_id}/").status_code == 403


def test_toggle_active_needs_the_change_permission_not_add(api_client_for, make_script):
    from conftest import user_with

    adder = user_with("adder", "add_script")
    script = make_script()
    assert api_client_for(adder).post(f"/api/scripts/{script.pk}/toggle-active/").status_code == 403


def test_session_writes_need_the_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    refused = client.post("/api/scripts/", {"name": "x"}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    client.get("/api/scripts/", HTTP_ACCEPT="text/html")  # the browsable API sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/scripts/", {"name": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert accepted.status_code == 201


def test_the_token_is_not_accepted_from_the_query_string(admin_user, db):
    token = Token.objects.create(user=admin_user)
    assert APIClient().get("/api/scripts/", {"auth_token": token.key, "token": token.key}).status_code == 401


def test_drf_create_token_makes_a_working_token(admin_user):
    out = io.StringIO()
    call_command("drf_create_token", admin_user.username, stdout=out)
    key = Token.objects.get(user=admin_user).key
    assert key in out.getvalue()
    assert APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/scripts/").status_code == 200


def test_the_token_endpoint_trades_a_password_for_the_token(admin_user):
    response = APIClient().post(
        "/api/auth/token/", {"username": "admin", "password": "password"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=admin_user).key


def test_the_token_endpoint_is_throttled(db, settings):
    client = APIClient()
    answers = [
        client.post(
            "/api/auth/token/", {"username": "nobody", "password": "wrong"}, format="json"
        ).status_code
        for _ in range(12)
    ]
    assert answers[:10] == [400] * 10
    assert answers[10:] == [429, 429]


def test_basic_authentication_is_not_accepted(admin_user):
    import base64

    credentials = base64.b64encode(b"admin:password").decode()
    assert APIClient(HTTP_AUTHORIZATION=f"Basic {credentials}").get("/api/scripts/").status_code == 401


def test_the_schema_and_docs_are_public_and_served_offline(client, db):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
