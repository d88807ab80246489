"""How the API writes an instant: ISO 8601 in the current zone, UTC as Z, as every DRF
DateTimeField does (its `to_representation`), written out by the serializers that answer
from the row (serializers.ReadDirectly)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from rest_framework import serializers

_drf_instant = serializers.DateTimeField().to_representation


def instant_text(value: datetime | None) -> str | None:
    """An instant as every DateTimeField of the API writes it: ISO 8601 in the current zone,
    UTC as Z. DRF's DateTimeField.to_representation, without its lookups of the format and
    the zone for each value (a third of a script's answer); DRF itself answers what this
    does not expect (a naive value, one the zone cannot write)."""
    if not value:
        return None
    if value.tzinfo is None:
        return _drf_instant(value)
    try:
        text = value.astimezone(timezone.get_current_timezone()).isoformat()
    except OverflowError:
        return _drf_instant(value)
    return text[:-6] + "Z" if text.endswith("+00:00") else text
