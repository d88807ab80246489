"""prune_executions: old runs go in batches; a script's most recent run always stays."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command

from conftest import at
from scripts_app.models import Script, ScriptExecution, Status

pytestmark = pytest.mark.django_db

NOW = at("2026-11-26 12:00", "Asia/Seoul")


@pytest.fixture(autouse=True)
def frozen(seoul):
    with time_machine.travel(NOW, tick=False):
        yield


def runs(script: Script, *days_ago: float, status: str = Status.SUCCESS) -> list[ScriptExecution]:
    return [
        ScriptExecution.objects.create(script=script, status=status, started_at=NOW - timedelta(days=days))
        for days in days_ago
    ]


def prune(*args: str) -> str:
    out = io.StringIO()
    call_command("prune_executions", *args, stdout=out)
    return out.getvalue()


def test_it_deletes_runs_older_than_the_cutoff_and_keeps_newer_ones(make_script):
    script = make_script()
    old = runs(script, 40, 31)
    recent = runs(script, 29, 1)
    output = prune("--older-than", "30")
    assert set(ScriptExecution.objects.values_list("id", flat=True)) == {run.pk for run in recent}
    assert not ScriptExecution.objects.filter(id__in=[run.pk for run in old]).exists()
    assert "Deleted 2 executions." in output


def test_it_never_removes_a_scripts_most_recent_execution(make_script):
    dormant = make_script()
    runs(dormant, 400, 300)
    (latest,) = runs(dormant, 200, status=Status.ERROR)
    prune("--older-than", "30")
    assert list(dormant.executions.all()) == [latest]  # its last status survives


def test_of_two_runs_started_at_the_same_instant_the_later_row_is_the_most_recent(make_script):
    script = make_script()
    first, second = runs(script, 100, 100)
    prune("--older-than", "30")
    assert list(script.executions.all()) == [second]


def test_zero_days_keeps_only_each_scripts_most_recent_run(make_script):
    a, b = make_script(), make_script()
    runs(a, 0.5, 0.1)
    runs(b, 2, 0.2)
    prune("--older-than", "0")
    assert ScriptExecution.objects.count() == 2
    assert {run.script_id for run in ScriptExecution.objects.all()} == {a.pk, b.pk}


def test_a_dry_run_counts_and_deletes_nothing(make_script):
    script = make_script()
    runs(script, 90, 60, 50, 1)
    output = prune("--older-than", "30", "--dry-run")
    assert ScriptExecution.objects.count() == 4
    assert (
        "Would delete 3 executions started before 2026-10-27 12:00 KST (dry run: nothing deleted)." in output
    )


def test_it_works_in_batches_and_reports_progress(make_script):
    script = make_script()
    runs(script, *range(31, 36))  # five old runs
    runs(script, 1)
    output = prune("--older-than", "30", "--batch-size", "2")
    assert re.findall(r"deleted (\d+) \((\d+) so far\)", output) == [("2", "2"), ("2", "4"), ("1", "5")]
    assert ScriptExecution.objects.count() == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--older-than", "-1"], "--older-than must be 0 or more days, not -1."),
        (["--older-than", "30", "--batch-size", "0"], "--batch-size must be at least 1, not 0."),
        (["--older-than", "soon"], "argument --older-than: invalid int value: 'soon'"),
        ([], "the following arguments are required: --older-than"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_error(make_script, args, message):
    runs(make_script(), 90, 60)
    with pytest.raises(CommandError, match=re.escape(message)):
        prune(*args)
    assert ScriptExecution.objects.count() == 2


def test_it_prunes_100000_rows_in_bounded_batches(make_script):
    """100 scripts x 1,000 daily runs; 20 of the scripts last ran 1,000 days ago."""
    scripts = [make_script() for _ in range(100)]
    last_run_days_ago = {script.pk: 1000.5 if n < 20 else 0.5 for n, script in enumerate(scripts)}
    ScriptExecution.objects.bulk_create(
        [
            ScriptExecution(
                script_id=script_id,
                status=Status.ERROR if day % 7 == 0 else Status.SUCCESS,
                started_at=NOW - timedelta(days=day + last_day),
            )
            for script_id, last_day in last_run_days_ago.items()
            for day in range(1000)
        ],
        batch_size=5000,
    )
    assert ScriptExecution.objects.count() == 100_000
    latest_before = {script.pk: script.executions.first().pk for script in scripts}

    output = prune("--older-than", "90", "--batch-size", "5000")

    batches = [int(deleted) for deleted, _ in re.findall(r"deleted (\d+) \((\d+) so far\)", output)]
    kept = 80 * 90 + 20  # the active scripts' last 90 days, and each dormant script's latest run
    assert ScriptExecution.objects.count() == kept
    assert sum(batches) == 100_000 - kept
    assert len(batches) == 19 and max(batches) == 5000  # 92,780 rows in batches of at most 5,000
    assert f"Deleted {100_000 - kept} executions." in output
    assert {script.pk: script.executions.first().pk for script in scripts} == latest_before
