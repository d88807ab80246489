"""Which targets alerts may reach, checked when a channel is saved and again at each request.

A webhook or apprise target on a loopback, private, link-local, unspecified, multicast or
reserved address (IPv4 or IPv6, IPv4-mapped included) is refused unless
settings.ALERTS_ALLOW_PRIVATE_ADDRESSES. The rule is applied when the request is made, to
every address the name resolves to then, and the connection goes to one of those checked
addresses: never to a second resolution, which a DNS-rebinding name could answer with
127.0.0.1. `open_connection` does this for the webhook; `guarded_requests` does it for every
connection urllib3 (so requests, so apprise) opens in the current context.

apprise services that do not deliver over requests (email over smtplib, MQTT, syslog, IRC,
desktop notifications, ...) are refused outright: nothing here could check where they connect.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from dashboard_app.alerts.redaction import redacting

WEB_SCHEMES = ("http", "https")

# RFC 6598 shared address space (carrier-grade NAT): neither private nor reachable.
_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))

# apprise plugin modules that reach their target without requests; read from apprise 2.3's
# source (test_alert_safety checks that no other plugin lacks requests).
APPRISE_MODULES_NOT_OVER_HTTP = (
    "apprise.plugins.amqp", "apprise.plugins.aprs", "apprise.plugins.blink1", "apprise.plugins.dbus",
    "apprise.plugins.deltachat", "apprise.plugins.email", "apprise.plugins.glib",
    "apprise.plugins.gnome", "apprise.plugins.growl", "apprise.plugins.irc", "apprise.plugins.macosx",
    "apprise.plugins.mqtt", "apprise.plugins.nostr", "apprise.plugins.rsyslog", "apprise.plugins.smpp",
    "apprise.plugins.syslog", "apprise.plugins.windows", "apprise.plugins.xmpp",
)


class TargetRefused(OSError):
    """A target on an address alerts may not reach. The message is safe to show and log."""


def private_addresses_allowed() -> bool:
    return bool(getattr(settings, "ALERTS_ALLOW_PRIVATE_ADDRESSES", False))


def address_problem(address: str) -> str | None:
    """What is wrong with reaching `address` (None for an ordinary public unicast address)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or next(
            (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) for net in _NAT64 if ip in net), None
        )
        if embedded is not None:
            return address_problem(str(embedded))
        if ip.teredo:
            return next(filter(None, (address_problem(str(part)) for part in ip.teredo)), None)
    if ip.is_loopback:
        return _("a loopback address")
    if ip.is_unspecified:
        return _("an unspecified address")
    if ip.is_link_local:
        return _("a link-local address")
    if ip.is_multicast:
        return _("a multicast address")
    if ip.is_private or ip in _SHARED_ADDRESS_SPACE or getattr(ip, "is_site_local", False):
        return _("a private address")
    if ip.is_reserved or not ip.is_global:
        return _("a reserved address")
    return None


def refusal(host: str, address: str, problem: str) -> TargetRefused:
    shown = address if host == address else f"{host} ({address})"
    return TargetRefused(
        _("Refused: %(target)s is %(problem)s; set ALERTS_ALLOW_PRIVATE_ADDRESSES=1 to allow it.")
        % {"target": shown, "problem": problem}
    )


def checked_addresses(host: str, port: int) -> list[tuple[Any, ...]]:
    """Resolve `host` once and return its getaddrinfo answers, refusing if any address is not public.

    Every address must pass, not just one: a name that mixes public and private addresses
    is refused rather than trusted to pick the public one.
    """
    answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not private_addresses_allowed():
        for answer in answers:
            address = answer[4][0]
            problem = address_problem(address)
            if problem:
                raise refusal(host, address, problem)
    return answers


def open_connection(host: str, port: int, timeout: float) -> socket.socket:
    """A TCP connection to one of `host`'s checked addresses."""
    error: OSError = OSError(_("%(host)s has no address") % {"host": host})
    for family, kind, protocol, _name, sockaddr in checked_addresses(host, port):
        sock = socket.socket(family, kind, protocol)
        sock.settimeout(timeout)
        try:
            sock.connect(sockaddr)
            return sock
        except OSError as failure:
            sock.close()
            error = failure
    raise error


@dataclass
class RequestGuard:
    """What `guarded_requests` refused, for the outcome (apprise logs only a connection error)."""

    refusals: list[str] = field(default_factory=list)


