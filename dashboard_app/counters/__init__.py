"""The four counters and their cache (the `dashboard_stats` table).

stats.py is the one place that defines each counter (and so the list behind it) and when a
cached value may be served; everything else calls it. Below it: recount (recounting the
scripts' counters while writers run), stat_rows (the hot statements in plain SQL),
transaction_batch (upkeep once per transaction, after commit), touched (which counters a
write of a script can move) and etag (the stats endpoint's ETag).
"""
