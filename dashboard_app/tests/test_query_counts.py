"""Query budgets: a warm read is one query; a cascade does not scale with rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard_app.counters import stats
from scripts_app.models import ScriptExecution, Status

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_warm_cached_read_is_one_query_also_while_runs_are_recorded(
    make_script, make_execution, django_assert_num_queries
):
    script = make_script()
    stats.refresh_stats()
    with django_assert_num_queries(1):  # the cached rows and today's rollup totals together
        result = stats.get_stats()
    assert result.source == "cache"
    make_execution(script, status=Status.ERROR)
    with django_assert_num_queries(1):
        result = stats.get_stats()
    assert (result.source, result.values["today_executions"]) == ("cache", 1)


def delete_script_with(executions: int, make_script) -> int:
    script = make_script()
    ScriptExecution.objects.bulk_create(
        [ScriptExecution(script=script, status=Status.ERROR) for _ in range(executions)]
    )
    stats.refresh_stats()
    with CaptureQueriesContext(connection) as queries:
        script.delete()
    assert not ScriptExecution.objects.filter(script_id=script.pk).exists()
    return len(queries)


def test_deleting_a_script_does_not_scale_queries_with_its_executions(make_script):
    few = delete_script_with(1, make_script)
    many = delete_script_with(1000, make_script)
    assert many == few
    # measured: BEGIN, SAVEPOINT, take its rollup rows out of the day's totals, DELETE them
    # (before its runs, so that the trigger skips each), RELEASE, DELETE executions, DELETE its
    # changes of state, DELETE rollup rows and its week's row (the foreign keys' cascade), DELETE
    # its alerts' notifications and its place in alert channels' choices, DELETE script, COMMIT,
    # mark stale
    assert many <= 14


def test_deleting_a_script_with_1000_executions_marks_the_cache_once(make_script):
    script = make_script()
    ScriptExecution.objects.bulk_create(
        [ScriptExecution(script=script, status=Status.ERROR) for _ in range(1000)]
    )
    stats.refresh_stats()
    with CaptureQueriesContext(connection) as queries:
        script.delete()
    marks = [q for q in queries if "UPDATE dashboard_stats SET stale = true" in q["sql"].replace('"', "")]
    assert len(marks) == 1
    assert stats.get_stats().values["today_executions"] == 0
