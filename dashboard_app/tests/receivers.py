"""Real receivers the alert tests start on 127.0.0.1: an HTTP server and an SMTP server.

Both record what reaches them and answer as a test scripts them. Import the fixtures
(`http_receiver`, `smtp_receiver`) into a test module to use them.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from dashboard_app.alerts.event import Event

CHUNK = 64 * 1024


def alert_event(**fields: Any) -> Event:
    """An event as the sender would build it: a script gone down after a failed run."""
    defaults: dict[str, Any] = {
        "id": "6f1c2a52-8e0b-4a8e-9d43-2f6a0c1b7e11",
        "kind": "down",
        "script_id": 42,
        "script_name": "nightly-backup",
        "script_state": "down",
        "reason": "The run at 02:00 failed.",
        "at": datetime(2026, 11, 26, 2, 0, 5, tzinfo=UTC),
        "last_run": {
            "status": "error",
            "started_at": datetime(2026, 11, 26, 2, 0, tzinfo=UTC),
            "completed_at": datetime(2026, 11, 26, 2, 0, 4, tzinfo=UTC),
            "error_message": "disk full",
        },
    }
    return Event(**{**defaults, **fields})


@dataclass(frozen=True)
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    # Seconds to wait before answering (cut short when the receiver stops).
    delay: float = 0.0
    # Answer this many bytes of body instead of `body`, written in chunks until the client hangs up.
    body_size: int | None = None
    # Write the status line and headers one byte every this many seconds.
    drip: float = 0.0


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class HttpReceiver:
    """Records every request; answers with the queued answers in turn, then with 200."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        # For each body_size answer, the bytes written before the client stopped reading
        # (None when the whole body went out).
        self.bytes_sent_before_hang_up: list[int | None] = []
        self._queued: deque[Answer] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        # A short poll, so that stopping does not wait out the default half second.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answer(self, *answers: Answer) -> None:
        with self._lock:
            self._queued.extend(answers)

    def fail(self, times: int, status: int = 500) -> None:
        self.answer(*[Answer(status=status, body=b"receiver down")] * times)

    def _next_answer(self) -> Answer:
        with self._lock:
            return self._queued.popleft() if self._queued else Answer()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.requests.append(Request("POST", self.path, dict(self.headers.items()), body))
                receiver._send(self, receiver._next_answer())

            do_GET = do_PUT = do_POST

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def _send(self, handler: BaseHTTPRequestHandler, answer: Answer) -> None:
        if answer.delay and self._stopping.wait(answer.delay):
            return
        length = answer.body_size if answer.body_size is not None else len(answer.body)
        head = [f"HTTP/1.1 {answer.status} Scripted", f"Content-Length: {length}"]
        head += [f"{name}: {value}" for name, value in answer.headers.items()]
        try:
            self._write_head(handler, ("\r\n".join(head) + "\r\n\r\n").encode(), answer.drip)
            if answer.body_size is None:
                handler.wfile.write(answer.body)
                return
            sent = 0
            try:
                while sent < length:
                    sent += handler.wfile.write(b"x" * min(CHUNK, length - sent))
                self.bytes_sent_before_hang_up.append(None)
            except OSError:
                self.bytes_sent_before_hang_up.append(sent)
                raise
        except OSError:  # the client hung up: what it did not read is not our concern
            handler.close_connection = True

    def _write_head(self, handler: BaseHTTPRequestHandler, head: bytes, drip: float) -> None:
        if not drip:
            handler.wfile.write(head)
            return
        for byte in head:
            if self._stopping.wait(drip):
                raise ConnectionAbortedError("receiver stopping")
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()

    def start(self) -> HttpReceiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()


@dataclass(frozen=True)
class Mail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


class SmtpReceiver:
    """Collects the messages it accepts; `reply_at_rcpt`/`reply_at_data` make it refuse instead."""

    def __init__(self) -> None:
        self.messages: list[Mail] = []
        self.reply_at_rcpt: str | None = None
        self.reply_at_data: str | None = None
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.reply_at_rcpt:
            return self.reply_at_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.reply_at_data:
            return self.reply_at_data
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def start(self) -> SmtpReceiver:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def http_receiver() -> Iterator[HttpReceiver]:
    receiver = HttpReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def smtp_receiver(settings: Any) -> Iterator[SmtpReceiver]:
    """An SMTP server, and Django's email settings pointed at it (the SMTP backend, not locmem)."""
    receiver = SmtpReceiver().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = receiver.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "alerts@workflow.example"
    yield receiver
    receiver.stop()
