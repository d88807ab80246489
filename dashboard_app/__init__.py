"""The dashboard: four counters that are always true, runs per day, and the pages and API
that show them. It knows scripts_app; scripts_app knows nothing of it.

Rooms, each a subpackage that says what it owns:
- counters/: the four counters and the policy for caching them (counters/stats.py);
- rollup/: runs per local day, script and status, kept by triggers in the database, and
  every read of history made from it (registered as scripts_app's run history);
- pages/: the dashboard and the list behind each counter;
- api/: /api/dashboard/stats, /api/dashboard/history and /metrics.
At the top: models, the receivers on writes of scripts (connected in apps.py), the system
checks, the admin and the routes. README.md, "How a write reaches the counters", draws it.
"""
