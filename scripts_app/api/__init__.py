"""The REST API of scripts and their runs: /api/scripts/ (with each script's health) and
/api/executions/ (filtered by run_filter, exported as streamed CSV). Routes: scripts_app.urls."""
