"""Fixtures shared by every app's tests."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest

from scripts_app.models import Script, ScriptExecution, Status

_names = itertools.count(1)


@pytest.fixture
def make_script(db):
    def make(**fields) -> Script:
        fields.setdefault("name", f"script-{next(_names)}")
        return Script.objects.create(**fields)

    return make


@pytest.fixture
def make_execution(db, make_script):
    def make(script: Script | None = None, status: str = Status.SUCCESS, **fields) -> ScriptExecution:
        return ScriptExecution.objects.create(script=script or make_script(), status=status, **fields)

    return make


@pytest.fixture
def seoul(settings):
    settings.TIME_ZONE = "Asia/Seoul"
    return settings


def at(text: str, zone: str) -> datetime:
    """An aware datetime from 'YYYY-MM-DD HH:MM[:SS[.ffffff]]' in a named zone."""
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Logging users in is part of many page tests; the real hasher's cost
    # would make each one take half a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
