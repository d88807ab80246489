"""The statements that seed the scale tables' databases inside the database server.

Rows are made by the server (generate_series on PostgreSQL, a recursive CTE
on SQLite), never sent one by one from Python: ten million runs take minutes
this way. Times are computed from local midnights handed in as parameters
(the zone's days, as scripts_app.dates.day_window draws them), so the rows
land on the local days a reader counts.

Two shapes:
- runs (RunsPlan): `total` runs evenly spaced over the days before today,
  `today` of them evenly spaced over today's first hours, each for a random
  script with a random status (as scripts_app.demo_data weighs them);
- scripts (ScriptsPlan): every script the same history, `per_script` runs of
  which `today` fall today, statuses and times from the script's number, so
  that a small and a large database hold the same history per script.
"""

from __future__ import annotations

# Which rows each plan's statements make: a change here makes kept databases be seeded again.
GENERATOR_VERSION = {"RunsPlan": 1, "ScriptsPlan": 2}

ERROR_MESSAGES = (
    "TimeoutError: the target did not answer within 30 s",
    "ConnectionResetError: connection reset by peer",
    "KeyError: 'invoice_id'",
    "PermissionError: access denied to the shared folder",
    "ValueError: unexpected date format in row 17",
)

# A status from a number r in [0, 100): the past's weights and today's (demo_data's).
PAST_STATUS = "CASE WHEN {r} < 88 THEN 'success' WHEN {r} < 96 THEN 'error' ELSE 'cancelled' END"
TODAY_STATUS = (
    "CASE WHEN {r} < 85 THEN 'success' WHEN {r} < 93 THEN 'error' "
    "WHEN {r} < 97 THEN 'cancelled' ELSE 'running' END"
)
_MESSAGES_PG = "ARRAY[" + ", ".join("'" + m.replace("'", "''") + "'" for m in ERROR_MESSAGES) + "]"
_MESSAGES_SQLITE = " ".join(
    f"WHEN {n} THEN '{m.replace(chr(39), chr(39) * 2)}'" for n, m in enumerate(ERROR_MESSAGES)
)

# ---------------------------------------------------------------- PostgreSQL

PG_SCRIPTS = """
INSERT INTO scripts (name, description, active, execution_order, created_at, updated_at,
                     schedule, grace_seconds, time_zone, down_after_failures, up_after_successes,
                     state, failing, watched_since, ping_key, pings_in_minute)
SELECT 'scale-' || lpad(g::text, 6, '0'), '', g %% 10 <> 0, g, now(), now(),
       '', 3600, 'UTC', 1, 1, CASE WHEN g %% 10 <> 0 THEN 'up' ELSE 'paused' END, false, now(),
       md5(random()::text || g::text), 0
FROM generate_series(1, %(scripts)s) AS g"""

# `count` runs evenly spaced in [start, end): started_at = start + g * step.
PG_RUNS = f"""
INSERT INTO script_executions (script_id, status, started_at, completed_at, error_message)
SELECT ids[1 + floor(pick * array_length(ids, 1))::int], status, started_at,
       CASE WHEN status = 'running' THEN NULL
            ELSE least(started_at + (0.5 + took * 599.5) * interval '1 second', now()) END,
       CASE WHEN status = 'error' THEN ({_MESSAGES_PG})[1 + g %% 5] ELSE '' END
FROM (SELECT array_agg(id ORDER BY id) AS ids FROM scripts) AS s,
     (SELECT g, random() AS pick, random() AS took, {{status}} AS status,
             %(start)s::timestamptz + g * %(step_us)s * interval '1 microsecond' AS started_at
      FROM (SELECT g, random() * 100 AS r FROM generate_series(0, %(count)s - 1) AS g) AS numbered
     ) AS runs"""

