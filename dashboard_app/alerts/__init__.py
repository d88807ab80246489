"""Alerts: telling people when a script goes down, comes back up or gets stuck.

This package owns what one alert says (`event.Event`), how it reaches one target
(`channels`: one module per kind, email, webhook and apprise, behind `channels.deliver`),
and which network targets may be reached at all (`safety`: only http and https, no
loopback, private or link-local address unless ALERTS_ALLOW_PRIVATE_ADDRESSES, checked
after DNS resolution when the request is made). `redaction` keeps apprise URLs, which
carry tokens, out of outcomes and log lines.
"""
