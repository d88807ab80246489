"""How big and how long each measurement is: the full run, or BENCH_QUICK=1 for tiny data."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Sizes:
    quick: bool
    # The two databases every phase but the writers' and the operators' reads:
    # the same scripts and days in both, a hundred times the executions in the large one.
    scripts: int
    days: int
    small_total: int
    small_today: int
    large_total: int
    large_today: int
    # Rows 3-5 and 7 (main_phase)
    cascade_executions: int
    recompute_repeats: int
    scaling_rounds: int
    write_rounds: int
    writes_per_round: int
    flat_rounds: int
    cascade_rounds: int
    load_seconds: int
    load_rounds: int
    api_rounds: int  # row 4c, per mode
    api_runs_per_round: int
    # Rows 10-11 (pages): each page on each side for at least this long and this many requests
    page_rounds: int
    page_seconds: float
    page_requests: int
    # Rows 12-14 (stream)
    stream_rounds: int
    stream_seconds: float  # per segment, streaming or idle
    stream_rate: float  # executions recorded per second while streaming
    stream_read_interval: float  # seconds between two dashboard reads
    stream_ttl: int  # STATS_CACHE_TTL for the phase: longer than the phase, so it never expires
    readers: int
    reader_trials: int
    # Row 6 (concurrent writers)
    writer_processes: int
    writer_seconds: float
    writer_rounds: int  # per mode
    writer_seed_executions: int

    def as_dict(self) -> dict:
        return asdict(self)


FULL = Sizes(
    quick=False,
    scripts=200,
    days=30,
    small_total=10_000,
    small_today=1_000,
    large_total=1_000_000,
    large_today=100_000,
    cascade_executions=10_000,
    recompute_repeats=9,
    scaling_rounds=7,
    write_rounds=15,
    writes_per_round=300,
    flat_rounds=3,
    cascade_rounds=5,
    load_seconds=3,
    load_rounds=5,
    api_rounds=9,
    api_runs_per_round=100,
    page_rounds=5,
    page_seconds=0.6,
    page_requests=5,
    stream_rounds=6,
    stream_seconds=4.0,
    stream_rate=40.0,
    stream_read_interval=0.025,
    stream_ttl=3600,
    readers=16,
    reader_trials=3,
    writer_processes=8,
    writer_seconds=4.0,
    writer_rounds=5,
    writer_seed_executions=20_000,
)

QUICK = Sizes(
    quick=True,
    scripts=20,
    days=5,
    small_total=1_000,
    small_today=100,
    large_total=4_000,
    large_today=1_000,
    cascade_executions=300,
    recompute_repeats=3,
    scaling_rounds=1,
    write_rounds=2,
    writes_per_round=20,
    flat_rounds=1,
    cascade_rounds=1,
    load_seconds=1,
    load_rounds=1,
    api_rounds=1,
    api_runs_per_round=10,
    page_rounds=1,
    page_seconds=0.0,
    page_requests=2,
    stream_rounds=1,
    stream_seconds=1.0,
    stream_rate=40.0,
    stream_read_interval=0.05,
    stream_ttl=3600,
    readers=16,
    reader_trials=1,
    writer_processes=8,
    writer_seconds=1.0,
    writer_rounds=1,
    writer_seed_executions=500,
)


def from_env() -> Sizes:
    return QUICK if os.environ.get("BENCH_QUICK", "").strip().lower() in {"1", "true", "yes"} else FULL
