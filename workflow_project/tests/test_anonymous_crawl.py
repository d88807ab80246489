"""Every URL pattern, crawled as an anonymous user: nothing is served without signing in.

The crawl walks the URL resolver, so a page or endpoint added later is
checked without anyone listing it here. Public on purpose (README):
sign-in, sign-out, the language switch, the API schema and its docs
(they describe the API and hold no data), and static files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

PUBLIC = {
    "login": "the sign-in page",
    "admin:login": "the admin's sign-in page",
    "admin-login": "the admin's sign-in page, throttled",
    "admin:logout": "signing out needs no sign-in",
    "api-token": "trades a username and password for a token (throttled)",
    "logout": "signing out needs no sign-in",
    "set_language": "the language switch holds no data",
    "api-schema": "describes the API, holds no data",
    "api-docs": "describes the API, holds no data",
    "ping": "a ping URL: its key is the credential (an unknown one is a 404)",
    "ping-start": "a ping URL: its key is the credential",
    "ping-fail": "a ping URL: its key is the credential",
    "ping-exit-status": "a ping URL: its key is the credential",
}
SAMPLE_GROUPS = {"format": "json", "pk": "1", "object_id": "1", "content_type_id": "1", "id": "1"}
METHODS = ["get", "post", "put", "patch", "delete"]


def crawl(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(example path, qualified name) for every pattern reachable from the root URLconf."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        path = prefix + sample(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from crawl(pattern.url_patterns, path, inner)
        elif isinstance(pattern, URLPattern):
            yield path, f"{namespace}{pattern.name}" if pattern.name else path


def sample(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", lambda match: sample_converted(pattern, match[1]), str(pattern))
    assert isinstance(pattern, RegexPattern)
    parsed = re._parser.parse(pattern._regex)
    names = {number: name for name, number in parsed.state.groupdict.items()}
    return _sample(parsed, names)


def sample_converted(pattern: RoutePattern, name: str) -> str:
    regex = pattern.converters[name].regex
    preferred = SAMPLE_GROUPS.get(name, "1")
    for candidate in (preferred, f".{preferred}"):  # DRF's format suffix comes with its dot
        if re.fullmatch(regex, candidate):
            return candidate
    return _sample(re._parser.parse(regex), {})


def _sample(parsed, names: dict[int, str]) -> str:
    """A short string the parsed regex matches (enough for Django's URL regexes)."""
    out = []
    for op, arg in parsed:
        kind = str(op)
        if kind == "LITERAL":
            out.append(chr(arg))
        elif kind in ("ANY", "NOT_LITERAL"):
            out.append("x")
        elif kind == "IN":
            out.append(_sample_set(arg))
        elif kind in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, inner = arg
            out.append(_sample(inner, names) * max(low, 1))
        elif kind == "SUBPATTERN":
            group, *_flags, inner = arg
            out.append(SAMPLE_GROUPS.get(names.get(group, ""), None) or _sample(inner, names))
        elif kind == "BRANCH":
            out.append(_sample(arg[1][0], names))
        elif kind != "AT":
            raise ValueError(f"no sample for regex operator {kind}")
    return "".join(out)


def _sample_set(items) -> str:
    op, arg = items[0]
    kind = str(op)
    if kind == "LITERAL":
        return chr(arg)
    if kind == "RANGE":
        return chr(max(arg[0], min(arg[1], ord("1"))))
    if kind == "CATEGORY":
        return "1" if "DIGIT" in str(arg) and "NOT" not in str(arg) else "x"
    return "x"  # a negated set: any ordinary letter will do


ROUTES = sorted({("/" + path, name) for path, name in crawl()})


def test_the_crawl_finds_every_part_of_the_site():
    names = {name for _path, name in ROUTES}
    assert {
        "login",
        "admin:index",
        "api-schema",
        "dashboard-stats",
        "script-list",
        "api:scriptexecution-detail",
    } <= names
    assert len(ROUTES) > 30


@pytest.fixture(autouse=True)
def metrics_token_configured(settings):
    # With a scrape token configured, /metrics refuses anonymous callers like
    # every other endpoint; without one it answers 404 (test_metrics_access.py).
    settings.METRICS_TOKEN = "crawl-test-token"


@pytest.mark.parametrize(("path", "name"), ROUTES, ids=[f"{name} {path}" for path, name in ROUTES])
def test_anonymous_users_are_sent_to_sign_in_or_refused(db, path, name):
    resolve(urlsplit(path).path)  # the sample really is one of the site's URLs
    if name in PUBLIC or path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        for method in METHODS:
            assert getattr(Client(), method)(path).status_code < 500
        return
    for method in METHODS:
        response = getattr(Client(), method)(path)
        if response.status_code in (301, 302):
            target = urlsplit(response["Location"]).path
            assert target in (settings.LOGIN_URL, "/admin/login/"), f"{method} {path} -> {target}"
        else:
            assert response.status_code in (401, 403), f"{method} {path} -> {response.status_code}"
