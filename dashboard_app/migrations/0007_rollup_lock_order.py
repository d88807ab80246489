"""The rollup's two tables locked in one order by everyone who writes them (PostgreSQL only).

The trigger function's statement writes dashboard_daily_runs (in a WITH) and then
dashboard_daily_totals. Its first run in a session locks them in that order, but a cached plan
locks its outer INSERT's table first: the totals, then the per-script rows. A reconcile locking
both tables (rollup.sql.lock) in the other order then deadlocked with a runner now and then.
Now the function first locks both, totals first, in the mode it would take anyway, and every
other writer (rollup.sql.lock, take_out_script) asks in the same order. SQLite has one writer at
a time and is unchanged.
"""

import importlib

from django.db import migrations

from dashboard_app.migrations._vendor_sql import RunSQLOn

_0005 = importlib.import_module("dashboard_app.migrations.0005_daily_totals")

LOCK_IN_ORDER = "LOCK TABLE dashboard_daily_totals, dashboard_daily_runs IN ROW EXCLUSIVE MODE;"
_BEGIN = "BEGIN\n    IF zone IS NULL THEN"

assert _0005.POSTGRESQL_FUNCTION.count(_BEGIN) == 1
POSTGRESQL_FUNCTION = _0005.POSTGRESQL_FUNCTION.replace(
    _BEGIN, f"BEGIN\n    {LOCK_IN_ORDER}\n    IF zone IS NULL THEN"
)

POSTGRESQL_FORWARD = [
    "LOCK TABLE script_executions IN SHARE MODE",
    POSTGRESQL_FUNCTION,  # the triggers call it: replacing it is enough
]
POSTGRESQL_BACKWARD = [_0005.POSTGRESQL_FUNCTION]


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard_app", "0006_alerts"),
    ]

    operations = [
        RunSQLOn("postgresql", POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
    ]
