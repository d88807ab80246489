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
unknown key is a 404 after the same one indexed write a known key starts with (it counts the
ping in the key's minute); more than 60 pings in a minute for one key are refused with a 429.
A run is written through the model's save(), as the API writes it, so the triggers count it
into the rollup; its script's state is decided by monitoring.states in the same transaction,
with the script's row this ping already holds. Logs name the script's id, never its key
(workflow_project.log_filters hides keys from request lines).
"""

from __future__ import annotations

import codecs
import logging
import uuid
from datetime import datetime, timedelta

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from scripts_app.models import Script, ScriptExecution, Status
from scripts_app.monitoring import states

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
        # One indexed write finds the key, counts the ping in its minute and locks the row.
        if not _count_ping(key, now):
            return _plain("Not found.\n", status=404)
        script = Script.objects.get(ping_key=key)
        if script.pings_in_minute > PINGS_PER_MINUTE:
            return _plain(f"More than {PINGS_PER_MINUTE} pings in a minute.\n", status=429)
        record(script, signal, now=now, rid=rid, body=body, exit_status=exit_status)
        # Decided here with the row this ping holds, not again by the run's receiver.
        states.decide(script, now=now)
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
        run.output, run.state_decided_by_caller = body, True
        run.save(force_insert=True)
        return run
    failed = signal == FAIL
    error_message = ""
    if failed:
        error_message = body or "Reported as failed by a ping."
        if exit_status is not None:
            error_message = f"exit status {exit_status}" + (f": {body}" if body else "")
    run = _open_run(script, rid, now)
    status = Status.ERROR if failed else Status.SUCCESS
    ended = {"status": status, "completed_at": now, "error_message": error_message}
    if run is None:  # a run of its own, started and ended now
        run = ScriptExecution(script_id=script.pk, started_at=now, rid=rid, output=body, **ended)
        run.state_decided_by_caller = True
        run.save(force_insert=True)
        return run
    for name, value in ended.items():
        setattr(run, name, value)
    written = [*ended]
    if body is not None:
        run.output = body
        written.append("output")
    run.state_decided_by_caller = True
    run.save(update_fields=written)
    return run


# The ping's hot statements in plain SQL: built through the ORM, composing them cost several
# times what the database spends running them (as for the counters: dashboard_app.counters.stat_rows).
_COUNT_PING = (
    "UPDATE scripts SET pings_in_minute = CASE WHEN pings_minute = %s THEN pings_in_minute + 1 ELSE 1 END, "
    "pings_minute = %s WHERE ping_key = %s"
)
_OPEN_RUN = (
    "SELECT id FROM script_executions WHERE script_id = %s AND status = 'running' "
    "AND started_at >= %s AND started_at <= %s AND {rid} ORDER BY started_at DESC, id DESC LIMIT 1"
)


def _open_run(script: Script, rid: uuid.UUID | None, now: datetime) -> ScriptExecution | None:
    """The latest run still running that a start with the same rid (or none) opened, through the
    partial index on running runs; only the fields a ping's end writes are loaded."""
    connection = connections[DEFAULT_DB_ALIAS]
    ops = connection.ops
    window = [ops.adapt_datetimefield_value(instant) for instant in (now - OPEN_RUN_WINDOW, now)]
    params = [script.pk, *window]
    if rid is not None:
        params.append(rid.hex if connection.vendor == "sqlite" else rid)
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_RUN.format(rid="rid = %s" if rid is not None else "rid IS NULL"), params)
        found = cursor.fetchone()
    if found is None:
        return None
    return ScriptExecution(pk=found[0], script_id=script.pk, status=Status.RUNNING, rid=rid, output=None)


def _count_ping(key: str, now: datetime) -> bool:
    """Count a ping in its key's current minute (a fixed window); False for an unknown key."""
    connection = connections[DEFAULT_DB_ALIAS]
    minute = connection.ops.adapt_datetimefield_value(now.replace(second=0, microsecond=0))
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_PING, [minute, minute, key])
        return cursor.rowcount > 0


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
