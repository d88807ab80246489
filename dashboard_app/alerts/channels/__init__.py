"""Channel kinds: how one event is delivered to one target, one module per kind.

As Django's contrib/sessions/backends keeps one module per backend, each kind here is a
module with `deliver(target, secret, event, *, timeout) -> Outcome` (see base.py).
`deliver(kind, ...)` is the one entry point the sender calls.
"""

from __future__ import annotations

import logging
from types import MappingProxyType
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from dashboard_app.alerts.channels import apprise, email, webhook
from dashboard_app.alerts.channels.base import ChannelKind, Outcome
from dashboard_app.alerts.event import Event
from dashboard_app.alerts.redaction import redacting

logger = logging.getLogger(__name__)

KINDS: MappingProxyType[str, ChannelKind] = MappingProxyType(
    {"email": email, "webhook": webhook, "apprise": apprise}  # type: ignore[dict-item]
)


def deliver(kind: str, target: str, secret: str, event: Event, *, timeout: float) -> Outcome:
    """Send `event` to one target; every failure comes back as an Outcome, never raised."""
    try:
        return KINDS[kind].deliver(target, secret, event, timeout=timeout)
    except Exception as crash:  # a bug, not a receiver's answer: kept, and retried like a failure
        # The record is masked like apprise's own: an exception may quote the target.
        with redacting(target):
            logger.exception("Delivering event %s through a %s channel crashed", event.id, kind)
        error = _("Delivery failed unexpectedly (%(error)s).") % {"error": type(crash).__name__}
        return Outcome(delivered=False, status="", error=error)


def describe_target(kind: str, target: str) -> str:
    """A target as pages and the API may show it: an apprise URL is its service name only."""
    if kind == "apprise":
        return f"{urlsplit(target).scheme}://…"
    return target
