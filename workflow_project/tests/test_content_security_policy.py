"""Every page sends a strict Content-Security-Policy, and our templates give it nothing to refuse.

The browser tests (dashboard_app/tests/test_browser_csp.py and every other
one, through conftest.page) check that pages work under it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

PAGES = [
    "/",
    "/scripts/",
    "/executions/",
    "/counters/total_scripts/",
    "/admin/",
    "/api/docs/",
    "/accounts/login/",
]
TEMPLATES = Path(settings.BASE_DIR) / "templates"


def policy(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: values for name, *values in directives}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_allows_scripts_and_styles_from_our_origin_only(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"] and directives["object-src"] == ["'none'"]
    assert "unsafe" not in response["Content-Security-Policy"]


def test_the_api_docs_page_loads_its_start_up_script_as_a_file():
    page = Client().get("/api/docs/").content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == [] and "<style" not in page
    script_url = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', page).group(1)
    script = Client().get(script_url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in script.content


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda path: str(path.relative_to(TEMPLATES))
)
def test_our_templates_hold_no_inline_script_or_style(template):
    text = template.read_text()
    markup = re.sub(r"{% comment %}.*?{% endcomment %}", "", text, flags=re.S)
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", markup)
    assert inline_scripts == [] and "<style" not in markup and " style=" not in markup
