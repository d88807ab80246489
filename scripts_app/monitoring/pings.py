"""Ping URLs: how a cron line reports a run with one curl, no token and no JSON (the convention
healthchecks.io made).

    GET|POST|HEAD /ping/<key>          a run that succeeded, ending now (closing the run its
                                       start opened, if any)
                  /ping/<key>/start    a run that starts now
                  /ping/<key>/fail     a run that failed, ending now
                  /ping/<key>/<0-255>  an exit status: 0 succeeded, anything else failed

`?rid=<uuid>` pairs a start with its end when runs of one script overlap; without it an end
closes the latest run a start without rid opened (within OPEN_RUN_WINDOW). A POST body (its
first 10,000 bytes, cut on a character boundary, invalid UTF-8 replaced) is kept with the
run: its output, and the error message of a failed one.

The key is the credential: no sign-in, no CSRF token. The answer is `OK` (text/plain); an
unknown key is a 404 after the same one indexed read a known key costs; more than 60 pings
in a minute for one key are refused with a 429. A run is written through the model's save(),
as the API writes it: the triggers count it into the rollup and the receivers decide the
script's state, in the same transaction. Logs name the script's id, never its key
(workflow_project.log_filters hides keys from request lines).
"""

from __future__ import annotations

import codecs
import logging
import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from scripts_app.models import Script, ScriptExecution, Status

logger = logging.getLogger(__name__)

BODY_BYTES = 10_000
PINGS_PER_MINUTE = 60
# An end pairs with a start at most this old: an end whose start was lost long ago is a run
# of its own, not one of several days.
OPEN_RUN_WINDOW = timedelta(days=3)
START, SUCCESS, FAIL = "start", "success", "fail"


@csrf_exempt
def ping(
    request: HttpRequest, key: str, signal: str = SUCCESS, exit_status: int | None = None
) -> HttpResponse:
    if request.method not in ("GET", "POST", "HEAD"):
        return _plain("Only GET, POST and HEAD.\n", status=405, headers={"Allow": "GET, POST, HEAD"})
    rid = request.GET.get("rid")
    if rid is not None:
        try:
            rid = uuid.UUID(rid)
        except ValueError:
            return _plain("rid must be a UUID.\n", status=400)
    if exit_status is not None:
        if exit_status > 255:
            return _plain("An exit status is 0 to 255.\n", status=400)
        signal = SUCCESS if exit_status == 0 else FAIL
    body = _body(request)
    now = timezone.now()
    with transaction.atomic():
        script = (
            Script.objects.select_for_update()
            .filter(ping_key=key)
            .only("pk", "pings_minute", "pings_in_minute")
            .first()
        )
        if script is None:
            return _plain("Not found.\n", status=404)
        if not _counted_within_limit(script, now):
            return _plain(f"More than {PINGS_PER_MINUTE} pings in a minute.\n", status=429)
        record(script, signal, now=now, rid=rid, body=body, exit_status=exit_status)
    logger.info("ping %s for script %s", signal if exit_status is None else f"exit {exit_status}", script.pk)
    return _plain("OK")


def record(
    script: Script, signal: str, *, now: datetime, rid: uuid.UUID | None, body: str | None,
    exit_status: int | None = None,
) -> ScriptExecution:  # fmt: skip
    """Write what the ping says as a run: a start opens one; an end closes the run its start
    opened, or is a run of its own that started and ended now."""
    if signal == START:
        run = ScriptExecution(script_id=script.pk, status=Status.RUNNING, started_at=now, rid=rid)
        run.output = body
        run.save(force_insert=True)
        return run
    failed = signal == FAIL
    error_message = ""
    if failed:
        error_message = body or "Reported as failed by a ping."
        if exit_status is not None:
            error_message = f"exit status {exit_status}" + (f": {body}" if body else "")
    run = _open_run(script, rid, now) or ScriptExecution(script_id=script.pk, started_at=now, rid=rid)
    run.status = Status.ERROR if failed else Status.SUCCESS
    run.completed_at = max(now, run.started_at)
    run.error_message = error_message
    run.output = body if body is not None else run.output
    run.save()
    return run


def _open_run(script: Script, rid: uuid.UUID | None, now: datetime) -> ScriptExecution | None:
    """The latest run still running that a start with the same rid (or none) opened, through the
    partial index on running runs."""
    running = ScriptExecution.objects.filter(
        script_id=script.pk, status=Status.RUNNING, started_at__gte=now - OPEN_RUN_WINDOW
    )
    running = running.filter(rid=rid) if rid is not None else running.filter(rid__isnull=True)
    return running.order_by("-started_at", "-id").first()


def _counted_within_limit(script: Script, now: datetime) -> bool:
    """Count this ping in the key's current minute; False once it is over the limit."""
    minute = now.replace(second=0, microsecond=0)
    count = script.pings_in_minute + 1 if script.pings_minute == minute else 1
    Script.objects.filter(pk=script.pk).update(pings_minute=minute, pings_in_minute=count)
    return count <= PINGS_PER_MINUTE


def _body(request: HttpRequest) -> str | None:
    """The first BODY_BYTES of a POST body as text, or None when there is none. A multi-byte
    character cut by the limit is left out rather than mangled; invalid UTF-8 is replaced."""
    if request.method != "POST":
        return None
    raw = request.read(BODY_BYTES)
    if not raw:
        return None
    return codecs.getincrementaldecoder("utf-8")(errors="replace").decode(raw, final=False)


def _plain(text: str, **kwargs) -> HttpResponse:
    return HttpResponse(text, content_type="text/plain; charset=utf-8", **kwargs)
