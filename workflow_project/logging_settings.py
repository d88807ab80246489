"""The LOGGING setting: the product's loggers to the console, every line with ping keys hidden.

Ping URLs hold their script's secret key (workflow_project/log_filters.py hides them).
"""

from __future__ import annotations

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Ping URLs hold their script's secret key: hidden from every line (workflow_project/log_filters.py).
    "filters": {
        "hide_ping_keys": {"()": "workflow_project.log_filters.HidePingKeys"},
        "require_debug_true": {"()": "django.utils.log.RequireDebugTrue"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["hide_ping_keys"]},
        # Django's own loggers as Django sets them up (printed with DEBUG on), keys hidden.
        "django_console": {
            "class": "logging.StreamHandler",
            "filters": ["require_debug_true", "hide_ping_keys"],
        },
        # Django's development server names the path of every request: the same filter.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["hide_ping_keys"],
        },
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django": {"handlers": ["django_console"], "level": "INFO"},
        # On the logger itself, so that the record every handler gets says no key.
        "django.request": {"filters": ["hide_ping_keys"]},
        "dashboard_app": {"handlers": ["console"], "level": "INFO"},
        # Pings (by script id, never the key) and the watcher's flips.
        "scripts_app": {"handlers": ["console"], "level": "INFO"},
        # Redis outages and recoveries (workflow_project.resilient_cache), once per interval.
        "workflow_project": {"handlers": ["console"], "level": "INFO"},
    },
}
