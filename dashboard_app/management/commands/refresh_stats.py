from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from dashboard_app import rollup_rebuild, rollup_triggers, stats

# Rollup cells listed one by one before the rest are summed up.
SHOWN_CELLS = 20


class Command(BaseCommand):
    help = (
        "Recount everything derived from the tables (the per-day rollup of runs and the four "
        "dashboard counters), store it and print the counters. With --check, compare all of it "
        "with a fresh count instead, change nothing, and exit 1 naming what drifted."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="Only compare; exit 1 if anything drifted.")

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
        zone = rollup_rebuild.zone_of_rollup()
        if zone != settings.TIME_ZONE:
            self.stdout.write(
                f"rollup: counts local days of {zone}, TIME_ZONE is {settings.TIME_ZONE} (DRIFT)"
            )
            drifted.append("rollup time zone")
        else:
            cells = rollup_rebuild.compare()
            for cell in cells[:SHOWN_CELLS]:
                self.stdout.write(
                    f"rollup {cell.day} script {cell.script_id}: stored {_runs(cell.stored)}, "
                    f"fresh {_runs(cell.fresh)} (DRIFT)"
                )
            if len(cells) > SHOWN_CELLS:
                self.stdout.write(f"... and {len(cells) - SHOWN_CELLS} more rollup rows (DRIFT)")
            days = sorted({str(cell.day) for cell in cells})
            if cells:
                drifted.append(
                    f"rollup ({len(cells)} rows on {len(days)} days: {', '.join(days[:5])}"
                    f"{', ...' if len(days) > 5 else ''})"
                )
            else:
                self.stdout.write("rollup: every day equals a fresh count (ok)")
            for problem in rollup_triggers.problems(connections[DEFAULT_DB_ALIAS], settings.TIME_ZONE):
                self.stdout.write(f"rollup triggers: {problem} (DRIFT)")
                drifted.append(f"rollup triggers ({problem})")
        if drifted:
            raise CommandError(f"Drifted: {'; '.join(drifted)}. Run refresh_stats to recount.", returncode=1)


def _runs(per_status: dict[str, int]) -> str:
    return ", ".join(f"{status} {number}" for status, number in sorted(per_status.items())) or "none"
