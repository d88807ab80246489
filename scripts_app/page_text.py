"""Text a list repeats on every row, worked out once a list: URLs that differ only in their
one argument (script pages, ping URLs), and instants in the language's date formats.

A page of 50 runs spent about a third of its rows' cost here (bench rows 10h, 10e): each
`reverse()` of a script's link walks the URL resolver (10 us), and each date formatted by
Django looks its format and its words (month names, a.m./p.m.) up in the active translation
again (20 us).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import dateformat, formats, timezone

# A script id no database will hold: where it lands in the reversed URL is where an id goes.
_ANY_ID = "987654321987"


def reversed_around(view_name: str, marker: str) -> tuple[str, str]:
    """What `reverse(view_name)` writes before and after its one argument: reversed once with
    `marker` as the argument and split at the marker's last occurrence (a prefix such as
    SCRIPT_NAME cannot hold it after the argument). The caller writes each argument in the
    marker's place as reverse() would (digits for an id, quoted text for a key)."""
    before, after = reverse(view_name, args=[marker]).rsplit(marker, 1)
    return before, after  # unpacked: a marker absent from the URL fails here, not in the caller


def script_page_urls() -> Callable[[int], str]:
    """The URL of a script's page from its id, with one `reverse()` for all of them."""
    before, after = reversed_around("script-page", _ANY_ID)
    return lambda script_id: f"{before}{int(script_id)}{after}"


# Format characters whose text depends on more than the minute: s (seconds), u
# (microseconds), U (seconds since the epoch), c and r (ISO 8601, RFC 5322: with seconds).
_FINER_THAN_MINUTE = set("suUcr")


def local_datetimes(format_name: str = "DATETIME_FORMAT") -> Callable[[datetime], str]:
    """An instant as the active language writes it in the current time zone (the date
    filter's `format_name`: DATETIME_FORMAT, TIME_FORMAT…), each distinct minute formatted
    once when the format shows nothing finer: the runs on a busy page often started within
    the same few minutes."""
    date_format = str(formats.get_format(format_name))
    characters = set(dateformat.re_formatchars.findall(date_format))
    to_minute = not (characters & _FINER_THAN_MINUTE)
    written: dict[tuple[datetime, timedelta | None], str] = {}

    def write(instant: datetime) -> str:
        local = timezone.localtime(instant)
        wall = local.replace(tzinfo=None)
        # Keyed by the wall time and its offset: the two 01:30s of a night the clocks go back
        # are two instants (aware datetimes of one zone compare equal there, fold ignored).
        key = (wall.replace(second=0, microsecond=0) if to_minute else wall, local.utcoffset())
        if key not in written:
            written[key] = dateformat.format(local, date_format)
        return written[key]

    return write
