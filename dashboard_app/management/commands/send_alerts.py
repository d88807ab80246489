from __future__ import annotations

from django.core.management.base import BaseCommand

from dashboard_app.alerts import sender


class Command(BaseCommand):
    help = (
        "Deliver the alerts that are due, once (watch_schedules does this after each of its passes). "
        "Several may run at once: each alert is delivered by one of them."
    )

    def handle(self, *args, **options) -> None:
        done = sender.send_due()
        self.stdout.write(
            f"claimed {done.claimed}: {done.delivered} delivered, {done.retrying} to retry, "
            f"{done.failed} given up, {done.summaries} summaries, {done.held} held for a summary"
        )
