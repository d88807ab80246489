"""GET /metrics: the Prometheus exposition, for the scrape token or a permitted user.

Access:
- `Authorization: Bearer <METRICS_TOKEN>`, compared in constant time;
- or a signed-in user (session) with METRICS_PERMISSION, which superusers have;
- anyone else: 401 while a token is configured, 403 for a signed-in user
  without the permission; 404 while METRICS_TOKEN is unset, so an anonymous
  caller learns nothing of the endpoint.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
)

from common.errors import DATABASE_UNAVAILABLE, RETRY_AFTER_SECONDS
from dashboard_app.api.prometheus import exposition

# Reading the cached counters is what the dashboard's admin page shows.
METRICS_PERMISSION = "dashboard_app.view_dashboardstat"
BEARER = "bearer "


def metrics(request: HttpRequest) -> HttpResponse:
    try:
        refused = refusal(request)
        if refused is not None:
            return refused
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        body, content_type = exposition(request.headers.get("Accept"))
    except DATABASE_UNAVAILABLE:
        return HttpResponse(
            "The database is unavailable; try again shortly.\n",
            status=503,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return HttpResponse(body, content_type=content_type, headers={"Cache-Control": "no-store"})


def refusal(request: HttpRequest) -> HttpResponse | None:
    """None when the caller may read the metrics, else the answer that refuses it."""
    configured = settings.METRICS_TOKEN
    # The token is checked first: a scrape with it costs no session or user query.
    if configured and token_matches(bearer_token(request), configured):
        return None
    if request.user.is_authenticated:
        if request.user.has_perm(METRICS_PERMISSION):
            return None
        return plain(HttpResponseForbidden, f"Reading the metrics needs the {METRICS_PERMISSION} permission.")
    if not configured:
        return plain(HttpResponseNotFound, "Not found.")
    response = plain(HttpResponse, "Send Authorization: Bearer <METRICS_TOKEN>, or sign in.", status=401)
    response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


def bearer_token(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    return header[len(BEARER) :].strip() if header.lower().startswith(BEARER) else None


def token_matches(given: str | None, configured: str) -> bool:
    # compare_digest takes as long whatever prefix matches, so the token
    # cannot be guessed a character at a time from response times.
    return given is not None and hmac.compare_digest(given.encode(), configured.encode())


def plain(response_class: type[HttpResponse], text: str, **kwargs) -> HttpResponse:
    return response_class(text + "\n", content_type="text/plain; charset=utf-8", **kwargs)
