"""Fixtures shared by every app's tests."""

from __future__ import annotations

import itertools
import os
import sys
from datetime import datetime, timedelta

import pytest
from django.db import OperationalError
from hypothesis import settings as hypothesis_settings

from scripts_app.models import Script, ScriptExecution, Status

_names = itertools.count(1)

# CI runs the same examples every time (no example database, derandomized),
# so a red build is reproducible; locally hypothesis explores and remembers.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


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


NOON_IN_SEOUL = at("2026-11-26 12:00", "Asia/Seoul")


def _clock_from_noon_in_seoul(tick: bool):
    import time_machine

    return time_machine.travel(NOON_IN_SEOUL, tick=tick)


@pytest.fixture
def noon_in_seoul(seoul):
    """TIME_ZONE Asia/Seoul and the clock frozen at noon on 2026-11-26."""
    with _clock_from_noon_in_seoul(tick=False) as clock:
        yield clock


@pytest.fixture
def running_from_noon_in_seoul(seoul):
    """TIME_ZONE Asia/Seoul and the clock running from noon on 2026-11-26."""
    with _clock_from_noon_in_seoul(tick=True) as clock:
        yield clock


def fresh_counts() -> dict[str, int]:
    """The four counters worked out here from the rows, independently of dashboard_app.counters.stats.

    An execution counts today when its start, seen in TIME_ZONE, falls on
    today's local date: the plain definition, so a test comparing it with
    the cache also catches a wrong counter definition.
    """
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.utils import timezone

    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.now().astimezone(zone).date()
    runs_today = [
        (script_id, status)
        for script_id, status, started_at in ScriptExecution.objects.values_list(
            "script_id", "status", "started_at"
        )
        if _local_date(started_at, zone) == today
    ]
    return {
        "total_scripts": Script.objects.count(),
        "today_executions": len(runs_today),
        "today_failed_scripts": len(
            {script_id for script_id, status in runs_today if status == Status.ERROR}
        ),
        "inactive_scripts": Script.objects.filter(active=False).count(),
    }


def fresh_rollup() -> dict[tuple, int]:
    """Runs per (local date, script id, status) worked out here from the executions,
    independently of dashboard_app: what the rollup must hold (cells with runs only). Its
    per-day level too: (date, None, status) for every script's runs of the day, and
    (date, None, "failed_scripts") for how many scripts had a failed run that day."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    zone = ZoneInfo(settings.TIME_ZONE)
    cells: dict[tuple, int] = {}
    failed: dict = {}
    for script_id, status, started_at in ScriptExecution.objects.values_list(
        "script_id", "status", "started_at"
    ):
        day = _local_date(started_at, zone)
        if day is not None:
            for key in ((day, script_id, status), (day, None, status)):
                cells[key] = cells.get(key, 0) + 1
            if status == Status.ERROR:
                failed.setdefault(day, set()).add(script_id)
    for day, scripts in failed.items():
        cells[(day, None, "failed_scripts")] = len(scripts)
    return cells


def stored_rollup() -> dict[tuple, int]:
    """The rollup's rows, both levels (a day's stripes summed), in the same shape as
    fresh_rollup() (cells with runs only)."""
    from dashboard_app.models import DailyRuns, DailyTotals

    cells: dict[tuple, int] = {}
    for row in DailyRuns.objects.values():
        for status in Status.values:
            if row[status]:
                cells[(row["day"], row["script_id"], status)] = row[status]
    for row in DailyTotals.objects.values():
        for column in (*Status.values, "failed_scripts"):
            cells[(row["day"], None, column)] = cells.get((row["day"], None, column), 0) + row[column]
    return {key: value for key, value in cells.items() if value}


def fresh_week(end) -> dict[int, tuple[int, int, int]]:
    """Each script's (succeeded, ended, failed on `end`) runs of the local days end - 6 to end,
    worked out from fresh_rollup(): what the rollup's week ending on `end` must hold (scripts
    with ended runs only)."""
    week: dict[int, tuple[int, int, int]] = {}
    for (day, script_id, status), runs in fresh_rollup().items():
        if script_id is None or status == Status.RUNNING or not timedelta(0) <= end - day < timedelta(days=7):
            continue
        succeeded, ended, failed = week.get(script_id, (0, 0, 0))
        week[script_id] = (
            succeeded + runs * (status == Status.SUCCESS),
            ended + runs,
            failed + runs * (status == Status.ERROR and day == end),
        )
    return week


def stored_week() -> dict[int, tuple[int, int, int]]:
    """The rollup's week (WeekRates) in the shape of fresh_week() (scripts with ended runs)."""
    from dashboard_app.models import WeekRates

    rows = WeekRates.objects.exclude(ended=0).values_list("script_id", "succeeded", "ended", "failures_today")
    return {script_id: (succeeded, ended, failed) for script_id, succeeded, ended, failed in rows}


