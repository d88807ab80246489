"""A script's ping URLs on its page: shown as copyable curl lines only to users who may change
the script, and replaced by "regenerate" (the page's form, and POST /api/scripts/{id}/ping-key/)
so that the old URLs answer 404 at once."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client

from scripts_app.models import Script, ScriptExecution

CURL = "curl -fsS -m 10 --retry 5 -o /dev/null"


@pytest.fixture
def script(make_script):
    return make_script(name="nightly", schedule="0 2 * * *")


def lines(html: str) -> dict[str, str]:
    return dict(re.findall(r'<code id="ping-(\w+)">([^<]*)</code>', html))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_editor_sees_the_curl_lines_with_the_scripts_key(editor, script):
    response = signed_in(editor).get(f"/scripts/{script.pk}/")
    url = f"http://testserver/ping/{script.ping_key}"
    assert lines(response.content.decode()) == {
        "success": f"{CURL} {url}",
        "after_command": f"/path/to/command; {CURL} {url}/$?",
        "start": f"{CURL} {url}/start",
        "fail": f"{CURL} {url}/fail",
    }
    assert response["Cache-Control"] == "no-store"  # a credential: kept out of caches


def test_a_viewer_sees_no_ping_url_and_no_regenerate_button(viewer, script):
    response = signed_in(viewer).get(f"/scripts/{script.pk}/")
    html = response.content.decode()
    assert script.ping_key not in html
    assert "/ping/" not in html and "ping-key" not in html
    assert lines(html) == {}


def test_the_lines_ping_the_script(editor, script):
    html = signed_in(editor).get(f"/scripts/{script.pk}/").content.decode()
    path = lines(html)["success"].split("http://testserver")[1]
    response = Client().get(path)
    assert (response.status_code, response.content) == (200, b"OK")
    assert ScriptExecution.objects.filter(script=script, status="success").count() == 1


def test_regenerating_gives_a_new_key_and_the_old_urls_answer_404(editor, script):
    old = script.ping_key
    assert Client().get(f"/ping/{old}/start").status_code == 200
    response = signed_in(editor).post(f"/scripts/{script.pk}/ping-key/")
    assert response.status_code == 302 and response.url == f"/scripts/{script.pk}/#ping-urls"
    new = Script.objects.get(pk=script.pk).ping_key
    assert new != old and len(new) >= 32
    for suffix in ["", "/start", "/fail", "/0"]:
        assert Client().get(f"/ping/{old}{suffix}").status_code == 404
    assert Client().get(f"/ping/{new}").status_code == 200
    page = signed_in(editor).get(f"/scripts/{script.pk}/").content.decode()
    assert new in page and old not in page


def test_the_message_and_the_logs_name_no_key(editor, script, caplog):
    client = signed_in(editor)
    with caplog.at_level(logging.DEBUG):
        response = client.post(f"/scripts/{script.pk}/ping-key/", follow=True)
    new = Script.objects.get(pk=script.pk).ping_key
    assert "has new ping URLs; the old ones answer 404" in response.content.decode()
    assert f"new ping key for script {script.pk}" in caplog.text
    assert new not in caplog.text and script.ping_key not in caplog.text


def test_a_viewer_cannot_regenerate(viewer, script):
    response = signed_in(viewer).post(f"/scripts/{script.pk}/ping-key/")
    assert response.status_code == 403
    assert Script.objects.get(pk=script.pk).ping_key == script.ping_key


def test_regenerating_needs_a_sign_in_a_post_and_the_csrf_token(editor, script, client):
    response = client.post(f"/scripts/{script.pk}/ping-key/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert signed_in(editor).get(f"/scripts/{script.pk}/ping-key/").status_code == 405
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(editor)
    assert checked.post(f"/scripts/{script.pk}/ping-key/").status_code == 403
    assert Script.objects.get(pk=script.pk).ping_key == script.ping_key


def test_regenerating_an_unknown_script_is_a_404(editor, db):
    assert signed_in(editor).post("/scripts/999999/ping-key/").status_code == 404


def test_the_api_regenerates_and_answers_the_new_ping_url(api_client_for, editor, script):
    old = script.ping_key
    response = api_client_for(editor).post(f"/api/scripts/{script.pk}/ping-key/")
    assert response.status_code == 200
    new = Script.objects.get(pk=script.pk).ping_key
    assert new != old
    assert response.json()["ping_url"] == f"http://testserver/ping/{new}"
    assert response.json()["id"] == script.pk
    assert Client().get(f"/ping/{old}").status_code == 404


def test_the_api_refuses_a_viewer(api_client_for, viewer, script):
    response = api_client_for(viewer).post(f"/api/scripts/{script.pk}/ping-key/")
    assert response.status_code == 403
    assert Script.objects.get(pk=script.pk).ping_key == script.ping_key


@pytest.mark.parametrize("key", ["Ab3-_x" * 5, "ANY-PING-KEY", "a b", "ü%?#"])
def test_a_ping_url_is_what_reverse_gives_for_its_key(rf, settings, key):
    settings.ALLOWED_HOSTS = ["ops.example.com"]
    from django.urls import reverse

    from scripts_app.monitoring.ping_keys import ping_url

    request = rf.get("/api/scripts/", HTTP_HOST="ops.example.com")
    script = Script(name="nightly", ping_key=key)
    assert ping_url(request, script) == request.build_absolute_uri(reverse("ping", args=[key]))