# Every (script, k) for k < per_script: the last `today` of them today, the others
# on distinct days 1 .. days-1 back, shifted by the script's number so that every
# day has runs; `starts` holds the local midnights, today's first.
PG_HISTORY = f"""
INSERT INTO script_executions (script_id, status, started_at, completed_at, error_message)
SELECT id, status, started_at,
       CASE WHEN status = 'running' THEN NULL
            ELSE least(started_at + (30 + (n * 13 + k * 7) %% 570) * interval '1 second', now()) END,
       CASE WHEN status = 'error' THEN ({_MESSAGES_PG})[1 + (n + k) %% 5] ELSE '' END
FROM (
    SELECT id, n, k,
           CASE WHEN today THEN {TODAY_STATUS.format(r="r")} ELSE {PAST_STATUS.format(r="r")} END AS status,
           (%(starts)s::timestamptz[])[1 + back] + second * interval '1 second' AS started_at
    FROM (
        SELECT id, n, k, today, (n * 37 + k * 11) %% 100 AS r,
               CASE WHEN today THEN 0
                    ELSE 1 + ((k * (%(days)s - 1)) / %(past)s + n) %% (%(days)s - 1) END AS back,
               CASE WHEN today THEN (n * 7919 + k * 104729) %% %(today_span)s
                    ELSE (n * 7919 + k * 104729) %% 86400 END AS second
        FROM (SELECT id, execution_order AS n, k, k >= %(past)s AS today
              FROM scripts, generate_series(0, %(per_script)s - 1) AS k) AS pairs
    ) AS placed
) AS runs
ORDER BY started_at"""

# ---------------------------------------------------------------- SQLite

SQLITE_SCRIPTS = """
INSERT INTO scripts (name, description, active, execution_order, created_at, updated_at,
                     schedule, grace_seconds, time_zone, down_after_failures, up_after_successes,
                     state, failing, watched_since, ping_key, pings_in_minute)
WITH RECURSIVE seq(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM seq WHERE g < :scripts)
SELECT 'scale-' || substr('000000' || g, -6), '', g % 10 <> 0, g, :now, :now,
       '', 3600, 'UTC', 1, 1, CASE WHEN g % 10 <> 0 THEN 'up' ELSE 'paused' END, 0, :now,
       lower(hex(randomblob(16))), 0
FROM seq"""

# As PG_HISTORY; times are text 'YYYY-MM-DD HH:MM:SS' in UTC, as Django stores them.
# :starts_json holds the local midnights as Unix seconds, today's first.
SQLITE_HISTORY = f"""
INSERT INTO script_executions (script_id, status, started_at, completed_at, error_message)
WITH RECURSIVE seq(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM seq WHERE k < :per_script - 1),
pairs AS (SELECT id, execution_order AS n, k, k >= :past AS today FROM scripts, seq),
placed AS (
    SELECT id, n, k, today, (n * 37 + k * 11) % 100 AS r,
           CASE WHEN today THEN 0 ELSE 1 + ((k * (:days - 1)) / :past + n) % (:days - 1) END AS back,
           CASE WHEN today THEN (n * 7919 + k * 104729) % :today_span
                ELSE (n * 7919 + k * 104729) % 86400 END AS second
    FROM pairs
),
runs AS (
    SELECT id, n, k,
           CASE WHEN today THEN {TODAY_STATUS.format(r="r")} ELSE {PAST_STATUS.format(r="r")} END AS status,
           json_extract(:starts_json, '$[' || back || ']') + second AS started_epoch
    FROM placed
)
SELECT id, status, strftime('%Y-%m-%d %H:%M:%S', started_epoch, 'unixepoch'),
       CASE WHEN status = 'running' THEN NULL
            ELSE min(strftime('%Y-%m-%d %H:%M:%S', started_epoch + 30 + (n * 13 + k * 7) % 570, 'unixepoch'),
                     :now) END,
       CASE WHEN status = 'error' THEN CASE (n + k) % 5 {_MESSAGES_SQLITE} END ELSE '' END
FROM runs
ORDER BY started_epoch"""

# ---------------------------------------------------------------- the rollup, recounted

STATUSES = ("running", "success", "error", "cancelled")
_COUNTS = ", ".join(f"count(*) FILTER (WHERE status = '{status}')" for status in STATUSES)
PG_RECOUNT_ROLLUP = f"""
INSERT INTO dashboard_daily_runs (day, script_id, {", ".join(STATUSES)})
SELECT (started_at AT TIME ZONE %(zone)s)::date AS day, script_id, {_COUNTS}
FROM script_executions GROUP BY 1, 2 ORDER BY 1, 2"""
# The rollup's per-day level (dashboard_app migration 0005): each day's totals at stripe 0.
PG_RECOUNT_TOTALS = f"""
INSERT INTO dashboard_daily_totals (day, stripe, {", ".join(STATUSES)}, failed_scripts)
SELECT day, 0, {", ".join(f"sum({status})" for status in STATUSES)}, count(*) FILTER (WHERE error > 0)
FROM dashboard_daily_runs GROUP BY day ORDER BY day"""
