"""REST views and hooks shared by the apps: error mapping and the token endpoint."""

from __future__ import annotations

import logging

from django.db import DatabaseError, DataError, IntegrityError, InterfaceError, OperationalError
from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from workflow_project.unavailable import API_MESSAGE, RETRY_AFTER_SECONDS

logger = logging.getLogger(__name__)


# Errors that come from the request's data or the database being away, not from a bug.
CLIENT_FACING_DATABASE_ERRORS = (IntegrityError, DataError, OperationalError, InterfaceError)


def database_error_response(exc: DatabaseError) -> Response:
    """Map a database error to a client-facing status instead of a 500 page."""
    if isinstance(exc, IntegrityError):
        return Response(
            {"detail": "The change conflicts with existing data; reload and try again."},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DataError):
        return Response({"detail": "A value is out of the range the database accepts."}, status=400)
    logger.exception("Database unavailable")
    return Response(
        {"detail": API_MESSAGE},
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def exception_handler(exc, context):
    if isinstance(exc, CLIENT_FACING_DATABASE_ERRORS):
        return database_error_response(exc)
    return drf_exception_handler(exc, context)


class ThrottledObtainAuthToken(ObtainAuthToken):
    """POST username and password, get the API token; throttled per client address."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"
