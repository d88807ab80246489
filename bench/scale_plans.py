"""Reading a query plan for the diagnosis: which node costs the most, said in one line.

PostgreSQL: the JSON of EXPLAIN (ANALYZE, BUFFERS), its nodes' own time
(a node's total time over its loops, less its children's), and the node that
spends most. SQLite: EXPLAIN QUERY PLAN's lines (it has no timings), the
full scans and temporary B-trees being what grows. Each costly node gets a
hint of what usually makes it flat; the diagnosis in docs/benchmarks.md is
written by a person from these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BIG_TABLES = ("script_executions",)


@dataclass(frozen=True)
class Node:
    kind: str  # "Seq Scan", "Sort", "Nested Loop", ...
    on: str  # relation and index, when there are
    rows: int  # actual rows per loop
    loops: int
    own_ms: float  # this node's time, all loops, without its children
    detail: str  # sort method, filter removed rows, ...
    input_rows: int = 0  # what its children handed it, all loops (a sort's N)

    def describe(self) -> str:
        where = f" on {self.on}" if self.on else ""
        loops = f" × {self.loops:,} loops" if self.loops > 1 else ""
        fed = f" (of {self.input_rows:,} rows in)" if self.input_rows > self.rows * self.loops else ""
        detail = f"; {self.detail}" if self.detail else ""
        return f"{self.kind}{where}: {self.rows:,} rows{loops}{fed}, {self.own_ms:,.1f} ms own time{detail}"


def pg_nodes(plan: dict) -> list[Node]:
    """Every node of a plan (EXPLAIN ... FORMAT JSON's [0]["Plan"]), with its own time."""
    found: list[Node] = []

    def total(node: dict) -> float:
        return node.get("Actual Total Time", 0.0) * node.get("Actual Loops", 1)

    def walk(node: dict) -> None:
        children = node.get("Plans", [])
        own = max(total(node) - sum(total(child) for child in children), 0.0)
        on = " using ".join(
            part for part in (node.get("Relation Name", ""), node.get("Index Name", "")) if part
        )
        details = []
        if "Sort Method" in node:
            details.append(f"{node['Sort Method']} ({node.get('Sort Space Used', '?')} kB)")
        if "Sort Key" in node:
            details.append("by " + ", ".join(node["Sort Key"]))
        for removed in ("Rows Removed by Filter", "Rows Removed by Index Recheck"):
            if node.get(removed):
                details.append(f"{node[removed]:,} {removed.lower()}")
        if node.get("Subplan Name"):
            details.append(node["Subplan Name"])
        read = node.get("Shared Read Blocks", 0)
        if read:
            details.append(f"{read:,} blocks read")
        found.append(
            Node(
                kind=node.get("Node Type", "?"),
                on=on,
                rows=int(node.get("Actual Rows", 0)),
                loops=int(node.get("Actual Loops", 1)),
                own_ms=own,
                detail="; ".join(details),
                input_rows=sum(
                    int(child.get("Actual Rows", 0) * child.get("Actual Loops", 1)) for child in children
                ),
            )
        )
        for child in children:
            walk(child)

    walk(plan)
    return found


def costliest(nodes: list[Node]) -> Node | None:
    return max(nodes, key=lambda node: node.own_ms, default=None)


def pg_hint(node: Node, nodes: list[Node]) -> str:
    """What usually makes this node's cost independent of the table's size."""
    big = any(table in node.on for table in BIG_TABLES)
    if node.kind == "Seq Scan" and big:
        return "an index that answers the filter and order (or a partial index), so no run is read to skip it"
    if node.kind in {"Sort", "Incremental Sort"} and node.input_rows > 1000:
        return "an index in the sort's order (read the first page, not sort every row), or a kept sort column"
    if node.kind in {"Aggregate", "HashAggregate", "GroupAggregate"}:
        return "a kept total (a per-day level of the rollup, a summary row) instead of aggregating rows"
    if node.loops > 100:
        return (
            f"a per-row subquery ran {node.loops:,} times: page before annotating, or read a kept "
            "per-script summary row (or a LATERAL … LIMIT through an index)"
        )
    if "Index" in node.kind and big and node.rows > 10_000:
        return "the index returns every matching run: bound it (a LIMIT through an index in the right order)"
    if node.kind == "Bitmap Heap Scan" and big:
        return "a bitmap over many runs: an index-only path (covering index) or a kept total"
    return "look at the statement: the plan has no single node that grows"


JIT_HINT = (
    "a cheaper statement (its cost estimate grows with the rows it computes before the LIMIT, "
    "and past jit_above_cost PostgreSQL compiles it on every request), or jit=off for the app's "
    "connections (OPTIONS options='-c jit=off')"
)


def jit_ms(explained: dict) -> float | None:
    """Milliseconds PostgreSQL spent compiling the statement (EXPLAIN's JIT section), if it did."""
    total = ((explained.get("JIT") or {}).get("Timing") or {}).get("Total")
    return float(total) if isinstance(total, int | float) else None


SQLITE_GROWS = re.compile(r"\bSCAN (?!CONSTANT)|USE TEMP B-TREE")


def sqlite_hint(plan_lines: list[str]) -> str:
    text = " | ".join(plan_lines)
    if re.search(r"\bSCAN script_executions\b(?! USING)", text):
        return "a full scan of the runs: an index for the filter and order"
    if "USE TEMP B-TREE FOR ORDER BY" in text:
        return "a sort of every row: an index in the page's order, or a kept sort column"
    if "CORRELATED SCALAR SUBQUERY" in text:
        return "subqueries run once per row: page before annotating, or a kept per-script summary"
    if re.search(r"\bSCAN scripts\b", text):
        return "every script is read: paginate before computing, or index the sort"
    return "look at the statement"


def normalized(statement: str) -> str:
    """A statement with its literals taken out: repeated statements (one per row) group together."""
    statement = re.sub(r"'(?:[^']|'')*'", "?", statement)
    statement = re.sub(r"\b\d+(?:\.\d+)?\b", "?", statement)
    return re.sub(r"\s+", " ", statement).strip()
