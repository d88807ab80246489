"""Keeping ping keys out of every log line: a ping's URL holds its script's secret.

HidePingKeys rewrites /ping/<key> to /ping/<hidden> in a record's message (Django's request
and development-server loggers name the path of every 404 and every request); the gunicorn
access log gets the same through HidingGunicornLogger (gunicorn_conf.logger_class). The ping
view logs the script's id instead.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

PING_KEY = re.compile(r"(/ping/)[^/?\s\"]+")
HIDDEN = r"\1<hidden>"


def hide_ping_keys(text: str) -> str:
    return PING_KEY.sub(HIDDEN, text)


class HidePingKeys(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if "/ping/" in record.getMessage():
            record.msg, record.args = hide_ping_keys(record.getMessage()), None
        return True


class HidingGunicornLogger(Logger):
    """gunicorn's logger, with the request line and path of its access log hidden the same way."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("r", "U", "{raw_uri}e"):
            if isinstance(atoms.get(name), str):
                atoms[name] = hide_ping_keys(atoms[name])
        return atoms
