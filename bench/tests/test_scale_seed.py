"""Seeding a scale database (bench/scale_seed.py): server-side rows on the product's schema,
an exact rollup, and a database kept while its marker still says what a run needs."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from bench.run import midday_zone
from bench.scale_seed import ensure_sqlite
from bench.scale_sizes import ScriptsPlan

PLAN = ScriptsPlan(scripts=3, per_script=30, today=5, days=30)


@pytest.fixture(scope="module")
def zone() -> str:
    return midday_zone()  # today began hours ago there: today's runs all lie in the past


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """One folder for the module: the migrated schema is made once and copied for each file."""
    return tmp_path_factory.mktemp("scale")


def counts(path) -> tuple[int, int, int]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM scripts), (SELECT count(*) FROM script_executions), "
            "(SELECT sum(running + success + error + cancelled) FROM dashboard_daily_runs)"
        ).fetchone()


def test_every_script_gets_its_month_of_runs_and_the_rollup_counts_each(folder, zone):
    seeded = ensure_sqlite(folder / "first.sqlite3", PLAN, zone)

    assert not seeded["kept"]
    assert counts(folder / "first.sqlite3") == (3, 90, 90)
    assert "rollup: every day equals a fresh count (ok)" in seeded["check"]
    assert "today_executions: 15 (ok)" in seeded["check"]


def test_a_database_whose_marker_matches_is_kept_and_seeded_again_when_asked(folder, zone, monkeypatch):
    ensure_sqlite(folder / "kept.sqlite3", PLAN, zone)
    with closing(sqlite3.connect(folder / "kept.sqlite3")) as conn, conn:
        conn.execute("DELETE FROM script_executions WHERE id IN (SELECT id FROM script_executions LIMIT 1)")

    kept = ensure_sqlite(folder / "kept.sqlite3", PLAN, zone)
    monkeypatch.setenv("BENCH_SCALE_RESEED", "1")
    again = ensure_sqlite(folder / "kept.sqlite3", PLAN, zone)

    assert kept["kept"] and not again["kept"]
    assert counts(folder / "kept.sqlite3") == (3, 90, 90)


def test_another_plan_is_not_served_from_a_kept_database(folder, zone):
    ensure_sqlite(folder / "plans.sqlite3", PLAN, zone)

    bigger = ensure_sqlite(
        folder / "plans.sqlite3", ScriptsPlan(scripts=4, per_script=30, today=5, days=30), zone
    )

    assert not bigger["kept"]
    assert counts(folder / "plans.sqlite3")[:2] == (4, 120)