class FailingStatements:
    """A database fault: statements on `table` matching `verb` fail `times` times.

    Installed with connection.execute_wrapper(), so the failure comes from
    the database layer exactly where a lock timeout or a lost connection would.
    """

    def __init__(self, verb: str, times: int = 1, table: str = "dashboard_stats") -> None:
        self.verb, self.left, self.failed, self.table = verb, times, 0, table

    def __call__(self, execute, sql, params, many, context):
        # On PostgreSQL the UPDATEs start with a row-locking CTE ("WITH locked ...").
        if self.left and f"{self.verb} " in sql.upper() and self.table in sql:
            self.left -= 1
            self.failed += 1
            raise OperationalError(f"injected: {self.table} is locked")
        return execute(sql, params, many, context)


def _local_date(instant: datetime, zone):
    try:
        return instant.astimezone(zone).date()
    except OverflowError:  # year 1 or 9999 seen from a far zone: not today
        return None


@pytest.fixture(autouse=True)
def rollup_follows_time_zone(request):
    """Tests change TIME_ZONE at will (the settings fixture, override_settings); a deployment
    that changes it runs `manage.py refresh_stats`, which recounts the rollup in the new zone's
    days. Here the rollup follows every change at once, as that operator would (a recount of a
    near-empty test database costs a few queries), and starts each database test counting in
    the zone it runs in. A test marked `rollup_zone_untouched` watches what happens before the
    operator acts: its changes of TIME_ZONE are left alone."""
    from django.core.signals import setting_changed

    if not _opens_database(request):
        yield
        return
    _recount_if_another_zone()
    if request.node.get_closest_marker("rollup_zone_untouched"):
        yield
        return

    def follow(setting, **kwargs):
        if setting == "TIME_ZONE":
            try:
                _recount_if_another_zone()
            except RuntimeError:  # the database is closed to this test by now (teardown)
                pass

    setting_changed.connect(follow)
    yield
    setting_changed.disconnect(follow)


def _opens_database(request) -> bool:
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            return True
    return request.node.get_closest_marker("django_db") is not None


def _recount_if_another_zone() -> None:
    from django.conf import settings

    from dashboard_app.models import RollupZone
    from dashboard_app.rollup import rebuild

    if not RollupZone.objects.filter(pk=1, time_zone=settings.TIME_ZONE, complete=True).exists():
        rebuild.rebuild()


@pytest.fixture(autouse=True)
def empty_django_cache():
    # Throttle counters live in Django's cache; each test starts with none.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def user_with(username: str, *codenames: str):
    from django.contrib.auth.models import Permission, User

    user = User.objects.create_user(username, password="pw-" + username)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def viewer(db):
    """A signed-in user with no model permissions: may read, may not write."""
    return user_with("viewer")


@pytest.fixture
def editor(db):
    """May create and change scripts and executions, not delete them."""
    return user_with("editor", "add_script", "change_script", "add_scriptexecution", "change_scriptexecution")


@pytest.fixture
def api_client_for():
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def client_for(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
        return client

    return client_for


@pytest.fixture
def api(admin_user, api_client_for):
    """An API client signed in with a superuser's token."""
    return api_client_for(admin_user)


@pytest.fixture(autouse=True)
def default_language():
    # A request's LocaleMiddleware activates its language on the thread and leaves it there: a
    # test that asked for Korean would otherwise hand Korean to the next test's code that runs
    # outside a request (an alert's text, a sender's error).
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Hashing is deliberately slow; tests create many users and need no security.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_terminal_summary(terminalreporter):
    machine = sys.modules.get("dashboard_app.tests.test_stateful_consistency")
    if machine and machine.STATEFUL_TALLY["examples"]:
        tally = machine.STATEFUL_TALLY
        terminalreporter.write_line(
            f"state machine: {tally['examples']} sequences run, {tally['steps']} steps checked "
            f"(STATEFUL_EXAMPLES={machine.STATEFUL_EXAMPLES} per zone, up to {machine.STATEFUL_STEPS} steps)"
        )
    fuzz = sys.modules.get("scripts_app.tests.test_api_schema_fuzz")
    if fuzz and fuzz.FUZZ_TALLY["requests"]:
        tally = fuzz.FUZZ_TALLY
        terminalreporter.write_line(
            f"schemathesis: {tally['requests']} requests sent, {tally['client_errors']} answered 4xx, "
            f"{tally['server_errors']} answered 5xx"
        )
