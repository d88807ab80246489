from __future__ import annotations

import random

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from scripts_app.demo_data import SeedError, SeedPlan, seed_demo


class Command(BaseCommand):
    help = (
        "Add realistic demo data in bulk: scripts (some inactive) and executions with mixed statuses "
        "spread over the last --days local days, --today of them today. One transaction: an "
        "interrupted run adds nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scripts", type=int, required=True, help="Number of scripts to add.")
        parser.add_argument("--executions", type=int, required=True, help="Number of executions to add.")
        parser.add_argument(
            "--days", type=int, default=30, help="Local days to spread them over (default 30)."
        )
        parser.add_argument(
            "--today", type=int, default=None, help="How many start today (default: an even share)."
        )
        parser.add_argument("--seed", type=int, default=None, help="Random seed, for repeatable data.")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw the progress bar.")

    def handle(self, *args, **options) -> None:
        try:
            plan = SeedPlan.spread_evenly(
                scripts=options["scripts"],
                executions=options["executions"],
                days=options["days"],
                today=options["today"],
            )
            with tqdm(
                total=plan.executions,
                unit=" executions",
                unit_scale=True,
                disable=options["no_progress"],
                file=self.stderr._out,
            ) as bar:
                result = seed_demo(plan, rng=random.Random(options["seed"]), progress=bar.update)
        except SeedError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Added {result.scripts} scripts ({result.inactive_scripts} inactive) and "
            f"{result.executions} executions ({result.today_executions} today)."
        )
