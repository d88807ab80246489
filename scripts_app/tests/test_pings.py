"""Ping URLs over real HTTP against the live server: every form records what it says, through
the same model paths as the API (counters and rollup exact), no sign-in, no CSRF."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command

from conftest import fresh_counts, fresh_rollup, stored_rollup
from dashboard_app.counters import stats
from scripts_app.models import Script, ScriptExecution, State, Status

pytestmark = pytest.mark.django_db(transaction=True)


def call(url: str, *, method: str = "GET", body: bytes | None = None) -> tuple[int, str, str]:
    """(status, content type, text) of one real HTTP request."""
    request = urllib.request.Request(url, data=body, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers["Content-Type"], refused.read().decode()


@pytest.fixture
def script(make_script):
    return make_script()


@pytest.fixture
def ping_url(live_server, script):
    return f"{live_server.url}/ping/{script.ping_key}"


def runs(script: Script) -> list[tuple[str, str]]:
    found = ScriptExecution.objects.filter(script=script).order_by("id")
    return list(found.values_list("status", "error_message"))


def test_a_get_post_or_head_records_a_run_that_succeeded_now(ping_url, script):
    assert call(ping_url) == (200, "text/plain; charset=utf-8", "OK")
    assert call(ping_url, method="POST", body=b"backed up 3 files")[0] == 200
    assert call(ping_url, method="HEAD")[0] == 200
    assert runs(script) == [("success", "")] * 3
    run = ScriptExecution.objects.filter(script=script).order_by("id")[1]
    assert run.output == "backed up 3 files" and run.completed_at == run.started_at


def test_a_start_opens_a_run_and_the_end_closes_it(ping_url, script):
    assert call(ping_url + "/start")[0] == 200
    assert runs(script) == [("running", "")]
    assert call(ping_url)[0] == 200
    (run,) = ScriptExecution.objects.filter(script=script)
    assert run.status == Status.SUCCESS and run.completed_at >= run.started_at


def test_fail_and_exit_statuses_record_failed_runs_with_their_message(ping_url, script):
    assert call(ping_url + "/fail", method="POST", body=b"Traceback: disk full")[0] == 200
    assert call(ping_url + "/0")[0] == 200
    assert call(ping_url + "/3", method="POST", body=b"rsync error")[0] == 200
    assert call(ping_url + "/1")[0] == 200
    assert runs(script) == [
        ("error", "Traceback: disk full"),
        ("success", ""),
        ("error", "exit status 3: rsync error"),
        ("error", "exit status 1"),
    ]
    assert Script.objects.get(pk=script.pk).state == State.DOWN


def test_an_exit_status_over_255_or_a_bad_rid_is_a_400_and_records_nothing(ping_url, script):
    assert call(ping_url + "/256")[0] == 400
    assert call(ping_url + "?rid=not-a-uuid")[0] == 400
    assert runs(script) == []


def test_an_unknown_key_is_a_404(live_server, script):
    assert call(f"{live_server.url}/ping/{'x' * 32}")[0] == 404
    assert call(f"{live_server.url}/ping/{script.ping_key}x/start")[0] == 404
    assert not ScriptExecution.objects.exists()


def test_rid_pairs_each_end_with_its_own_start_when_runs_overlap(ping_url, script):
    first, second = uuid.uuid4(), uuid.uuid4()
    call(f"{ping_url}/start?rid={first}")
    call(f"{ping_url}/start?rid={second}")
    call(f"{ping_url}/fail?rid={first}")
    assert dict(ScriptExecution.objects.values_list("rid", "status")) == {first: "error", second: "running"}
    call(f"{ping_url}?rid={second}")
    assert dict(ScriptExecution.objects.values_list("rid", "status")) == {first: "error", second: "success"}


def test_a_post_body_is_kept_up_to_10000_bytes_cut_on_a_character_boundary(ping_url, script):
    # 4,999 two-byte characters and one more: the 10,000-byte limit cuts the last one in half.
    body = ("é" * 5000).encode() + b" and more"
    call(ping_url + "/fail", method="POST", body=body)
    (run,) = ScriptExecution.objects.filter(script=script)
    assert run.error_message == "é" * 5000 and run.output == "é" * 5000
    call(ping_url + "/fail", method="POST", body=b"bad \xff byte")
    assert ScriptExecution.objects.filter(script=script).latest("id").error_message == "bad \ufffd byte"


def test_no_csrf_token_and_no_sign_in_are_needed(script, client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/ping/{script.ping_key}", data=b"x", content_type="text/plain").status_code == 200


def test_more_than_60_pings_a_minute_for_one_key_are_refused_with_a_429(script, client):
    import time_machine

    with time_machine.travel("2026-11-26 12:00:05 +0000", tick=False) as clock:
        answers = [client.get(f"/ping/{script.ping_key}").status_code for _ in range(61)]
        assert answers[:60] == [200] * 60 and answers[60] == 429
        assert ScriptExecution.objects.filter(script=script).count() == 60
        clock.shift(60)  # the next minute
        assert client.get(f"/ping/{script.ping_key}").status_code == 200


def test_an_unknown_key_costs_the_one_indexed_write_a_known_key_starts_with(
    script, client, django_assert_num_queries
):
    with django_assert_num_queries(3):  # BEGIN, the UPDATE that counts the ping (no row), COMMIT
        assert client.get("/ping/" + "k" * 32).status_code == 404


def test_the_counters_and_the_rollup_are_exact_after_a_storm_of_pings(live_server, make_script):
    scripts = [make_script() for _ in range(8)]
    stats.get_stats()
    kinds = ["", "/start", "/fail", "/0", "/2"]
    urls = [f"{live_server.url}/ping/{s.ping_key}{kinds[n % len(kinds)]}" for n, s in enumerate(scripts * 6)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(call, urls))
    assert {status for status, _, _ in answers} == {200}
    assert stats.get_stats().values == fresh_counts()
    assert stored_rollup() == fresh_rollup()
    out = io.StringIO()
    call_command("refresh_stats", "--check", stdout=out)  # exits 1 (raises) on any drift
    assert "every day equals a fresh count (ok)" in out.getvalue()


def test_the_key_never_reaches_a_log_line(script, client, caplog):
    caplog.set_level("DEBUG")
    client.get(f"/ping/{script.ping_key}/start")
    client.get("/ping/" + "unknown-key-0123456789")
    assert script.ping_key not in caplog.text and "unknown-key-0123456789" not in caplog.text
    assert f"for script {script.pk}" in caplog.text


def test_the_gunicorn_access_log_hides_ping_keys():
    from workflow_project.log_filters import hide_ping_keys

    line = 'GET /ping/abcDEF_123-xyz/start?rid=1 HTTP/1.1'
    assert hide_ping_keys(line) == "GET /ping/<hidden>/start?rid=1 HTTP/1.1"
