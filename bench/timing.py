"""Small timing helpers. Every figure the bench reports is a ratio of two of these."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def seconds(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def median_seconds(action: Callable[[], object], *, repeat: int, warmup: int = 1) -> float:
    for _ in range(warmup):
        action()
    return statistics.median(seconds(action) for _ in range(repeat))


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None
