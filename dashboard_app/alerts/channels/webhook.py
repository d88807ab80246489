"""Webhook channel: the event as a signed JSON POST to an http or https URL.

Headers: `Content-Type: application/json`, `X-Workflow-Event-Id: <event id>` and
`X-Workflow-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes under the channel's
secret>` (left out when the channel has no secret). A 2xx answer is delivery; anything
else is not, a redirect included: redirects are never followed, since where they point was
never checked. At most RESPONSE_LIMIT bytes of the answer are read, and the whole exchange
is cut off `timeout` seconds after it began.

Built on http.client rather than requests: we open the socket ourselves, to an address
`safety` has just checked (no second DNS lookup), and hand it over, while the Host header
and the TLS server name stay the URL's host; http.client never follows a redirect and
reads only the bytes asked for.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import socket
import ssl
import threading
import time
from contextlib import suppress
from urllib.parse import SplitResult, quote, urlsplit

from django.utils.translation import gettext as _

from dashboard_app.alerts import safety
from dashboard_app.alerts.channels.base import Outcome, quoted
from dashboard_app.alerts.event import Event

RESPONSE_LIMIT = 4096
USER_AGENT = "workflow-dashboard-alerts/1"

_TLS = ssl.create_default_context()
# What may stand in a request target unescaped (RFC 3986), "%" included so escapes stay as they are.
_URL_CHARACTERS = "/?#[]@!$&'()*+,;=-._~%:"


def signature(body: bytes, secret: str) -> str:
    """The X-Workflow-Signature value a receiver recomputes to trust a body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(target: str, secret: str, event: Event, *, timeout: float) -> Outcome:
    problem = safety.webhook_url_error(target)
    if problem:
        return Outcome(delivered=False, status="", error=problem)
    body = event.as_json_body()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Workflow-Event-Id": event.id,
    }
    if secret:
        headers["X-Workflow-Signature"] = signature(body, secret)
    deadline = _Deadline(timeout)
    try:
        code, location, answer = _post(urlsplit(target), body, headers, deadline)
    except safety.TargetRefused as refused:
        return Outcome(delivered=False, status="", error=str(refused))
    except (OSError, http.client.HTTPException) as failure:
        if deadline.passed or isinstance(failure, TimeoutError):
            error = _("No answer within %(seconds)g s.") % {"seconds": timeout}
            return Outcome(delivered=False, status="", error=error)
        error = _("Could not reach the receiver: %(error)s") % {"error": _describe(failure)}
        return Outcome(delivered=False, status="", error=error)
    status = f"HTTP {code}"
    if 200 <= code < 300:
        return Outcome(delivered=True, status=status)
    if 300 <= code < 400:
        error = _("The receiver answered %(status)s, a redirect to %(location)s: redirects are not followed.")
        return Outcome(False, status, error % {"status": status, "location": quoted(location or "?")})
    said = quoted(answer.decode("utf-8", errors="replace")) or _("(no body)")
    error = _("The receiver answered %(status)s: %(said)s") % {"status": status, "said": said}
    return Outcome(delivered=False, status=status, error=error)


def _post(
    url: SplitResult, body: bytes, headers: dict[str, str], deadline: _Deadline
) -> tuple[int, str, bytes]:
    """POST `body` and return the answer's status code, Location header and first bytes."""
    tls = url.scheme.lower() == "https"
    host = (url.hostname or "").encode("idna").decode("ascii")
    port = url.port or (443 if tls else 80)
    sock = safety.open_connection(host, port, timeout=deadline.remaining())
    if tls:
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(host, port, context=_TLS)
    else:
        connection = http.client.HTTPConnection(host, port)
    try:
        with deadline.watching(sock):
            if tls:
                sock = _TLS.wrap_socket(sock, server_hostname=host)
            # A connection that has a socket sends on it and never connects (or resolves) itself.
            connection.sock = sock
            # Characters a browser would have escaped (spaces, non-ASCII) are escaped here too.
            path = quote((url.path or "/") + (f"?{url.query}" if url.query else ""), safe=_URL_CHARACTERS)
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheader("Location", ""), response.read(RESPONSE_LIMIT)
    finally:
        connection.close()
        sock.close()


class _Deadline:
    """Cuts a connection off when the delivery's time is up, however slowly the receiver drips."""

    def __init__(self, seconds: float) -> None:
        self.ends_at = time.monotonic() + seconds
        self.passed = False

    def remaining(self) -> float:
        return max(self.ends_at - time.monotonic(), 0.001)

    def watching(self, sock: socket.socket) -> _Watch:
        return _Watch(self, sock)


class _Watch:
    def __init__(self, deadline: _Deadline, sock: socket.socket) -> None:
        self.deadline = deadline
        # A duplicate of the descriptor: shutting it down ends the connection even after
        # TLS has taken the original socket over.
        self.handle = sock.dup()
        self.timer = threading.Timer(deadline.remaining(), self._cut_off)
        self.timer.daemon = True

    def _cut_off(self) -> None:
        self.deadline.passed = True
        with suppress(OSError):
            self.handle.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Watch:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.cancel()
        self.handle.close()


def _describe(failure: BaseException) -> str:
    if isinstance(failure, ssl.SSLCertVerificationError):
        return _("the TLS certificate was not accepted (%(reason)s)") % {"reason": failure.verify_message}
    if isinstance(failure, socket.gaierror):
        return _("the host name could not be resolved")
    if isinstance(failure, ConnectionRefusedError):
        return _("the connection was refused")
    return quoted(str(failure) or type(failure).__name__)
