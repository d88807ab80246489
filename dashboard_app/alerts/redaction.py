"""Keeping apprise URLs out of outcomes and log lines.

An apprise URL carries its service's tokens anywhere in it: the password, the "host"
(Telegram's bot token, Slack's first token), path segments, query values. Which parts are
secret differs across a hundred services, so every part of four characters or more counts
as secret. apprise's logger writes the whole URL at TRACE and DEBUG, and urllib3's loggers
write request paths at DEBUG; a filter on those loggers rewrites their records while a
`redacting(url)` block is open in the current context. apprise runs a service on a worker
thread with a copy of the caller's context, so the block covers those threads too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import parse_qsl, quote, unquote, urlsplit

MASK = "***"
SHORTEST_SECRET = 4

# The loggers that write URLs or request paths: apprise's one logger, urllib3's, and ours.
LOGGERS_THAT_WRITE_URLS = (
    "apprise",
    "dashboard_app.alerts",
    "urllib3.connection",
    "urllib3.connectionpool",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
)

_fragments_in_use: ContextVar[tuple[str, ...]] = ContextVar("alerts_secret_fragments", default=())


def secret_fragments(url: str) -> tuple[str, ...]:
    """Every part of `url` that may be a secret, longest first (so a longer one is masked whole)."""
    parts = {url}
    try:
        split = urlsplit(url)
        parts.update([split.netloc, split.username, split.password, split.hostname, split.query])
    except ValueError:  # a malformed port or IPv6 host: the pieces below still cover it
        split = urlsplit(url.replace("[", "").replace("]", ""), allow_fragments=True)
    parts.update(split.path.split("/"))
    parts.add(split.fragment)
    for key, value in parse_qsl(split.query, keep_blank_values=True):
        parts.update([key, value])
    variants = set()
    for part in parts:
        if part:
            variants.update([part, unquote(part), quote(part, safe="")])
    return tuple(sorted((v for v in variants if len(v) >= SHORTEST_SECRET), key=len, reverse=True))


def redact(text: str, fragments: tuple[str, ...]) -> str:
    for fragment in fragments:
        text = text.replace(fragment, MASK)
    return text


@contextmanager
def redacting(url: str) -> Iterator[tuple[str, ...]]:
    """Mask the parts of `url` in every record the URL-writing loggers emit meanwhile."""
    fragments = secret_fragments(url)
    token = _fragments_in_use.set(_fragments_in_use.get() + fragments)
    try:
        yield fragments
    finally:
        _fragments_in_use.reset(token)


class _RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        fragments = _fragments_in_use.get()
        if not fragments:
            return True
        record.msg = redact(record.getMessage(), fragments)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, fragments)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, fragments)
        return True


_FILTER = _RedactingFilter()


def _install() -> None:
    for name in LOGGERS_THAT_WRITE_URLS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


_install()
