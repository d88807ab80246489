"""How big the scale tables' databases are, what they are called, and how long each measure runs.

The scale tables (`BENCH_SCALE=1`, bench/scale.py) compare each read on two
axes a team grows along: the runs on PostgreSQL (ten million, a million of
them today, against ten thousand) and the scripts on SQLite and PostgreSQL
(ten thousand against twenty, each with the same month of history).
BENCH_QUICK=1 shrinks all of it so that CI proves it runs in under a minute.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

# Every PostgreSQL database the scale tables create, use or drop starts with this.
DATABASE_PREFIX = "scale_"


@dataclass(frozen=True)
class RunsPlan:
    """A month of runs spread evenly over the days before today, `today` of them today."""

    scripts: int
    days: int
    total: int
    today: int


@dataclass(frozen=True)
class ScriptsPlan:
    """`scripts` scripts, each with `per_script` runs over `days` days, `today` of them today."""

    scripts: int
    per_script: int
    today: int
    days: int


@dataclass(frozen=True)
class ScaleSizes:
    quick: bool
    runs_large: RunsPlan
    runs_small: RunsPlan
    scripts_large: ScriptsPlan
    scripts_small: ScriptsPlan
    throughput_seed: ScriptsPlan  # the database each throughput server starts from
    # Pages: each page on each side for at least this long and this many requests, per round.
    page_rounds: int
    page_seconds: float
    page_requests: int
    # Throughput: seconds of load per measure and side, rounds alternating the sides.
    throughput_seconds: int
    throughput_rounds: int
    throughput_clients: int
    throughput_workers: int
    # Diagnosis: the statements of a missed page explained, slowest first; pages diagnosed
    # per axis, worst ratio first (None: all).
    explained_per_page: int
    diagnosed_pages: int | None

    def as_dict(self) -> dict:
        return asdict(self)


def _scripts(count: int) -> ScriptsPlan:
    return ScriptsPlan(scripts=count, per_script=30, today=5, days=30)


FULL = ScaleSizes(
    quick=False,
    runs_large=RunsPlan(scripts=200, days=30, total=10_000_000, today=1_000_000),
    runs_small=RunsPlan(scripts=200, days=30, total=10_000, today=1_000),
    scripts_large=_scripts(10_000),
    scripts_small=_scripts(20),
    throughput_seed=_scripts(200),
    page_rounds=5,
    page_seconds=0.6,
    page_requests=5,
    throughput_seconds=5,
    throughput_rounds=5,
    throughput_clients=8,
    throughput_workers=4,
    explained_per_page=3,
    diagnosed_pages=None,
)

QUICK = ScaleSizes(
    quick=True,
    runs_large=RunsPlan(scripts=20, days=5, total=20_000, today=2_000),
    runs_small=RunsPlan(scripts=20, days=5, total=2_000, today=200),
    scripts_large=_scripts(200),
    scripts_small=_scripts(20),
    throughput_seed=_scripts(20),
    page_rounds=1,
    page_seconds=0.0,
    page_requests=1,
    throughput_seconds=1,
    throughput_rounds=1,
    throughput_clients=4,
    throughput_workers=2,
    explained_per_page=1,
    diagnosed_pages=1,
)


def from_env() -> ScaleSizes:
    return QUICK if os.environ.get("BENCH_QUICK", "").strip().lower() in {"1", "true", "yes"} else FULL


def _short(number: int) -> str:
    for unit, size in (("m", 1_000_000), ("k", 1_000)):
        if number >= size and number % size == 0:
            return f"{number // size}{unit}"
    return str(number)


def database_name(plan: RunsPlan | ScriptsPlan, *, quick: bool) -> str:
    """scale_10m, scale_10k, scale_s10000, scale_s20 (scale_q_… for the quick sizes)."""
    stem = _short(plan.total) if isinstance(plan, RunsPlan) else f"s{plan.scripts}"
    return f"{DATABASE_PREFIX}{'q_' if quick else ''}{stem}"


def throughput_name(*, quick: bool) -> str:
    return f"{DATABASE_PREFIX}{'q_' if quick else ''}throughput"
