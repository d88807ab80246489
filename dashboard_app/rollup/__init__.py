"""The rollup: how many runs of each script started on each local day, per status
(dashboard_app.models.DailyRuns), the same for every script with the number of scripts that
failed (its per-day level, DailyTotals), and every read of history made from them.

Reads of history sum these rows instead of counting executions, so what they cost depends on
the days shown (and the script, when one is asked for), never on how many executions the
table holds or, for a read of every script, how many scripts there are.

How it stays true
- The database moves it: triggers on script_executions add each inserted, deleted or moved run
  to its (local day, script) row inside the writing statement, so the change commits with the
  write or not at all, and raw SQL is counted like the ORM. Their SQL is fixed text in migrations
  0004 and 0005 (`manage.py sqlmigrate dashboard_app 0005` shows it); triggers/ only checks that
  they are there, one module per database.
- The zone whose days it counts is data the triggers read (zone.py): a change of TIME_ZONE is
  an operator's `manage.py refresh_stats` (rebuild.py), never work done inside a request.
  Until it has run, reads answer from the executions table and say so.
- What no trigger sees (rows edited by hand, one table restored, a trigger dropped) is caught
  by recounting: the counters reconcile today when their cache expires, `refresh_stats`
  recounts every day, and `refresh_stats --check` compares every day with a fresh count.

Modules, from the bottom up: sql (the hot statements), triggers/, zone, reads (the reads of
history; registered as scripts_app's run history), rebuild (recounts).
"""
