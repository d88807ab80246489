"""Signals for writes of scripts that Django announces with no per-row signal.

QuerySet.update(), bulk_create() and bulk_update() of scripts send neither post_save nor
post_delete. scripts_app announces them here (scripts_app.announcing) so that other apps
(the dashboard) can keep derived data true without scripts_app knowing them.

`rows_changed` is sent inside the write's transaction, after the write, with:
- sender: Script;
- changes: one (before, after) pair per row the write changed, each a dict of
  the row's "pk" and Script.tracked_fields as the database held them, or None
  where the row did not exist; or None when which rows changed is not known (a
  bulk_create that ignored or overwrote conflicting rows);
- using: the database alias.
"""

from django.dispatch import Signal

rows_changed = Signal()

# Sent inside the transaction that records a change of a script's state, with
# sender=Script, flip (the Flip just written) and using: alerts are queued in that
# same transaction, so a flip and its notifications commit together or not at all.
state_flipped = Signal()

# Sent inside the transaction that ends a script's runs still running past its maximum run time,
# with sender=Script, script_id, count (runs ended), at, detail (the message they were ended
# with) and using: a "stuck" alert is queued in that same transaction.
runs_stuck = Signal()
