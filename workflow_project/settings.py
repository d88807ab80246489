"""Settings, read from the environment with safe local defaults.

SQLite in the project folder is the default database so that a fresh checkout
runs with no setup; PostgreSQL is reached by setting DATABASE_URL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from workflow_project.alert_settings import *  # noqa: F403 (EMAIL_*, ALERTS_*: alerts' settings)
from workflow_project.environment import (
    envbool,
    envfloat,
    envint,
    envlist,
    host_time_zone,
    minute_of_local_midnight_on_host,
)
from workflow_project.logging_settings import LOGGING  # noqa: F401 (the setting, kept in its own module)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
# The fallback key is for local development only; `check --deploy` flags it.
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-local-development-key-do-not-use"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "scripts_app",
    # Before django_crontab, so that our `crontab` command (which refuses to
    # run without a crontab binary) overrides the library's silent one.
    "dashboard_app",
    "django_crontab",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Serves STATIC_ROOT (compressed, with caching headers) under gunicorn.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before common: picks the page language from the
    # language switcher's cookie, else Accept-Language.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "workflow_project.urls"
WSGI_APPLICATION = "workflow_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dashboard_app.pages.context.rollup_notice",
            ],
        },
    },
]

# SQLite settings that make it safe for several writers: WAL lets readers and
# the writer proceed together, IMMEDIATE takes the write lock at BEGIN (so a
# transaction never fails to upgrade its lock half-way), and the timeout makes
# a writer wait for the lock instead of failing with "database is locked".
# dashboard_app.checks verifies at run time that SQLite applied them.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Reused for a minute, and health-checked before each request's first query (so an
        # outage still answers 503 and heals without a restart): opening a PostgreSQL
        # connection per request cost about 60% of `make serve`'s capacity (docs/benchmarks.md).
        conn_max_age=envint("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server (a dropped route, a firewall) answers nothing: give
    # up after this many seconds and answer 503, rather than hold the worker
    # until gunicorn kills it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", envint("DATABASE_CONNECT_TIMEOUT", 5)
    )
    # The same for a connection that goes quiet mid-request (a server gone
    # without a reset): libpq notices within about ten seconds, well inside
    # gunicorn's worker timeout, and the request gets its 503.
    for option, value in {
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 2,
        "tcp_user_timeout": 10_000,  # ms: sent data unacknowledged for this long
        "options": "-c jit=off",  # short statements: compiling a plan cost seconds at 10,000 scripts
    }.items():
        DATABASES["default"]["OPTIONS"].setdefault(option, value)
    if envbool("DATABASE_PREPARED_STATEMENTS", True):
        # Parameters bound by the server, and a statement run five times on a connection
        # prepared: parsed and planned once, then only executed. PostgreSQL spends half the CPU
        # on a cached read and a quarter less on a run recorded (docs/benchmarks-scale.md).
        # Off (0) behind a pooler that cannot keep prepared statements (PgBouncer in
        # transaction mode without max_prepared_statements).
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
    # A file, not :memory:, so that tests can use WAL and several processes.
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ko", "한국어")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE") or host_time_zone()
USE_I18N = True
USE_TZ = True

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# Compressed copies for whitenoise. Not the manifest (hashed names) variant:
# it fails every {% static %} tag until collectstatic has run, tests included.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# HTTPS. Where clients reach the site over TLS (here or at a load balancer),
# set HTTPS=1: it turns on the redirect, secure cookies and HSTS, each of
# which can still be set on its own. Off by default so that `make serve` on a
# plain-HTTP loopback port works; `check --deploy` names what is off.
HTTPS = envbool("HTTPS", False)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", HTTPS)
# Behind a load balancer that terminates TLS: trust its X-Forwarded-Proto
# (only if it always sets the header itself).
if envbool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

# Content-Security-Policy (django-csp): scripts, styles, fonts and API calls
# from our own origin only; no inline script or style, no eval, no plugins,
# no framing. Inline SVG is markup, not style: the dashboard chart needs
# nothing more. data: images are the pages' empty favicon and Swagger UI's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Django's cache (DRF throttling, sessions). With REDIS_URL every worker and
# host shares one cache; without it each process has its own in memory, so
# throttle limits count per process and sessions stay in the database only.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Seconds a Redis connect or command may take before the cache gives up on it,
# and seconds the cache then leaves Redis alone before trying it again.
REDIS_TIMEOUT = envfloat("REDIS_TIMEOUT", 0.5)
REDIS_RETRY_SECONDS = envfloat("REDIS_RETRY_SECONDS", 5)
if REDIS_URL:
    from workflow_project.cache_settings import redis_caches

    CACHES = redis_caches(REDIS_URL, REDIS_TIMEOUT)
    # Sessions read from Redis, written through to the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    SESSION_CACHE_ALIAS = "sessions"
else:
    # A per-process cache must not hold sessions: a logout in one worker
    # would leave the session alive in the others' caches.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

REST_FRAMEWORK = {
    # Token first, so that an anonymous request gets 401 with WWW-Authenticate.
    # No BasicAuthentication: it would hash a password on every request.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["common.api.ReadAuthenticatedWriteWithModelPermission"],
    "DEFAULT_PAGINATION_CLASS": "common.api.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.errors.exception_handler",
    # Throttle counts live in Django's cache: shared by all workers when REDIS_URL is set.
    "DEFAULT_THROTTLE_RATES": {
        "auth": os.environ.get("AUTH_THROTTLE_RATE") or "10/minute",
        "login": os.environ.get("LOGIN_THROTTLE_RATE") or "10/minute",
    },
    # Proxies in front of the app whose X-Forwarded-For throttles may trust. With
    # 0 the client's own address counts: a forged X-Forwarded-For cannot dodge them.
    "NUM_PROXIES": envint("NUM_PROXIES", 0),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Workflow dashboard API",
    "DESCRIPTION": "Scripts, their executions, and the dashboard counters.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs describe endpoints and hold no data: public.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    # Request bodies are described as JSON only. The API still parses forms
    # (the browsable API posts them), but a body offered in three content
    # types made openapi-python-client 0.29 generate create/update operations
    # that do not import (`name 'Unset' is not defined`).
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    # Enum names a generated client shows its users (else StatusEnum, SourceEnum).
    "ENUM_NAME_OVERRIDES": {
        "ExecutionStatusEnum": "scripts_app.models.Status",
        "StatsSourceEnum": ["cache", "live"],
        "ChannelKindEnum": "dashboard_app.alerts.tables.Kind",
        "NotificationEventEnum": "dashboard_app.alerts.tables.EventKind",
        "ChannelEventEnum": "dashboard_app.alerts.tables.SUBSCRIBABLE_CHOICES",
    },
    # Swagger UI's files come from drf-spectacular-sidecar: no CDN needed.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Seconds a recomputed dashboard counter may be served from dashboard_stats
# before it is recomputed; it catches writes made outside Django (raw SQL).
STATS_CACHE_TTL = envint("STATS_CACHE_TTL", 300)
# How often the open dashboard reloads its counters while the tab is visible.
DASHBOARD_REFRESH_SECONDS = envint("DASHBOARD_REFRESH_SECONDS", 30)
# ... and how often while someone is using the page (polls are cheap: a 304
# while nothing changed).
DASHBOARD_ACTIVE_REFRESH_SECONDS = envint("DASHBOARD_ACTIVE_REFRESH_SECONDS", 5)

# The bearer token Prometheus sends to GET /metrics. Unset: only signed-in
# users with the view permission may read it, and anyone else gets a 404.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# Cron fires in the host's zone, which may differ from TIME_ZONE, so the reset
# is scheduled hourly at the minute on which TIME_ZONE's midnight falls: one
# run always lands at local midnight whatever the host zone or DST. The reset
# is idempotent and reads never depend on it (dashboard_app.counters.stats rolls over
# by itself), so the other runs are harmless.
CRONJOBS = [
    (
        f"{minute_of_local_midnight_on_host(TIME_ZONE)} * * * *",
        "django.core.management.call_command",
        ["reset_daily_stats"],
    ),
    # For hosts that prefer cron to a long-running `manage.py watch_schedules`: one pass a minute.
    ("* * * * *", "django.core.management.call_command", ["watch_schedules"], {"once": True}),
]
CRONTAB_COMMAND_SUFFIX = "2>&1"
