"""django-crontab's `crontab` command, refusing clearly when cron is missing.

Without a crontab binary django-crontab's `add` prints nothing and exits 0,
so the midnight reset would silently never be installed.
"""

from __future__ import annotations

import shutil

from django.conf import settings
from django.core.management.base import CommandError
from django_crontab.management.commands.crontab import Command as CrontabCommand


class Command(CrontabCommand):
    def handle(self, *args, **options):
        executable = getattr(settings, "CRONTAB_EXECUTABLE", "/usr/bin/crontab")
        if options.get("subcommand") in ("add", "show", "remove") and not shutil.which(executable):
            raise CommandError(
                f"No crontab binary at {executable!r}, so the cron jobs cannot be installed. "
                "Install cron (Debian/Ubuntu: apt-get install cron) and run "
                "`python manage.py crontab add` again. The counters stay correct without "
                "it: the daily reset only refreshes the cache early."
            )
        return super().handle(*args, **options)
