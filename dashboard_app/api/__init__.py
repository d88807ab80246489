"""The dashboard's machine faces: GET /api/dashboard/stats (the counters in their envelope,
with an ETag), GET /api/dashboard/history (runs per day) and GET /metrics (Prometheus)."""
