"""The ETag of GET /api/dashboard/stats, and the If-None-Match test that answers 304.

The tag is derived from everything the response says (the values, the day,
the zone, when they were computed, where they came from), so it changes
exactly when the answer does, and a poller whose numbers are current gets a
304 for the cost of the cached read alone: nothing is serialised or rendered.

It is a weak tag (W/"..."): the response's bytes also depend on things that
do not change its meaning — the message is translated per Accept-Language,
the browsable API renders HTML — so two answers with this tag are the same
statement, not the same bytes. If-None-Match compares weakly anyway.
"""

from __future__ import annotations

import hashlib

from django.utils.http import parse_etags

from dashboard_app.counters.stats import Stats


def stats_etag(result: Stats) -> str:
    said = [
        *(f"{key}={value}" for key, value in sorted(result.values.items())),
        result.day.isoformat(),
        result.time_zone,
        # The precision the response shows: the same text is the same answer.
        result.computed_at.isoformat(timespec="seconds"),
        result.source,
    ]
    digest = hashlib.blake2b("\n".join(said).encode(), digest_size=16).hexdigest()
    return f'W/"{digest}"'


def copy_is_current(if_none_match: str | None, etag: str) -> bool:
    """True when If-None-Match names this tag (or *): the client's copy is current."""
    if not if_none_match:
        return False
    tags = parse_etags(if_none_match)
    return tags == ["*"] or _opaque(etag) in {_opaque(tag) for tag in tags}


def _opaque(tag: str) -> str:
    return tag.removeprefix("W/")
