"""A script's ping key seen from its page: the copyable curl lines that report to its ping
URLs, and a new key on request (the page's "regenerate" button, and the API's
POST /api/scripts/{id}/ping-key/).

The key is a credential. The lines are built only for users who may change the script; the
key is never written to a log or a message (they name the script's id), and a page that shows
it is not stored by caches (Cache-Control: no-store, set by the view).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from scripts_app.models import Script
from scripts_app.page_text import reversed_around
from scripts_app.tables.scripts import new_ping_key

logger = logging.getLogger(__name__)

CHANGE_PERMISSION = "scripts_app.change_script"
# What healthchecks.io suggests: quiet unless it fails, 10 s at most, retried on a blip.
CURL = "curl -fsS -m 10 --retry 5 -o /dev/null"
COMMAND_PLACEHOLDER = "/path/to/command"
# A key no script holds: where it lands in the reversed URL is where a key goes.
_ANY_KEY = "ANY-PING-KEY"


@dataclass(frozen=True)
class PingLine:
    key: str  # stable name for tests and anchors: success, after_command, start, fail
    label: str
    line: str


def ping_urls(request: HttpRequest) -> Callable[[Script], str]:
    """Scripts' ping URLs as `request` reaches them, with one `reverse()` for all of them (a
    list of scripts shows one each): a key is URL-safe text (new_ping_key), written into the
    URL as reverse() quotes it."""
    before, after = reversed_around("ping", _ANY_KEY)
    before = request.build_absolute_uri(before)
    return lambda script: f"{before}{quote(script.ping_key, safe=RFC3986_SUBDELIMS + '/~:@')}{after}"


def ping_url(request: HttpRequest, script: Script) -> str:
    return ping_urls(request)(script)


def ping_lines(request: HttpRequest, script: Script) -> list[PingLine]:
    """The lines a cron job runs to report, for a user who may change `script`; [] for others."""
    if not request.user.has_perm(CHANGE_PERMISSION):
        return []
    url = ping_url(request, script)
    return [
        PingLine("success", gettext_lazy("When it has run (a success):"), f"{CURL} {url}"),
        PingLine(
            "after_command",
            gettext_lazy("After a command, reporting its exit status (0 is a success, anything else a "
                         "failure):"),  # fmt: skip
            f"{COMMAND_PLACEHOLDER}; {CURL} {url}/$?",
        ),
        PingLine(
            "start", gettext_lazy("When it starts (optional; measures its run time):"), f"{CURL} {url}/start"
        ),
        PingLine("fail", gettext_lazy("When it failed:"), f"{CURL} {url}/fail"),
    ]


def regenerate(script_id: int) -> bool:
    """Give the script a new ping key: its old ping URLs answer 404 from this write on. False
    when there is no such script."""
    changed = Script.objects.filter(pk=script_id).update(ping_key=new_ping_key(), updated_at=timezone.now())
    if changed:
        logger.info("new ping key for script %s", script_id)
    return bool(changed)


@login_required
@permission_required(CHANGE_PERMISSION, raise_exception=True)
@require_POST
def regenerate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The script page's "regenerate" button (a form: POST with the CSRF token)."""
    script = get_object_or_404(Script.objects.only("pk", "name"), pk=pk)
    regenerate(script.pk)
    messages.success(
        request,
        _("“%(name)s” has new ping URLs; the old ones answer 404 from now on. Update the cron lines that "
          "use them.") % {"name": script.name},  # fmt: skip
    )
    return redirect(reverse("script-page", args=[script.pk]) + "#ping-urls")
