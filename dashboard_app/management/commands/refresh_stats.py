from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from dashboard_app.counters import stats
from dashboard_app.models import RollupZone
from dashboard_app.rollup import rebuild, triggers, week, zone
from scripts_app.monitoring import states

# Rollup cells listed one by one before the rest are summed up.
SHOWN_CELLS = 20


class Command(BaseCommand):
    help = (
        "Recount everything derived from the tables (the per-day rollup of runs, in TIME_ZONE's "
        "days, the four dashboard counters and the scripts' states), store it and print the "
        "counters; create the "
        "rollup's triggers again if some are missing. With --check, compare all of it with a "
        "fresh count instead, change nothing, and exit 1 naming what drifted."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="Only compare; exit 1 if anything drifted.")

    def handle(self, *args, check: bool = False, **options) -> None:
        if check:
            self.check_only()
            return
        connection = connections[DEFAULT_DB_ALIAS]
        if absent := triggers.missing(connection):
            with transaction.atomic():
                triggers.reinstall(connection)
            self.stdout.write(f"rollup triggers: created again ({', '.join(absent)})")
        for key, value in stats.refresh_stats().values.items():
            self.stdout.write(f"{key}: {value}")
        # The scripts' states are derived from the runs too (runs written in bulk or by raw SQL).
        # Decided quietly: the output is the four counters' `key: value` lines, nothing else.
        states.evaluate_all()

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
        counted_in = zone.counted_zone()
        if counted_in != settings.TIME_ZONE:
            self.stdout.write(
                f"rollup: counts local days of {counted_in}, TIME_ZONE is {settings.TIME_ZONE} (DRIFT)"
            )
            drifted.append("rollup time zone")
        elif not RollupZone.objects.filter(pk=1, complete=True).exists():
            self.stdout.write("rollup: a recount of every day did not finish (DRIFT)")
            drifted.append("rollup recount unfinished")
        else:
            drifted += self.compare_rollup()
        if drifted:
            raise CommandError(f"Drifted: {'; '.join(drifted)}. Run refresh_stats to recount.", returncode=1)

    def compare_rollup(self) -> list[str]:
        drifted = []
        cells = rebuild.compare()
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
        drifted += self.compare_week()
        for problem in triggers.problems(connections[DEFAULT_DB_ALIAS], settings.TIME_ZONE):
            self.stdout.write(f"rollup triggers: {problem} (DRIFT)")
            drifted.append(f"rollup triggers ({problem})")
        return drifted


    def compare_week(self) -> list[str]:
        ended_on = week.last_day()
        if ended_on is None:
            self.stdout.write("rollup week: not counted yet (ok: the counters' next recount counts it)")
            return []
        scripts = week.drift()
        for script_id, stored, fresh in scripts[:SHOWN_CELLS]:
            self.stdout.write(
                f"rollup week to {ended_on} script {script_id}: stored {_week_runs(stored)}, "
                f"fresh {_week_runs(fresh)} (DRIFT)"
            )
        if len(scripts) > SHOWN_CELLS:
            self.stdout.write(f"... and {len(scripts) - SHOWN_CELLS} more scripts' weeks (DRIFT)")
        if scripts:
            return [f"rollup week to {ended_on} ({len(scripts)} scripts)"]
        self.stdout.write(f"rollup week to {ended_on}: every script equals a fresh count (ok)")
        return []


def _week_runs(figures: tuple[int, int, int]) -> str:
    succeeded, ended, failed = figures
    return f"{succeeded} of {ended} ended succeeded, {failed} failed on its last day"


def _runs(per_status: dict[str, int]) -> str:
    return ", ".join(f"{status} {number}" for status, number in sorted(per_status.items())) or "none"
