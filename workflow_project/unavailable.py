"""The answer to a request that failed because the database could not be reached: a 503, not a 500.

It is Django's handler500, so it sees a failure wherever it happened: in a
view, in a middleware (the session saved on the way out) or in a template.
It must not need the database itself: the page is rendered without the
request, so no context processor looks up the session or the user.
"""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

from common.errors import API_MESSAGE, DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 with Retry-After when the database is unreachable, else Django's plain 500."""
    if not isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return defaults.server_error(request)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": API_MESSAGE}, status=503, headers=headers)
    page = render_to_string(
        "503.html",
        {
            "title": _("Temporarily unavailable"),
            "retry_after": RETRY_AFTER_SECONDS,
            "retry_path": request.get_full_path(),
        },
    )
    return HttpResponse(page, status=503, headers=headers)
