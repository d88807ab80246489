"""With DEBUG off, error pages never show a stack trace, settings or the URLconf.

This module is also the URLconf of its tests: the site's own patterns plus
views that fail on purpose.
"""

import pytest
from django.test import Client
from django.urls import include, path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

SECRET_DETAIL = "internal-detail-4f1c"


def explode(request):
    raise RuntimeError(f"kaboom {SECRET_DETAIL}")


@api_view(["GET"])
@permission_classes([AllowAny])
def explode_in_the_api(request):
    raise KeyError(SECRET_DETAIL)


urlpatterns = [
    path("test-errors/page/", explode),
    path("test-errors/api/", explode_in_the_api),
    path("", include("workflow_project.urls")),
]

LEAKS = ["Traceback", SECRET_DETAIL, "kaboom", ".py", "SECRET_KEY", "Using the URLconf", "DATABASES"]

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def assert_no_leak(response):
    body = response.content.decode(errors="replace")
    for leak in LEAKS:
        assert leak not in body, f"{leak!r} shown in a {response.status_code} page"


@pytest.mark.parametrize("path", ["/test-errors/page/", "/test-errors/api/"])
def test_a_view_that_raises_answers_a_plain_500(client, path):
    response = client.get(path)
    assert response.status_code == 500
    assert_no_leak(response)


@pytest.mark.parametrize("path", ["/no-such-page/", "/api/no-such-endpoint/", "/admin/no-such-app/x/"])
def test_an_unknown_url_answers_a_plain_404(client, admin_user, path):
    client.force_login(admin_user)
    response = client.get(path)
    assert response.status_code == 404
    assert_no_leak(response)


def test_an_unknown_api_object_answers_the_drf_404(admin_user, api_client_for):
    response = api_client_for(admin_user).get("/api/scripts/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Script matches the given query."}


def test_a_bad_request_is_not_a_debug_page(client):
    response = client.get("/api/scripts/", HTTP_HOST="evil.example")  # not in ALLOWED_HOSTS
    assert response.status_code == 400
    assert_no_leak(response)


def test_debug_is_off_unless_the_environment_turns_it_on():
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    env["DJANGO_SETTINGS_MODULE"] = "workflow_project.settings"
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"
