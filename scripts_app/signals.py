"""Signals for writes that Django announces with no per-row signal.

QuerySet.update(), bulk_create(), bulk_update() and the deletion of
executions (which have no delete receivers, so that Django removes a
script's runs with one statement) send neither post_save nor post_delete.
scripts_app announces them here (scripts_app.announcing) so that other apps
(the dashboard) can keep derived data true without scripts_app knowing them.

`rows_changed` is sent inside the write's transaction, after the write, with:
- sender: the model class;
- changes: one (before, after) pair per row the write changed, each a dict of
  the model's `tracked_fields` as the database held them, or None where the
  row did not exist; or None when which rows changed is not known (a
  bulk_create that ignored or overwrote conflicting rows);
- using: the database alias.
"""

from django.dispatch import Signal

rows_changed = Signal()
