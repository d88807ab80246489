from __future__ import annotations

from django.core.management.base import BaseCommand

from dashboard_app.counters import stats


class Command(BaseCommand):
    help = (
        "Start today's daily dashboard counters: zero plus whatever today already "
        "recorded. Idempotent: safe to run late, twice, or on several hosts at once."
    )

    def handle(self, *args, **options) -> None:
        for key, value in sorted(stats.reset_daily_stats().items()):
            self.stdout.write(f"{key}: {value}")
