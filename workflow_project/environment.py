"""Reading settings from the environment, and the host's clock: the helpers settings.py uses.

Kept apart from the settings themselves so that they read as a list of what can be set.
"""

from __future__ import annotations

import os

import tzlocal


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value is None or value == "" else int(value)


def envfloat(name: str, default: float) -> float:
    value = os.environ.get(name)
    return default if value is None or value == "" else float(value)


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def minute_of_local_midnight_on_host(time_zone: str) -> int:
    """The minute of the host's clock at which `time_zone` reaches midnight."""
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo(time_zone)).date()
    midnight = datetime.combine(today, time.min, tzinfo=ZoneInfo(time_zone))
    return midnight.astimezone(ZoneInfo(host_time_zone())).minute


def host_time_zone() -> str:
    """The host's IANA zone name, or UTC when the host does not say."""
    try:
        return tzlocal.get_localzone_name() or "UTC"
    except Exception:  # tzlocal raises on hosts with a broken zone setup
        return "UTC"
