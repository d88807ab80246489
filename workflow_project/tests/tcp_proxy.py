"""A TCP proxy on a loopback port that a test can cut and restore: a database outage, database left running.

The shared PostgreSQL serves other test runs and must never be stopped, so a
server under test reaches it through this proxy instead. cut() resets every
open connection and every new one (the client sees the server go away at
once, as after a crash or a failover); restore() forwards again. The
listening port stays ours throughout.
"""

from __future__ import annotations

import socket
import struct
import threading
from urllib.parse import urlsplit, urlunsplit


def _reset(sock: socket.socket) -> None:
    """Close with a TCP reset, so the peer fails now rather than after a timeout.

    shutdown() first: a pump thread may be blocked in recv() on this socket, and
    on Linux close() alone neither wakes it nor tells the peer anything while it
    waits (the socket lives on until that recv returns). A client waiting for a
    query's answer then hung until gunicorn killed its worker (bench row 17).
    shutdown() ends the recv and the peer sees the connection end at once."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=256)
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._cut = False
        self.connections = 0  # accepted while forwarding
        threading.Thread(target=self._accept, daemon=True, name=f"proxy:{self.port}").start()

    @classmethod
    def for_url(cls, url: str) -> TcpProxy:
        parts = urlsplit(url)
        return cls(parts.hostname or "127.0.0.1", parts.port or 5432)

    def url_through(self, url: str) -> str:
        """`url` with its host and port replaced by this proxy's."""
        parts = urlsplit(url)
        credentials = parts.netloc.rpartition("@")[0]
        netloc = f"{credentials}@127.0.0.1:{self.port}" if credentials else f"127.0.0.1:{self.port}"
        return urlunsplit(parts._replace(netloc=netloc))

    def cut(self) -> None:
        with self._lock:
            self._cut = True
            sockets, self._open = list(self._open), set()
        for sock in sockets:
            _reset(sock)

    def restore(self) -> None:
        with self._lock:
            self._cut = False

    def close(self) -> None:
        self.cut()
        self._listener.close()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                cut = self._cut
            if cut:
                _reset(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=10)
                server.settimeout(None)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                cut = self._cut  # cut while we connected
                if not cut:
                    self._open.update((client, server))
                    self.connections += 1
            if cut:
                _reset(client)
                _reset(server)
                continue
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(source)
                self._open.discard(target)
            for sock in (source, target):  # shutdown() also ends the other direction's recv()
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
