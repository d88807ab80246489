"""How the table writes a row and its cells (bench/table.py, bench/table_rollup.py)."""

from __future__ import annotations

from collections.abc import Callable


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def mib(kib: float) -> str:
    return f"{kib / 1024:,.1f} MiB"


def yes(value: bool) -> str:
    return "yes" if value else "NO"


def row(number: str, measure: str, detail: str, value: float | None, target: str, met: bool | None) -> str:
    shown = "n/a" if value is None else f"{value:.2f}"
    verdict = {True: "met", False: "MISSED", None: "info"}[met]
    return f"| {number} | {measure} | {detail} | {shown} | {target} | {verdict} |"


def check(value: float | None, passes: Callable[[float], bool]) -> bool | None:
    return None if value is None else passes(value)
