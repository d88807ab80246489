from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from scripts_app.dates import local_zone
from scripts_app.retention import prunable_executions, prune_executions


class Command(BaseCommand):
    help = (
        "Delete executions started more than DAYS days ago, in batches, always keeping "
        "each script's most recent execution. With --dry-run, only count them."
    )

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
        before = f"started before {cutoff.astimezone(local_zone()):%Y-%m-%d %H:%M %Z}"
        if dry_run:
            count = prunable_executions(cutoff).count()
            self.stdout.write(f"Would delete {count} executions {before} (dry run: nothing deleted).")
            return
        self.stdout.write(
            f"Deleting executions {before}, {batch_size} per batch, keeping each script's latest."
        )
        total = prune_executions(
            cutoff=cutoff,
            batch_size=batch_size,
            on_batch=lambda deleted, total: self.stdout.write(f"  deleted {deleted} ({total} so far)"),
        )
        self.stdout.write(f"Deleted {total} executions.")
