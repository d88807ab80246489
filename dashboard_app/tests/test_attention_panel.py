"""The dashboard's "needs attention" panel: scripts down, late or stuck, worst first (down before
late before stuck, the longest first), with since when and why; at most 10, with links to the
rest; all is well when there are none. One query, whatever the number of scripts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine

from conftest import NOON_IN_SEOUL as NOON
from dashboard_app.counters import stats
from scripts_app.models import Script, State, Status
from scripts_app.monitoring import states
from scripts_app.monitoring.attention import needing_attention

MINUTE = timedelta(minutes=1)


@pytest.fixture
def operator(client, viewer):
    client.force_login(viewer)
    return client


def at(moment, action, *args, **kwargs):
    with time_machine.travel(moment, tick=False):
        return action(*args, **kwargs)


@pytest.fixture
def trouble(make_script, make_execution, seoul):
    """Two scripts down, two late, one stuck, and some that are fine, each since a known time."""
    scripts = {}

    def down(name, since):
        scripts[name] = at(since, make_script, name=name)
        at(since, make_execution, scripts[name], status=Status.ERROR, error_message=f"{name} broke")

    def late(name, since):
        # Every hour, two hours' grace: it ran 70 minutes before `since`, so it was due 10 before.
        ran = since - 70 * MINUTE
        scripts[name] = at(ran, make_script, name=name, period_seconds=3600, grace_seconds=7200)
        at(ran, make_execution, scripts[name], status=Status.SUCCESS)
        flip = states.evaluate(scripts[name].pk, now=since)
        assert flip.new_state == State.LATE

    down("down-newer", NOON - 60 * MINUTE)
    late("late-older", NOON - 50 * MINUTE)
    down("down-older", NOON - 300 * MINUTE)
    late("late-newer", NOON - 5 * MINUTE)
    # Stuck: a run started 30 minutes ago, 10 minutes allowed, and no watcher has ended it yet.
    scripts["stuck"] = at(NOON - 40 * MINUTE, make_script, name="stuck", max_runtime_seconds=600)
    at(NOON - 30 * MINUTE, make_execution, scripts["stuck"], status=Status.RUNNING)
    # Fine: up, a run still within its maximum run time, switched off.
    at(NOON - 5 * MINUTE, make_execution, at(NOON - 60 * MINUTE, make_script, name="fine"))
    busy = at(NOON - 60 * MINUTE, make_script, name="busy", max_runtime_seconds=3600)
    at(NOON - 5 * MINUTE, make_execution, busy, status=Status.RUNNING)
    at(NOON - 60 * MINUTE, make_script, name="off", active=False)
    with time_machine.travel(NOON, tick=False):
        yield scripts


def rows(html: str) -> list[tuple[str, str]]:
    """(script name, kind) of each row of the panel, in order."""
    panel = re.search(r"<section[^>]*data-attention>.*?</section>", html, re.S).group(0)
    found = re.findall(r'<tr data-attention-item="(\d+)" data-kind="(\w+)">', panel)
    return [(Script.objects.get(pk=pk).name, kind) for pk, kind in found]


def row_text(html: str, script: Script) -> str:
    found = re.search(rf'<tr data-attention-item="{script.pk}".*?</tr>', html, re.S).group(0)
    return " ".join(re.sub(r"<[^>]+>", " ", found).split())


def test_all_is_well_when_nothing_needs_attention(operator, make_script, make_execution):
    make_execution(make_script(), status=Status.SUCCESS)
    html = operator.get("/").content.decode()
    assert "All is well: no script is down, late or stuck." in html
    assert rows(html) == []


def test_down_comes_before_late_before_stuck_and_the_longest_first(operator, trouble):
    assert rows(operator.get("/").content.decode()) == [
        ("down-older", "down"),
        ("down-newer", "down"),
        ("late-older", "late"),
        ("late-newer", "late"),
        ("stuck", "stuck"),
    ]


def test_each_row_says_since_when_and_why(operator, trouble):
    html = operator.get("/").content.decode()
    assert row_text(html, trouble["down-older"]) == (
        "down-older down Nov. 26, 2026, 7 a.m. (5 hours ago) its runs failed · down-older broke"
    )
    assert row_text(html, trouble["late-newer"]) == (
        "late-newer late Nov. 26, 2026, 11:55 a.m. (5 minutes ago) "
        "a run was due and none has started · due Nov. 26, 2026, 11:45 a.m."
    )
    assert row_text(html, trouble["stuck"]) == (
        "stuck stuck Nov. 26, 2026, 11:40 a.m. (20 minutes ago) "
        "a run is still running past its maximum run time (10 minutes)"
    )
    assert '<time datetime="2026-11-26T02:55:00+00:00">' in html  # late-newer's since


def test_the_panel_sits_above_the_chart_and_the_counters_are_unchanged(operator, trouble):
    html = operator.get("/").content.decode()
    assert html.index("data-counters") < html.index("data-attention") < html.index("data-history-chart")
    shown = {key: int(value) for key, value in re.findall(r'data-stat="(\w+)">(\d+)<', html)}
    assert shown == stats.get_stats(use_cache=False).values


def test_it_shows_at_most_10_and_links_to_the_rest(operator, make_script, make_execution):
    for n in range(12):
        at(NOON - (20 - n) * MINUTE, make_execution, make_script(name=f"broken-{n:02}"), status=Status.ERROR)
    html = operator.get("/").content.decode()
    assert [name for name, _kind in rows(html)] == [f"broken-{n:02}" for n in range(10)]
    assert "Showing 10 of 12 scripts down or late." in html
    assert '<a href="/scripts/?state=down" data-attention-rest>' in html
    assert '<a href="/scripts/?state=down" data-attention-total="down">12 scripts down</a>' in html


def test_the_totals_name_only_the_states_that_have_scripts(operator, make_script, make_execution):
    make_execution(make_script(), status=Status.ERROR)
    html = operator.get("/").content.decode()
    assert "1 script down" in html and 'data-attention-total="late"' not in html
    assert "Showing" not in html


def test_it_is_one_query_whatever_the_number_of_scripts(
    trouble, make_script, make_execution, django_assert_num_queries
):
    with django_assert_num_queries(1):
        first = needing_attention()
    assert len(first.problems) == 5
    for n in range(30):
        make_execution(make_script(name=f"more-{n}"), status=Status.ERROR if n % 2 else Status.SUCCESS)
    with django_assert_num_queries(1):
        more = needing_attention()
    assert len(more.problems) == 10 and (more.down, more.late) == (17, 2)


def test_the_dashboard_costs_the_same_with_none_or_many_needing_attention(
    operator, make_script, make_execution, django_assert_max_num_queries
):
    operator.get("/")
    with django_assert_max_num_queries(6) as calm:  # session, user, counters, attention, history
        operator.get("/")
    calm_queries = len(calm.captured_queries)  # (the next request resets the connection's log)
    for _ in range(25):
        make_execution(make_script(), status=Status.ERROR)
    operator.get("/")
    with django_assert_max_num_queries(calm_queries):
        html = operator.get("/").content.decode()
    assert len(rows(html)) == 10


def test_a_run_the_watcher_ended_is_no_longer_stuck(trouble):
    from scripts_app.monitoring import watcher

    assert any(problem.kind == "stuck" for problem in needing_attention().problems)
    watcher.tick()
    kinds = {problem.script.name: problem.kind for problem in needing_attention().problems}
    assert kinds["stuck"] == State.DOWN  # its run ended as failed: down, no longer stuck
