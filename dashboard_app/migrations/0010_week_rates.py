"""Each script's runs of the week, kept by the rollup's triggers (dashboard_app.models.WeekRates).

The triggers move, in the same statement as the per-script and per-day rows, the week's row of
each script whose runs of a day between RollupZone.week_of - 6 and week_of changed: its ended
and succeeded runs, and its failed runs of week_of. Runs of other days leave it alone; with no
week rolled yet (week_of NULL) nothing moves, and reads sum the rollup rows as before.

PostgreSQL: one more data-modifying CTE in the trigger function, fed by the same moves; the
function locks the three tables in one order (totals, per-script rows, week) and reads week_of
after that lock, so a roll to a new week (rollup.week.roll, under rollup.sql.lock) and a writer
never see each other half-done. SQLite: one more statement in each row trigger.
"""

import importlib

import django.db.models.deletion
import django.db.models.expressions
import django.db.models.functions.comparison
from django.db import migrations, models

from dashboard_app.migrations._vendor_sql import RunSQLOn

_0004 = importlib.import_module("dashboard_app.migrations.0004_rollup_triggers_as_sql")
_0005 = importlib.import_module("dashboard_app.migrations.0005_daily_totals")
_0007 = importlib.import_module("dashboard_app.migrations.0007_rollup_lock_order")
_local_day = _0004._local_day  # the local day of a run, as the triggers read it (tests use it)

# ---------------------------------------------------------------- PostgreSQL
_LOCK_OLD = "    LOCK TABLE dashboard_daily_totals, dashboard_daily_runs IN ROW EXCLUSIVE MODE;\n"
_LOCK_NEW = (
    "    LOCK TABLE dashboard_daily_totals, dashboard_daily_runs, dashboard_week_rates IN ROW EXCLUSIVE MODE;\n"
    "    week_end := (SELECT week_of FROM dashboard_rollup_zone WHERE id = 1);\n"
)
_DECLARE_OLD = "    zone text := (SELECT time_zone FROM dashboard_rollup_zone WHERE id = 1);\n"
_DECLARE_NEW = _DECLARE_OLD + "    week_end date;\n"
_TOTALS = "        )\n        INSERT INTO dashboard_daily_totals AS t"
_WEEKLY = """        ), weekly AS (
            INSERT INTO dashboard_week_rates AS w (script_id, succeeded, ended, failures_today)
            SELECT script_id, sum(success), sum(success + error + cancelled),
                   sum(CASE WHEN day = week_end THEN error ELSE 0 END)
            FROM moves
            WHERE day BETWEEN week_end - 6 AND week_end AND (success <> 0 OR error <> 0 OR cancelled <> 0)
            GROUP BY script_id ORDER BY script_id
            ON CONFLICT (script_id) DO UPDATE SET
                succeeded = w.succeeded + excluded.succeeded, ended = w.ended + excluded.ended,
                failures_today = w.failures_today + excluded.failures_today
        )
        INSERT INTO dashboard_daily_totals AS t"""

assert _0007.POSTGRESQL_FUNCTION.count(_LOCK_OLD) == 1 and _0007.POSTGRESQL_FUNCTION.count(_TOTALS) == 3
POSTGRESQL_FUNCTION = (
    _0007.POSTGRESQL_FUNCTION.replace(_DECLARE_OLD, _DECLARE_NEW)
    .replace(_LOCK_OLD, _LOCK_NEW)
    .replace(_TOTALS, _WEEKLY)
)
POSTGRESQL_FORWARD = [
    "LOCK TABLE script_executions IN SHARE MODE",
    POSTGRESQL_FUNCTION,  # the triggers of 0004 call it: replacing it is enough
]
POSTGRESQL_BACKWARD = [_0007.POSTGRESQL_FUNCTION]

# ---------------------------------------------------------------- SQLite
# A run that ended adds to its script's week when its local day is in the week, and a run
# that leaves (deleted, or moved by an update) takes from it; a running run counts for nothing.
_ENDED = "('success', 'error', 'cancelled')"
_WEEK_END = "(SELECT week_of FROM dashboard_rollup_zone WHERE id = 1)"


