"""Reading plans for the scale diagnosis (bench/scale_plans.py)."""

from __future__ import annotations

from bench.scale_plans import costliest, normalized, pg_hint, pg_nodes

# EXPLAIN (ANALYZE, FORMAT JSON)'s "Plan" of a sorted read of every run, cut down to what is read.
SORT_OVER_SEQ_SCAN = {
    "Node Type": "Limit",
    "Actual Total Time": 2100.0,
    "Actual Rows": 50,
    "Actual Loops": 1,
    "Plans": [
        {
            "Node Type": "Sort",
            "Actual Total Time": 2099.0,
            "Actual Rows": 50,
            "Actual Loops": 1,
            "Sort Method": "top-N heapsort",
            "Sort Key": ["started_at DESC"],
            "Plans": [
                {
                    "Node Type": "Seq Scan",
                    "Relation Name": "script_executions",
                    "Actual Total Time": 600.0,
                    "Actual Rows": 10_000_000,
                    "Actual Loops": 1,
                }
            ],
        }
    ],
}


def test_a_nodes_own_time_leaves_out_its_childrens():
    nodes = {node.kind: node for node in pg_nodes(SORT_OVER_SEQ_SCAN)}

    assert nodes["Limit"].own_ms == 1.0
    assert nodes["Sort"].own_ms == 1499.0
    assert nodes["Seq Scan"].own_ms == 600.0


def test_the_costliest_node_is_the_one_that_spends_most_itself():
    nodes = pg_nodes(SORT_OVER_SEQ_SCAN)

    worst = costliest(nodes)

    assert worst.kind == "Sort"
    assert "by started_at DESC" in worst.describe()
    assert "index in the sort's order" in pg_hint(worst, nodes)


def test_a_subquery_run_once_per_row_is_named_with_its_loops():
    nodes = pg_nodes({"Node Type": "Index Scan", "Relation Name": "script_executions",
                      "Index Name": "exec_script_started", "Actual Total Time": 0.05,
                      "Actual Rows": 1, "Actual Loops": 10_000})  # fmt: skip

    assert "× 10,000 loops" in nodes[0].describe()
    assert "ran 10,000 times" in pg_hint(nodes[0], nodes)


def test_statements_that_differ_only_in_literals_have_one_shape():
    one = "SELECT * FROM runs WHERE script_id = 17 AND day = '2026-11-30'"
    other = "SELECT *  FROM runs WHERE script_id = 4 AND day = '2026-11-29'"

    assert normalized(one) == normalized(other)
    assert normalized(one) != normalized("SELECT * FROM runs WHERE status = 'error'")
