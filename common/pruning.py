"""Deleting old rows in batches, and the command that does it for a table (prune_executions,
prune_notifications): each names what it prunes, the rest is here.

Memory stays bounded by one batch of ids; each batch is its own short transaction, so writers
are never held up for long; each batch is checked against `prunable` again as it is deleted,
so a row that stopped being prunable meanwhile (a run that became its script's latest) stays.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone


def delete_in_batches(
    prunable: Callable[[], QuerySet],
    *,
    batch_size: int = 1000,
    on_batch: Callable[[int, int], None] | None = None,
) -> int:
    """Delete the rows `prunable()` selects, `batch_size` at a time; return how many were
    deleted. `on_batch(deleted, total)` is called after each batch."""
    total = 0
    after_id = 0
    while True:
        # Keyset pagination: ids only, in primary-key order from where the last batch ended.
        batch = prunable().filter(id__gt=after_id).order_by("id")
        ids = list(batch.values_list("id", flat=True)[:batch_size])
        if not ids:
            return total
        after_id = ids[-1]
        with transaction.atomic():
            deleted, _ = prunable().filter(id__in=ids).delete()
        total += deleted
        if on_batch:
            on_batch(deleted, total)


class PruneCommand(BaseCommand):
    """`--older-than DAYS [--dry-run] [--batch-size N]` for one table. A subclass sets `noun`
    ("executions"), `what` (what the start line calls them), `when` ("started": the verb of
    the cutoff's column), `keeping` (what always stays, or ""), and `prunable(cutoff)`."""

    noun: str
    what: str
    when: str
    keeping: str = ""

    def prunable(self, cutoff) -> QuerySet:
        raise NotImplementedError

    def add_arguments(self, parser) -> None:
        parser.add_argument("--older-than", type=int, required=True, metavar="DAYS", dest="days")
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; delete nothing."
        )
        parser.add_argument("--batch-size", type=int, default=1000, help="Rows per batch (default 1000).")

    def handle(self, *args, days: int, dry_run: bool, batch_size: int, **options) -> None:
        if days < 0:
            raise CommandError(f"--older-than must be 0 or more days, not {days}.")
        if batch_size < 1:
            raise CommandError(f"--batch-size must be at least 1, not {batch_size}.")
        cutoff = timezone.now() - timedelta(days=days)
        before = f"{self.when} before {cutoff.astimezone(ZoneInfo(settings.TIME_ZONE)):%Y-%m-%d %H:%M %Z}"
        if dry_run:
            count = self.prunable(cutoff).count()
            self.stdout.write(f"Would delete {count} {self.noun} {before} (dry run: nothing deleted).")
            return
        self.stdout.write(f"Deleting {self.what} {before}, {batch_size} per batch{self.keeping}.")
        total = delete_in_batches(
            lambda: self.prunable(cutoff),
            batch_size=batch_size,
            on_batch=lambda deleted, total: self.stdout.write(f"  deleted {deleted} ({total} so far)"),
        )
        self.stdout.write(f"Deleted {total} {self.noun}.")
