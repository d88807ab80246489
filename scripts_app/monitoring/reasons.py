"""Why a script's state changed, as the pages show it: a flip's reason in words, and either the
due time that was missed or the detail as written (a failed run's error)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.dateparse import parse_datetime

from scripts_app.models import Reason

# Reasons whose flip detail is the due time that was missed (states.verdict writes it so).
DUE_REASONS = (Reason.LATE, Reason.MISSED)


@dataclass(frozen=True)
class Why:
    reason: str
    label: str
    due: datetime | None
    detail: str


def why(reason: str, detail: str) -> Why:
    label = Reason(reason).label if reason in Reason.values else reason
    try:
        due = parse_datetime(detail) if reason in DUE_REASONS and detail else None
    except ValueError:  # a detail written otherwise: shown as it is
        due = None
    return Why(reason=reason, label=str(label), due=due, detail="" if due else detail)
