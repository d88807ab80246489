"""One migration in a fresh process, as `manage.py migrate APP TARGET` runs it, and what it
cost: `python -m bench.migrate_probe APP TARGET` prints JSON with the wall time of the
migration and the process's peak resident memory (ru_maxrss) before and after it.

Run by bench.migration once per database, each time in a new process: ru_maxrss is
a high-water mark, so a process may measure one migration only.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

import django


def peak_rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def main(app: str, target: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.core.management import call_command

    before = peak_rss_kib()  # Django and the project loaded, nothing migrated yet
    start = time.perf_counter()
    call_command("migrate", app, target, verbosity=0, interactive=False)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_kib_before": before, "peak_kib": peak_rss_kib()}))


if __name__ == "__main__":
    main(*sys.argv[1:3])
