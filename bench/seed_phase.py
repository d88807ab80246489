"""The two databases most rows compare: `python -m bench.seed_phase OUT.json`.

Run first by bench.run in its own process. BENCH_DB (alias "default") gets
the large table, BENCH_SMALL_DB (alias "small") the small one: the same
number of scripts and local days in both, a hundred times the executions (and
the executions today) in the large one. Seeded once, then read by the pages,
main, stream and migration phases in turn; each of them leaves the rows it
adds or moves as it found them, except the stream, which adds today's runs.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

import django


def main(out_path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()

    from bench import dataset
    from bench.routing import using_database
    from bench.sizes import from_env
    from dashboard_app.counters import stats

    sizes = from_env()
    rng = random.Random(20261126)
    result = {}
    # Both migrated first: upkeep after a commit marks counters on the default
    # connection whichever database the write went to (the product knows one).
    for alias in ("default", "small"):
        with using_database(alias):
            dataset.fresh_database(alias)
    for alias, total, today in (
        ("small", sizes.small_total, sizes.small_today),
        ("default", sizes.large_total, sizes.large_today),
    ):
        with using_database(alias):
            dataset.bench_user()
            dataset.seed(scripts=sizes.scripts, executions=total, days=sizes.days, today=today, rng=rng)
            stats.get_stats()  # the counters' rows, as a first visit would store them
            result[alias] = dataset.table_rows()
    Path(out_path).write_text(json.dumps({"database": dataset.database_label(), "rows": result}, indent=2))


if __name__ == "__main__":
    main(sys.argv[1])