_guard_in_use: ContextVar[RequestGuard | None] = ContextVar("alerts_request_guard", default=None)


@contextmanager
def guarded_requests() -> Iterator[RequestGuard]:
    """Apply the address rule to every connection urllib3 opens in this context meanwhile."""
    _install_urllib3_guard()
    token = _guard_in_use.set(RequestGuard())
    try:
        yield _guard_in_use.get()
    finally:
        _guard_in_use.reset(token)


def _install_urllib3_guard() -> None:
    # urllib3's HTTPConnection looks create_connection up in this module at each connect,
    # so replacing it here reaches every connection requests opens, each redirect hop
    # included (through an HTTP proxy, the proxy is the address checked). Outside a
    # guarded_requests block the replacement calls the original as is.
    import urllib3.util.connection as urllib3_connection

    if getattr(urllib3_connection.create_connection, "alerts_guard", False):
        return
    original = urllib3_connection.create_connection

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        guard = _guard_in_use.get()
        if guard is None:
            return original(address, *args, **kwargs)
        host, port = address
        try:
            answers = checked_addresses(host.strip("[]"), port)
        except TargetRefused as refused:
            guard.refusals.append(str(refused))
            raise
        error: OSError = OSError(_("%(host)s has no address") % {"host": host})
        for answer in answers:
            try:
                # An address literal: urllib3 connects to it without resolving anything.
                return original((answer[4][0], port), *args, **kwargs)
            except OSError as failure:
                error = failure
        raise error

    create_connection.alerts_guard = True  # type: ignore[attr-defined]
    urllib3_connection.create_connection = create_connection


def target_errors(kind: str, target: str) -> str | None:
    """Why `target` cannot be saved for a channel of `kind` (None when it can)."""
    if kind == "email":
        try:
            validate_email(target)
        except ValidationError:
            return _("“%(target)s” is not an email address.") % {"target": target}
        return None
    if kind == "webhook":
        return webhook_url_error(target) or _resolved_host_error(urlsplit(target).hostname or "")
    if kind == "apprise":
        return apprise_service(target)[1]
    return _("Unknown channel kind “%(kind)s”.") % {"kind": kind}


def webhook_url_error(url: str) -> str | None:
    """What is wrong with `url` as a webhook target, short of where its host resolves to."""
    try:
        split = urlsplit(url)
        split.port  # noqa: B018 (raises ValueError on a port that is not a number in range)
    except ValueError:
        return _("This is not a valid URL.")
    if split.scheme.lower() not in WEB_SCHEMES:
        return _("Only http and https URLs are allowed, not “%(scheme)s”.") % {"scheme": split.scheme}
    if not split.hostname:
        return _("The URL names no host.")
    try:
        split.hostname.encode("idna")
    except UnicodeError:
        return _("The URL's host name is not valid.")
    if split.username is not None or split.password is not None:
        return _("Put no user name or password in the URL: the channel's secret signs each request.")
    return None


def _resolved_host_error(host: str) -> str | None:
    # Names are checked again at every request: this only spares the user a channel
    # that can never deliver. A name that does not resolve now may resolve later.
    if private_addresses_allowed():
        return None
    try:
        checked_addresses(host, 0)
    except TargetRefused as refused:
        return str(refused)
    except OSError:
        return None
    return None


def apprise_service(url: str) -> tuple[Any, str | None]:
    """The apprise service (a plugin instance) `url` names, and why it cannot be used, if it cannot."""
    import apprise

    with redacting(url):
        service = apprise.Apprise.instantiate(url)
    if service is None:
        return None, _("apprise cannot read this URL: check the service name and its tokens.")
    if not delivers_over_http(service):
        return service, _(
            "%(service)s is not supported: it does not deliver over http or https, so the address "
            "rules cannot be applied to it. Use an email channel for email."
        ) % {"service": service.service_name}
    host = getattr(service, "host", None)
    # The host of many apprise URLs is a token, not a network name, so only an address
    # literal is judged here; the names a service connects to are checked at each request.
    if host and not private_addresses_allowed() and _is_address_literal(host):
        problem = address_problem(host.strip("[]"))
        if problem:
            return service, str(refusal(host, host, problem))
    return service, None


def delivers_over_http(service: Any) -> bool:
    """Whether an apprise service (a plugin instance or class) sends through requests."""
    module = service.__module__
    return not any(module == name or module.startswith(name + ".") for name in APPRISE_MODULES_NOT_OVER_HTTP)


def _is_address_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
