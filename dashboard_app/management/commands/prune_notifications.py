from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dashboard_app.alerts.retention import prunable_notifications, prune_notifications
from scripts_app.dates import local_zone


class Command(BaseCommand):
    help = (
        "Delete the notification log's entries written more than DAYS days ago whose delivery is "
        "over (delivered or failed), in batches; pending ones always stay. With --dry-run, only "
        "count them."
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
        before = f"written before {cutoff.astimezone(local_zone()):%Y-%m-%d %H:%M %Z}"
        if dry_run:
            count = prunable_notifications(cutoff).count()
            self.stdout.write(f"Would delete {count} notifications {before} (dry run: nothing deleted).")
            return
        self.stdout.write(f"Deleting delivered and failed notifications {before}, {batch_size} per batch.")
        total = prune_notifications(
            cutoff=cutoff,
            batch_size=batch_size,
            on_batch=lambda deleted, total: self.stdout.write(f"  deleted {deleted} ({total} so far)"),
        )
        self.stdout.write(f"Deleted {total} notifications.")