def _in_week(day: str) -> str:
    return f"{day} BETWEEN date({_WEEK_END}, '-6 days') AND {_WEEK_END}"


_ADD_NEW_TO_WEEK = (
    "INSERT INTO dashboard_week_rates (script_id, succeeded, ended, failures_today) "
    f"SELECT NEW.script_id, NEW.status = 'success', 1, NEW.status = 'error' AND day = {_WEEK_END} "
    f"FROM (SELECT {_0004._local_day('NEW')} AS day) WHERE NEW.status IN {_ENDED} AND {_in_week('day')} "
    "ON CONFLICT (script_id) DO UPDATE SET succeeded = succeeded + excluded.succeeded, "
    "ended = ended + excluded.ended, failures_today = failures_today + excluded.failures_today;"
)
_OLD_DAY = _0004._local_day("OLD")
_TAKE_OLD_FROM_WEEK = (
    "UPDATE dashboard_week_rates SET succeeded = succeeded - (OLD.status = 'success'), ended = ended - 1, "
    f"failures_today = failures_today - (OLD.status = 'error' AND {_OLD_DAY} = {_WEEK_END}) "
    f"WHERE script_id = OLD.script_id AND OLD.status IN {_ENDED} AND {_in_week(_OLD_DAY)};"
)


def _then(trigger: str, *statements: str) -> str:
    """`trigger` with `statements` run after its own."""
    assert trigger.endswith(" END")
    return f"{trigger[: -len(' END')]} {' '.join(statements)} END"


_TRIGGERS = _0005.SQLITE_FORWARD[len(_0004.TRIGGERS):]
assert [t.split(" BEGIN ")[0].split()[2] for t in _TRIGGERS] == list(_0004.TRIGGERS)
SQLITE_FORWARD = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in _0004.TRIGGERS),
    _then(_TRIGGERS[0], _ADD_NEW_TO_WEEK),
    _then(_TRIGGERS[1], _TAKE_OLD_FROM_WEEK, _ADD_NEW_TO_WEEK),
    _then(_TRIGGERS[2], _TAKE_OLD_FROM_WEEK),
]
SQLITE_BACKWARD = [*(f"DROP TRIGGER IF EXISTS {name}" for name in _0004.TRIGGERS), *_TRIGGERS]


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard_app', '0009_notification_indexes_a_flip_writes'),
        ('scripts_app', '0004_list_order_and_run_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='rollupzone',
            name='week_of',
            field=models.DateField(blank=True, null=True, verbose_name='week ending on'),
        ),
        migrations.CreateModel(
            name='WeekRates',
            fields=[
                ('script', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='scripts_app.script', verbose_name='script')),
                ('succeeded', models.BigIntegerField(default=0, verbose_name='succeeded')),
                ('ended', models.BigIntegerField(default=0, verbose_name='ended')),
                ('failures_today', models.BigIntegerField(default=0, verbose_name="failed on the week's last day")),
                ('rate', models.GeneratedField(db_persist=True, expression=models.Case(models.When(ended__gt=0, then=django.db.models.expressions.CombinedExpression(django.db.models.functions.comparison.Cast('succeeded', models.FloatField()), '/', django.db.models.functions.comparison.Cast('ended', models.FloatField())))), output_field=models.FloatField(), verbose_name='success rate')),
            ],
            options={
                'verbose_name': 'runs of the week',
                'verbose_name_plural': 'runs of the week',
                'db_table': 'dashboard_week_rates',
                'indexes': [models.Index(condition=models.Q(('ended__gt', 0)), fields=['rate', '-failures_today', 'script'], name='week_rates_lowest_first')],
            },
        ),
        RunSQLOn("postgresql", POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
        RunSQLOn("sqlite", SQLITE_FORWARD, SQLITE_BACKWARD),
    ]
