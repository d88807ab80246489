"""Small timing helpers. Every figure the bench reports is a ratio of two of these."""

from __future__ import annotations

import math
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


def paired_ratio(numerators: list[float], denominators: list[float]) -> float:
    """The median of the per-round ratios: rounds alternate, so each pair shares
    the machine's load of that moment, and a burst of noise spoils one pair only.

    A round whose denominator measured nothing (a quick round on a busy machine can
    finish no request in its second) is left out; with none left the ratio is NaN,
    which the table prints as a miss rather than the run failing."""
    pairs = [(n, d) for n, d in zip(numerators, denominators, strict=True) if d]
    return statistics.median(n / d for n, d in pairs) if pairs else math.nan
