"""Signals for writes that Django announces with no per-row signal.

QuerySet.update(), bulk_create(), bulk_update() and fast deletes send neither
post_save nor post_delete. scripts_app announces them here so that other apps
(the dashboard) can keep derived data true without scripts_app knowing them.

`rows_changed` is sent after the write, with:
- sender: the model class;
- fields: the names of the fields that may have changed, or None when rows
  were added or removed;
- instances: the affected instances when known (their state is the state the
  rows had before a delete or after a create), else None;
- using: the database alias.
"""

from django.dispatch import Signal

rows_changed = Signal()
