"""How a request answers when the database refuses it or cannot be reached: never a 500.

The API's exception handler and the dashboard's envelope map database errors here;
workflow_project.unavailable (Django's handler500) and /metrics use the same Retry-After.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, DataError, IntegrityError, InterfaceError, OperationalError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)

# Errors of a database that is away (down, restarting, unreachable), not of a bug.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# Errors that come from the request's data or the database being away, not from a bug.
CLIENT_FACING_DATABASE_ERRORS = (IntegrityError, DataError, *DATABASE_UNAVAILABLE)
# Seconds a client is asked to wait before trying again while the database is away.
RETRY_AFTER_SECONDS = 5
API_MESSAGE = "The database is unavailable; try again shortly."


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
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF's, plus the database errors above."""
    if isinstance(exc, CLIENT_FACING_DATABASE_ERRORS):
        return database_error_response(exc)
    return drf_exception_handler(exc, context)
