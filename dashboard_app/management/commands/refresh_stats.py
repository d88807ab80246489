from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dashboard_app import stats


class Command(BaseCommand):
    help = (
        "Recompute the dashboard counters from the tables, store and print them. "
        "With --check, compare the cache with a fresh count instead, change nothing, "
        "and exit 1 naming each counter that drifted."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Only compare; exit 1 if any counter drifted."
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        if check:
            self.check_only()
            return
        for key, value in stats.refresh_stats().values.items():
            self.stdout.write(f"{key}: {value}")

    def check_only(self) -> None:
        report = stats.check_drift()
        for item in report:
            if not item.served:
                state = "not cached" if item.cached is None else f"cached {item.cached}, awaiting recompute"
            elif item.cached == item.fresh:
                state = "ok"
            else:
                state = f"DRIFT: cached {item.cached}"
            self.stdout.write(f"{item.key}: {item.fresh} ({state})")
        drifted = stats.drifted(report)
        if drifted:
            raise CommandError(f"Dashboard counters drifted: {', '.join(drifted)}", returncode=1)
