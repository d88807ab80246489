"""The rollup's function locks the scripts whose week it moves before any rollup row (PostgreSQL).

Since 0010 a statement that moves a script's week locks its week row after its per-day rows.
A transaction that writes a script's runs of two days of the week in two statements (a bulk
import in batches), while another records a run of that script on the second day, could then
deadlock: each held a row the other waited for (the per-day row of the second day; the week
row). Now the function first locks the rows of those scripts in `scripts` (FOR NO KEY UPDATE,
in id order), as a ping and a run saved through Django do before writing (monitoring.receivers):
the second writer waits there, holding nothing of the rollup. Runs of days outside the week
(an old day's backfill or pruning) lock no script, as before. A lock the transaction already
holds (a saved run's, a ping's) costs no wait. The FOREIGN KEY's check (FOR KEY SHARE, at
commit) does not conflict with it. SQLite has one writer at a time: nothing changes there.
"""

import importlib

from django.db import migrations

from dashboard_app.migrations._vendor_sql import RunSQLOn

_0010 = importlib.import_module("dashboard_app.migrations.0010_week_rates")

_NEW, _OLD = "SELECT script_id, started_at FROM new_rows", "SELECT script_id, started_at FROM old_rows"
_CHANGED_ROWS = {"INSERT": _NEW, "UPDATE": f"{_NEW} UNION ALL {_OLD}", "DELETE": _OLD}


def _lock_scripts_of_the_week(operation: str) -> str:
    return f"""    ELSIF TG_OP = '{operation}' THEN
        PERFORM 1 FROM scripts WHERE id IN (
            SELECT script_id FROM ({_CHANGED_ROWS[operation]}) AS changed
            WHERE (started_at AT TIME ZONE zone)::date BETWEEN week_end - 6 AND week_end
        ) ORDER BY id FOR NO KEY UPDATE;
"""


POSTGRESQL_FUNCTION = _0010.POSTGRESQL_FUNCTION
for _operation in _CHANGED_ROWS:
    _branch = f"    ELSIF TG_OP = '{_operation}' THEN\n"
    assert POSTGRESQL_FUNCTION.count(_branch) == 1
    POSTGRESQL_FUNCTION = POSTGRESQL_FUNCTION.replace(_branch, _lock_scripts_of_the_week(_operation))

POSTGRESQL_FORWARD = [
    "LOCK TABLE script_executions IN SHARE MODE",
    POSTGRESQL_FUNCTION,  # the triggers of 0004 call it: replacing it is enough
]
POSTGRESQL_BACKWARD = [_0010.POSTGRESQL_FUNCTION]


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard_app", "0010_week_rates"),
    ]

    operations = [
        RunSQLOn("postgresql", POSTGRESQL_FORWARD, POSTGRESQL_BACKWARD),
    ]
