"""One alert event: what happened to which script, as a webhook body, an email or a chat message.

An event's `id` is a UUID chosen once, when the event is recorded, and sent with every
attempt, so that a receiver can drop the copies a retry delivers twice.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _

KINDS = ("down", "up", "stuck", "test", "summary")

# (script id, name, state, reason) of each script a summary reports.
SummaryLine = tuple[int, str, str, str]


@dataclass(frozen=True)
class Event:
    id: str
    kind: str
    script_id: int | None
    script_name: str
    script_state: str
    reason: str
    at: datetime
    # status, started_at, completed_at and error_message of the script's last run.
    last_run: dict[str, Any] | None = None
    scripts: Sequence[SummaryLine] | None = None

    def __post_init__(self) -> None:
        uuid.UUID(self.id)  # raises ValueError on anything that is not a UUID
        if self.kind not in KINDS:
            raise ValueError(f"unknown event kind {self.kind!r}")
        if self.at.utcoffset() is None:
            raise ValueError("an event's time must be aware")
        if self.scripts is not None:
            object.__setattr__(self, "scripts", tuple(tuple(line) for line in self.scripts))

    def as_json_body(self) -> bytes:
        """The webhook body: these exact bytes are what the signature covers."""
        body: dict[str, Any] = {
            "id": self.id,
            "event": self.kind,
            "script": None
            if self.script_id is None
            else {"id": self.script_id, "name": self.script_name, "state": self.script_state},
            "reason": self.reason,
            "at": _iso(self.at),
            "last_run": None if self.last_run is None else {
                key: _iso(value) if isinstance(value, datetime) else value
                for key, value in self.last_run.items()
            },
        }
        if self.scripts is not None:
            body["scripts"] = [
                {"id": script_id, "name": name, "state": state, "reason": reason}
                for script_id, name, state, reason in self.scripts
            ]
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    def subject(self) -> str:
        """One line: an email's subject, a chat message's title."""
        return " ".join(self._headline().split())

    def _headline(self) -> str:
        if self.kind == "down":
            return _("%(name)s is down") % {"name": self.script_name}
        if self.kind == "up":
            return _("%(name)s is up again") % {"name": self.script_name}
        if self.kind == "stuck":
            return _("%(name)s has a stuck run") % {"name": self.script_name}
        if self.kind == "summary":
            count = len(self.scripts or ())
            return _("%(count)d scripts need attention") % {"count": count}
        return _("Test alert from the workflow dashboard")

    def text(self) -> str:
        """The plain-text message: an email's body, a chat message's text."""
        lines = [self.subject(), "", self.reason, ""]
        if self.script_id is not None:
            lines.append(_("Script: %(name)s (state: %(state)s)") % {
                "name": self.script_name, "state": self.script_state,
            })
        lines.append(_("When: %(at)s") % {"at": _iso(self.at)})
        if self.last_run:
            lines.append(_("Last run: %(status)s, started %(started)s") % {
                "status": self.last_run.get("status", ""),
                "started": _iso_or_blank(self.last_run.get("started_at")),
            })
            if self.last_run.get("error_message"):
                lines.append(_("Error: %(error)s") % {"error": self.last_run["error_message"]})
        for _script_id, name, state, reason in self.scripts or ():
            lines.append(f"- {name} ({state}): {reason}")
        lines.extend(["", _("Event id: %(id)s") % {"id": self.id}])
        return "\n".join(lines)


def channel_test_event(at: datetime) -> Event:
    """The event a channel's "send a test" delivers."""
    return Event(
        id=str(uuid.uuid4()),
        kind="test",
        script_id=None,
        script_name="",
        script_state="",
        reason=_("This is a test: alerts sent to this channel will look like this."),
        at=at,
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _iso_or_blank(value: Any) -> str:
    if isinstance(value, datetime):
        return _iso(value)
    return "" if value is None else str(value)
