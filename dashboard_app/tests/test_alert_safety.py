"""Which targets alerts may reach: private addresses refused after DNS resolution, at the request."""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

import pytest

from dashboard_app.alerts.channels import deliver
from dashboard_app.alerts.safety import address_problem, delivers_over_http, target_errors
from dashboard_app.tests import receivers
from dashboard_app.tests.receivers import alert_event

http_receiver = receivers.http_receiver


@pytest.fixture(autouse=True)
def private_addresses_refused(settings):
    settings.ALERTS_ALLOW_PRIVATE_ADDRESSES = False


def send(kind: str, target: str):
    return deliver(kind, target, "secret", alert_event(), timeout=5.0)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.8.9.10", "::1",  # loopback
        "10.1.2.3", "172.16.0.1", "192.168.1.1", "fc00::1", "fd12:3456::1",  # private
        "100.64.0.1",  # carrier-grade NAT
        "169.254.169.254", "fe80::1",  # link-local: the cloud metadata service lives here
        "0.0.0.0", "::",  # unspecified
        "224.0.0.1", "ff02::1",  # multicast
        "240.0.0.1", "192.0.2.1", "2001:db8::1",  # reserved, documentation
        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",  # IPv4-mapped
        "64:ff9b::a00:1", "2002:7f00:1::",  # NAT64 and 6to4 wrapping private IPv4
    ],
)
def test_addresses_that_are_not_public_are_named(address):
    assert address_problem(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert address_problem(address) is None


def test_a_loopback_webhook_is_refused_before_connecting(http_receiver):
    outcome = send("webhook", http_receiver.url())

    assert (outcome.delivered, outcome.status) == (False, "")
    assert "loopback" in outcome.error and "ALERTS_ALLOW_PRIVATE_ADDRESSES" in outcome.error
    assert http_receiver.requests == []


def test_a_name_that_resolves_to_loopback_is_refused_when_the_request_is_made(http_receiver):
    outcome = send("webhook", f"http://localhost:{http_receiver.port}/hook")

    assert not outcome.delivered
    assert "localhost (" in outcome.error and "loopback" in outcome.error
    assert http_receiver.requests == []


def test_an_ipv6_loopback_target_is_refused():
    outcome = send("webhook", "http://[::1]:8080/hook")

    assert not outcome.delivered and "::1 is a loopback address" in outcome.error


def test_the_cloud_metadata_address_is_refused():
    outcome = send("webhook", "http://169.254.169.254/latest/meta-data/")

    assert not outcome.delivered and "link-local" in outcome.error


def test_private_targets_are_allowed_when_the_setting_is_on(http_receiver, settings):
    settings.ALERTS_ALLOW_PRIVATE_ADDRESSES = True

    outcome = send("webhook", f"http://localhost:{http_receiver.port}/hook")

    assert outcome.delivered
    assert http_receiver.requests[0].headers["Host"] == f"localhost:{http_receiver.port}"


def test_an_apprise_url_naming_a_loopback_host_is_refused_at_the_request(http_receiver):
    # The save-time check cannot judge a name (for many services the "host" is a token),
    # so it passes; the connection requests opens is what gets refused.
    target = f"json://localhost:{http_receiver.port}/hook"
    assert target_errors("apprise", target) is None

    outcome = send("apprise", target)

    assert not outcome.delivered
    assert "loopback address" in outcome.error
    assert http_receiver.requests == []


def test_an_apprise_url_is_allowed_to_loopback_when_the_setting_is_on(http_receiver, settings):
    settings.ALERTS_ALLOW_PRIVATE_ADDRESSES = True

    assert send("apprise", f"json://localhost:{http_receiver.port}/hook").delivered


@pytest.mark.parametrize("kind", ["webhook", "apprise"])
def test_the_name_is_resolved_once_and_the_checked_address_is_connected_to(kind, http_receiver, settings):
    # DNS rebinding: a second lookup could answer differently from the one checked.
    settings.ALERTS_ALLOW_PRIVATE_ADDRESSES = True
    scheme = "http" if kind == "webhook" else "json"
    with _socket_calls() as calls:
        outcome = send(kind, f"{scheme}://localhost:{http_receiver.port}/hook")

    assert outcome.delivered
    lookups = [host for event, host in calls if event == "socket.getaddrinfo"]
    assert lookups.count("localhost") == 1
    connected = [address[0] for event, address in calls if event == "socket.connect"]
    assert connected and all(re.fullmatch(r"[0-9.]+|[0-9a-f:]+", host) for host in connected)


@pytest.mark.parametrize(
    ("kind", "target", "message"),
    [
        ("webhook", "ftp://example.com/hook", "Only http and https"),
        ("webhook", "file:///etc/passwd", "Only http and https"),
        ("webhook", "gopher://example.com:70/", "Only http and https"),
        ("webhook", "http:///hook", "names no host"),
        ("webhook", "http://user:secret@example.com/hook", "no user name or password"),
        ("webhook", "http://example.com:99999/hook", "not a valid URL"),
        ("webhook", "http://127.0.0.1:8000/hook", "127.0.0.1 is a loopback address"),
        ("webhook", "http://localhost:8000/hook", "is a loopback address"),
        ("webhook", "http://[fe80::1]/hook", "link-local"),
        ("email", "not an address", "is not an email address"),
        ("email", "ops@", "is not an email address"),
        ("apprise", "nosuchservice://token", "apprise cannot read this URL"),
        ("apprise", "mailto://user:secret@example.com", "not supported"),
        ("apprise", "syslog://", "not supported"),
        ("apprise", "json://10.0.0.5/hook", "private address"),
        ("sms", "+1555", "Unknown channel kind"),
    ],
)
def test_a_target_that_cannot_be_saved_says_why(kind, target, message):
    assert message in (target_errors(kind, target) or "")


@pytest.mark.parametrize(
    ("kind", "target"),
    [
        ("webhook", "https://hooks.example.com/alerts?team=ops"),
        ("email", "ops@example.com"),
        ("apprise", "json://hooks.example.com/alerts"),
        ("apprise", "ntfy://ntfy.example.com/workflow-alerts"),
    ],
)
def test_a_sound_target_can_be_saved(kind, target):
    assert target_errors(kind, target) is None


def test_private_literals_can_be_saved_when_the_setting_is_on(settings):
    settings.ALERTS_ALLOW_PRIVATE_ADDRESSES = True

    assert target_errors("webhook", "http://127.0.0.1:8000/hook") is None
    assert target_errors("apprise", "json://10.0.0.5/hook") is None


def test_every_apprise_service_not_sent_through_requests_is_refused():
    # A tripwire for apprise upgrades: a new service on its own transport (sockets, smtplib,
    # a message broker) must join safety.APPRISE_MODULES_NOT_OVER_HTTP.
    from apprise import NotificationManager

    sends_through_requests = re.compile(r"\brequests\.(request|post|get|put|patch|delete|head)\b")
    unguarded = [
        plugin.__name__
        for plugin in NotificationManager().plugins()
        if not sends_through_requests.search(_plugin_source(plugin)) and delivers_over_http(plugin)
    ]
    assert unguarded == []


def _plugin_source(plugin: type) -> str:
    """The source of the modules (whole packages, for a package's plugin) `plugin` inherits from."""
    files: set[Path] = set()
    for cls in plugin.__mro__:
        module = sys.modules[cls.__module__]
        if not cls.__module__.startswith("apprise.plugins.") or cls.__module__ == "apprise.plugins.base":
            continue
        path = Path(inspect.getfile(module))
        files.update(path.parent.glob("*.py") if cls.__module__.count(".") > 2 else [path])
    return "\n".join(path.read_text() for path in files)


class _socket_calls:
    """Records the socket lookups and connects made meanwhile, through Python's audit events."""

    recording: list[tuple[str, object]] | None = None
    installed = False

    def __enter__(self) -> list[tuple[str, object]]:
        if not _socket_calls.installed:
            sys.addaudithook(_socket_calls._hook)
            _socket_calls.installed = True
        _socket_calls.recording = []
        return _socket_calls.recording

    def __exit__(self, *exc: object) -> None:
        _socket_calls.recording = None

    @staticmethod
    def _hook(event: str, args: tuple) -> None:
        recording = _socket_calls.recording
        if recording is not None and event == "socket.getaddrinfo":
            recording.append((event, args[0]))
        elif recording is not None and event == "socket.connect":
            recording.append((event, args[1]))
