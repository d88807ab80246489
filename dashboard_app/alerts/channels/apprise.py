"""apprise channel: one apprise URL per channel (Slack, Teams, Discord, Telegram, ntfy, json://, ...).

The URL is the channel's target and a secret: it carries the service's tokens. It never
reaches an Outcome or a log line: apprise's logs are masked while it works (`redaction`),
and what it reports is masked again before it becomes the Outcome's error.

Safety: only services that send through requests are accepted (`safety.apprise_service`),
and every connection requests opens during the call, redirects included, goes through
`safety.guarded_requests`, which resolves, checks and connects to the checked address.
Redirects are not followed unless the URL asks for them (`redirect=yes`), and then each hop
is checked the same way. A proxy in the environment (HTTPS_PROXY) is checked as the place
connected to; the target behind it is the proxy's to resolve.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from dashboard_app.alerts import safety
from dashboard_app.alerts.channels.base import Outcome, quoted
from dashboard_app.alerts.event import Event
from dashboard_app.alerts.redaction import redact, redacting

# apprise's NotifyType values, which pick the colour and icon a chat service shows.
_NOTIFY_TYPE = {"down": "failure", "stuck": "failure", "summary": "warning", "up": "success", "test": "info"}


def deliver(target: str, secret: str, event: Event, *, timeout: float) -> Outcome:
    import apprise  # loads on first use: importing it costs Django's start-up about 0.2 s

    with redacting(target) as fragments, safety.guarded_requests() as guard:
        service, problem = safety.apprise_service(target)
        if problem:
            return Outcome(delivered=False, status="", error=redact(problem, fragments))
        # The URL may ask for longer socket timeouts (cto=, rto=): ours bound them.
        service.socket_connect_timeout = min(service.socket_connect_timeout, timeout)
        service.socket_read_timeout = min(service.socket_read_timeout, timeout)
        notifier = apprise.Apprise(
            asset=apprise.AppriseAsset(http_redirects=False, storage_mode="memory", service_timeout=timeout)
        )
        notifier.add(service)
        with notifier.notify(
            body=event.text(), title=event.subject(), notify_type=_NOTIFY_TYPE[event.kind], timeout=timeout
        ) as result:
            status = f"apprise {result.status.name.lower()}"
            if result:
                return Outcome(delivered=True, status=status)
            said = [entry.message for entry in result.logs()]
    # A refused connection reaches apprise as a mere connection error: say why instead.
    reasons = guard.refusals or said or [_("apprise gave no reason.")]
    return Outcome(delivered=False, status=status, error=quoted(redact("; ".join(reasons), fragments)))
