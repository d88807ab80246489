"""HTTPS settings come from the environment; production settings pass `check --deploy`."""

from __future__ import annotations

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
HTTPS_SETTINGS = ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")


def settings_with(monkeypatch, **environ: str) -> dict:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / "workflow_project" / "settings.py"))


def test_plain_http_works_by_default(monkeypatch):
    settings = settings_with(monkeypatch, HTTPS="")
    assert [settings[name] for name in HTTPS_SETTINGS] == [False, False, False]
    assert settings["SECURE_HSTS_SECONDS"] == 0


def test_https_turns_on_the_redirect_secure_cookies_and_hsts(monkeypatch):
    settings = settings_with(monkeypatch, HTTPS="1")
    assert [settings[name] for name in HTTPS_SETTINGS] == [True, True, True]
    assert settings["SECURE_HSTS_SECONDS"] == 31_536_000
    assert "SECURE_PROXY_SSL_HEADER" not in settings


def test_each_https_setting_can_be_overridden(monkeypatch):
    settings = settings_with(monkeypatch, HTTPS="1", SECURE_SSL_REDIRECT="0", TRUST_X_FORWARDED_PROTO="1")
    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def check_deploy(**environ: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DEBUG": "0", **environ}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_pass_check_deploy():
    result = check_deploy(
        SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="dashboard.example.com", HTTPS="1"
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_names_what_plain_http_leaves_off():
    result = check_deploy(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1", HTTPS="0")
    assert result.returncode != 0
    for check in ("W004", "W008", "W012", "W016"):
        assert f"security.{check}" in result.stderr
