from __future__ import annotations

from django.core.management.base import BaseCommand

from scripts_app.sample_data import bootstrap_dev


class Command(BaseCommand):
    help = (
        "Development only (make run): on an EMPTY database, create an admin account with a "
        "generated password and load a small, labelled sample data set. Otherwise do nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="Where the server will listen.")

    def handle(self, *args, url: str, **options) -> None:
        created = bootstrap_dev()
        if created is None:
            self.stdout.write("The database has data already: no account or sample data created.")
            return
        self.stdout.write(
            self.style.SUCCESS("First run: created an admin account and sample data.")
            + f"\n  URL:      {url}\n  username: {created.username}\n  password: {created.password}"
            f"\n  ({created.scripts} sample scripts and {created.executions} runs, names start with"
            " “[Sample] ”.) This password is shown only once."
        )
