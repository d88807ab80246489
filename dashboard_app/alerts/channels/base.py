"""What every channel kind provides, and what one delivery attempt reports.

Each kind is a module (email, webhook, apprise) with the function `deliver`; none keeps
state between calls, and none raises for a failed delivery: the failure is the Outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from dashboard_app.alerts.event import Event

# What of a receiver's answer an error message quotes.
QUOTED_ANSWER_CHARS = 200


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    # The receiver's answer in a few characters: "HTTP 200", "SMTP 550", "apprise failure",
    # or "" when there was no answer (refused, unreachable, timed out).
    status: str
    # Why it was not delivered; safe to show and log: never a secret. "" when delivered.
    error: str = ""


class ChannelKind(Protocol):
    def deliver(self, target: str, secret: str, event: Event, *, timeout: float) -> Outcome:
        """Send `event` to `target`, giving up after about `timeout` seconds."""
        ...


def quoted(text: str) -> str:
    """A receiver's words, cut short and on one line, for an error message."""
    line = " ".join(text.split())
    return line if len(line) <= QUOTED_ANSWER_CHARS else line[: QUOTED_ANSWER_CHARS - 1] + "…"
