"""Sign-in endpoints are throttled per client address and username; a forged X-Forwarded-For does not help."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from conftest import user_with

ATTEMPTS_ALLOWED = 10  # the default LOGIN/AUTH_THROTTLE_RATE: 10/minute


@pytest.fixture
def alice(db):
    return user_with("alice")  # password "pw-alice"


def sign_in(client: Client, username: str, password: str, **headers):
    return client.post("/accounts/login/", {"username": username, "password": password}, **headers)


def test_the_login_page_is_public_and_signs_a_user_in(alice):
    client = Client()
    assert client.get("/accounts/login/").status_code == 200
    response = sign_in(client, "alice", "pw-alice")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_a_wrong_password_is_refused_with_the_form_again(alice):
    response = sign_in(Client(), "alice", "wrong")
    assert response.status_code == 200
    assert "_auth_user_id" not in Client().session


def test_login_is_throttled_after_ten_attempts_even_with_the_right_password(alice):
    client = Client()
    answers = [sign_in(client, "alice", "wrong").status_code for _ in range(ATTEMPTS_ALLOWED)]
    assert answers == [200] * ATTEMPTS_ALLOWED
    refused = sign_in(client, "alice", "pw-alice")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "Too many sign-in attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_throttle_counts_per_address_and_username(alice):
    user_with("bob")
    for _ in range(ATTEMPTS_ALLOWED + 1):
        sign_in(Client(), "alice", "wrong")
    assert sign_in(Client(), "Alice ", "wrong").status_code == 429  # same user, spelled differently
    assert sign_in(Client(), "bob", "pw-bob").status_code == 302
    assert sign_in(Client(REMOTE_ADDR="10.0.0.2"), "alice", "pw-alice").status_code == 302


def test_a_forged_x_forwarded_for_does_not_dodge_the_login_throttle(alice):
    answers = [
        sign_in(Client(), "alice", "wrong", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}").status_code
        for n in range(ATTEMPTS_ALLOWED + 2)
    ]
    assert answers[-2:] == [429, 429]


def test_a_forged_x_forwarded_for_does_not_dodge_the_token_throttle(db):
    """Regression: DRF trusted X-Forwarded-For by default, so a new value each try bypassed it."""
    answers = [
        APIClient()
        .post(
            "/api/auth/token/",
            {"username": "nobody", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
        .status_code
        for n in range(ATTEMPTS_ALLOWED + 2)
    ]
    assert answers == [400] * ATTEMPTS_ALLOWED + [429, 429]


def test_the_admin_login_is_throttled_too(admin_user):
    client = Client()
    for _ in range(ATTEMPTS_ALLOWED):
        assert client.post("/admin/login/", {"username": "admin", "password": "wrong"}).status_code == 200
    refused = client.post("/admin/login/", {"username": "admin", "password": "password"})
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    assert Client().post("/admin/login/", {"username": "admin", "password": "password"}).status_code == 429


def test_the_admin_login_still_signs_staff_in(admin_user):
    client = Client()
    assert client.get("/admin/login/").status_code == 200
    assert client.post("/admin/login/", {"username": "admin", "password": "password"}).status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_sign_in_forms_need_the_csrf_token(alice, path):
    client = Client(enforce_csrf_checks=True)
    assert client.post(path, {"username": "alice", "password": "pw-alice"}).status_code == 403
    assert "_auth_user_id" not in client.session
