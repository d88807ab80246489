"""The scale tables on tiny data (BENCH_QUICK=1, SQLite only): they run and print every row.

No timing is checked. What is checked holds at any size: both databases are
seeded and proven exact by `refresh_stats --check`, every read answers 200 on
both (bench.pages stops at anything else), each row is printed, and without
PostgreSQL the runs axis and the throughput row say why they are absent.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.scale_pages import SCALE_PAGES
from bench.tests.test_bench_smoke import bench_env

BASE_DIR = Path(__file__).resolve().parents[2]


def test_the_quick_scale_tables_print_every_read_of_the_scripts_axis(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bench.scale"],
        cwd=BASE_DIR,
        env=bench_env(BENCH_QUICK="1", BENCH_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    table = done.stdout
    assert "**Scripts axis** on SQLite" in table and "Runs axis" not in table
    assert table.count("refresh_stats --check exit 0: ") == 2
    assert "rollup: every day equals a fresh count (ok)" in table
    for page in SCALE_PAGES:
        assert f"\n| {page.number} | GET `" in table
    assert "**Throughput under `make serve`'s settings**: skipped: needs PostgreSQL" in table
    assert "**Diagnosis**" in table
    assert (tmp_path / "scale" / "scale.md").read_text().strip() == table.strip()
