"""`make bench` on tiny data (BENCH_QUICK=1): it runs and prints every row. No timings are checked.

What is checked is what must hold at any size: no failed request or write,
the counters and the rollup exact after concurrent writers, after the write
stream, for readers arriving together and after the migration.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DEVELOPMENT_DB = BASE_DIR / "db.sqlite3"


# 1-9: the cache and the write path; 10-11 pages, lists and the admin at two sizes;
# 12-14 the counters under a write stream; 15-16 the migration that builds the rollup;
# 17 outages; 18a-d schedules and pings; 19a-d alerts.
ROWS = (
    *("1", "2", "3", "4a", "4b", "4c", "5", "6", "7", "8", "9"),
    *(f"10{letter}" for letter in "abcdefghijklmnopqrs"),
    *(f"11{letter}" for letter in "abcdef"),
    *("12", "13", "14", "15", "16", "17"),
    *(f"18{letter}" for letter in "abcd"),
    *(f"19{letter}" for letter in "abcd"),
)


def bench_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("BENCH_", "DJANGO_"))}
    return {**env, **extra}


def test_the_quick_benchmark_prints_one_table_with_every_row(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bench"],
        cwd=BASE_DIR,
        env=bench_env(BENCH_QUICK="1", BENCH_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    table = done.stdout
    assert "Benchmark at commit" in table and "SQLite" in table
    for number in ROWS:
        assert f"\n| {number} | " in table
    assert "HTTP errors 0" in table
    assert "errors 0; final counts exact; rollup exact" in table
    assert "NOT all 304" not in table
    assert "after the run a cached read equals a fresh count: yes" in table
    assert "runner errors 0; exact afterwards: yes" in table  # row 12
    assert "every reader exact: yes" in table  # row 14
    assert "rollup exact: yes" in table  # row 15, after the migration
    assert "| 18b |" in table and "| all answered 200 and recorded | met |" in table  # no ping lost
    assert (tmp_path / "latest.md").read_text().strip() == table.strip()


def test_the_bench_refuses_the_development_database():
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env=bench_env(DJANGO_SETTINGS_MODULE="bench.settings", BENCH_DB=f"sqlite:///{DEVELOPMENT_DB}"),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode != 0
    assert "development database" in done.stderr
