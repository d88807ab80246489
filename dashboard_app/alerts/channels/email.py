"""Email channel: one message per event to one address, through Django's email backend.

So any SMTP server the EMAIL_* settings name (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL); the channel has no secret of its
own. The Message-ID is made from the event's id, so mail clients show the copies a retry
sends twice as one message.
"""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.utils.translation import gettext as _

from dashboard_app.alerts import safety
from dashboard_app.alerts.channels.base import Outcome, quoted
from dashboard_app.alerts.event import Event


def deliver(target: str, secret: str, event: Event, *, timeout: float) -> Outcome:
    problem = safety.target_errors("email", target)
    if problem:
        return Outcome(delivered=False, status="", error=problem)
    connection = get_connection(fail_silently=False, timeout=timeout)
    message = EmailMessage(
        subject=event.subject(),
        body=event.text(),
        to=[target],
        connection=connection,
        headers={"Message-ID": f"<{event.id}@{_sender_domain()}>", "X-Workflow-Event-Id": event.id},
    )
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as refused:
        code, said = next(iter(refused.recipients.values()))
        return _answered(code, said)
    except smtplib.SMTPResponseException as failure:
        return _answered(failure.smtp_code, failure.smtp_error)
    except smtplib.SMTPException as failure:  # no reply code: a lost connection, no AUTH offered, ...
        reason = quoted(str(failure)) or type(failure).__name__
        error = _("The mail server did not take the message: %(reason)s") % {"reason": reason}
        return Outcome(delivered=False, status="", error=error)
    except OSError as failure:
        reason = quoted(str(failure)) or type(failure).__name__
        error = _("Could not reach the mail server: %(reason)s") % {"reason": reason}
        return Outcome(delivered=False, status="", error=error)
    # smtplib raises unless the server accepted the message with 250; other backends
    # (console, locmem, an API-based one) have no SMTP reply to report.
    return Outcome(delivered=True, status="SMTP 250" if isinstance(connection, SMTPBackend) else "sent")


def _answered(code: int, said: bytes | str) -> Outcome:
    text = said.decode("utf-8", errors="replace") if isinstance(said, bytes) else str(said)
    status = f"SMTP {code}"
    error = _("The mail server answered %(status)s: %(said)s") % {"status": status, "said": quoted(text)}
    return Outcome(delivered=False, status=status, error=error)


def _sender_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "localhost"
