"""Schema fuzzing: schemathesis sends generated requests to every operation.

Bounded (FUZZ_EXAMPLES per operation, default 25; .ci/run sets a larger
bound) so it fits CI. Checks: no 5xx, every response matches the schema, and
a request answered 4xx changed no row of any table. The request count is
printed in the test summary (see conftest.pytest_terminal_summary).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.apps import apps
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ_TALLY = {"requests": 0, "client_errors": 0, "server_errors": 0}

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def keep_the_test_connection_open():
    # Django's WSGI handler closes the connection after each request (the test
    # Client disconnects this too); here it would close the test transaction.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def token(admin_user, make_script, make_execution) -> str:
    # Some rows, so that generated ids sometimes exist.
    for _ in range(3):
        make_execution(make_script())
    return Token.objects.get_or_create(user=admin_user)[0].key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_request_makes_a_5xx_and_responses_match_the_schema(case, token):
    before = every_table()
    response = case.call(headers={"Authorization": f"Token {token}"})
    FUZZ_TALLY["requests"] += 1
    if response.status_code >= 500:
        FUZZ_TALLY["server_errors"] += 1
    elif response.status_code >= 400:
        FUZZ_TALLY["client_errors"] += 1
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    if 400 <= response.status_code < 500:
        after = every_table()
        changed = [table for table in before if before[table] != after[table]]
        assert not changed, f"a request answered {response.status_code} changed {changed}"


def every_table() -> dict[str, list[tuple]]:
    """The rows of every table, to compare before and after a request."""
    return {
        model._meta.db_table: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if not model._meta.proxy
    }
