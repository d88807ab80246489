"""PostgreSQL's plans, read with sequential scans switched off: the planner then takes an index
wherever one answers a statement, so a Seq Scan left in a plan means no index can."""

from __future__ import annotations

import json

from django.db import connection


def sequential_scans(sql: str, table: str) -> list[str]:
    """The filters of the sequential scans of `table` in the plan of `sql` (none: it reads by index)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found, nodes = [], [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") == table:
            found.append(node.get("Filter", "(no filter)"))
        nodes += node.get("Plans", [])
    return found
