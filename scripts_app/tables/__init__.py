"""scripts_app's tables, one module each: scripts, runs (script_executions) and flips (the
changes of a script's state). scripts_app.models gathers them for Django and for callers."""
