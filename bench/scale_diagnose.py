"""Why a page is not flat: the SQL it runs at the large size, and the plan of its slowest statements.

`python -m bench.scale_diagnose OUT.json`, run by bench/scale.py with
BENCH_DB on an axis's large database and BENCH_SCALE_PAGES naming a JSON file
of the pages that missed their target or the sanity line ({"number", "path",
"auth"}). For each page,
in this process (a test client signed in as the bench user, or sending its
token), a first request warms up and a second runs inside
CaptureQueriesContext. Its statements are grouped by shape (literals taken
out: one statement per row shows as one shape run N times); the slowest
shapes are explained: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL (the
statement runs again), EXPLAIN QUERY PLAN on SQLite. Each plan is written in
full beside OUT (diagnosis-<page>-<n>.txt), and OUT holds the costliest node.
When SQL is less than half of the request, the time is Python's (forms,
templates, serializers drawing every row): a third request runs under
cProfile, and OUT holds its busiest functions, the size of the answer and how
many rows and <option>s it draws.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import re
import sys
import time
import warnings
from pathlib import Path

import django

from bench import scale_plans


def explain_pg(cursor, statement: str) -> tuple[list, str]:
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement)
    as_json = cursor.fetchone()[0]
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
    return as_json, "\n".join(row[0] for row in cursor.fetchall())


def explain_sqlite(cursor, statement: str) -> list[str]:
    cursor.execute("EXPLAIN QUERY PLAN " + statement)
    return [f"{'  ' * (parent and 1)}{detail}" for _, parent, _, detail in cursor.fetchall()]


def diagnose_page(client, page: dict, values: dict, *, explained: int, out_dir: Path) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = page["path"].format(**values)
    extra = {"HTTP_AUTHORIZATION": f"Token {values['token']}"} if page["auth"] == "token" else {}
    client.get(path, **extra)  # warm: imports, templates, the database's pages
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(path, **extra)
        page_s = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    shapes = statement_shapes(connection, captured.captured_queries)
    statements = []
    for number, shape in enumerate(shapes[:explained], start=1):
        entry = dict(shape)
        if readable(shape["sql"]):
            entry |= _explain(
                connection, readable(shape["sql"]), out_dir / f"diagnosis-{page['number']}-{number}.txt"
            )
        statements.append(entry)
    sql_s = sum(shape["seconds"] for shape in shapes)
    body = response.content
    return {
        **page,
        "url": path,
        "page_s": page_s,
        "queries": len(captured.captured_queries),
        "sql_s": sql_s,
        "statements": statements,
        "answer": {"bytes": len(body), "rows": body.count(b"<tr"), "options": body.count(b"<option")},
        "python": busiest_functions(client, path, extra) if sql_s < page_s / 2 else [],
    }


DECLARED = re.compile(r"^\s*DECLARE\s+\S+\s+.*?CURSOR\s+WITH(?:OUT)?\s+HOLD\s+FOR\s+", re.I | re.S)


def readable(statement: str) -> str | None:
    """The SELECT a captured statement runs (a server-side cursor's DECLARE unwrapped);
    None for anything that writes or is not a query."""
    statement = DECLARED.sub("", statement)
    return statement if statement.lstrip().upper().startswith(("SELECT", "WITH")) else None


def statement_shapes(connection, captured: list[dict]) -> list[dict]:
    """The page's statements grouped by shape, costliest first. Each SELECT is run again to the
    last row and timed: SQLite does a query's work while its rows are fetched, which the
    captured time (the execute call) leaves out, and a server-side cursor's rows come later too."""
    shapes: dict[str, dict] = {}
    for query in captured:
        seconds = float(query["time"])
        statement = readable(query["sql"])
        if statement is not None:
            with connection.cursor() as cursor:
                started = time.perf_counter()
                cursor.execute(statement)
                cursor.fetchall()
                seconds = max(seconds, time.perf_counter() - started)
        shape = shapes.setdefault(
            scale_plans.normalized(query["sql"]), {"count": 0, "seconds": 0.0, "slowest": 0.0, "sql": ""}
        )
        shape["count"] += 1
        shape["seconds"] += seconds
        if seconds >= shape["slowest"]:
            shape["slowest"], shape["sql"] = seconds, query["sql"]
    return sorted(shapes.values(), key=lambda shape: shape["seconds"], reverse=True)


def busiest_functions(client, path: str, extra: dict, *, shown: int = 5) -> list[str]:
    """The functions one request spends most in (own time), with how often each was called."""
    profile = cProfile.Profile()
    profile.runcall(client.get, path, **extra)
    stats = pstats.Stats(profile).stats
    ranked = sorted(stats.items(), key=lambda item: item[1][2], reverse=True)[:shown]
    return [
        f"{Path(file).parent.name}/{Path(file).name}:{name} {calls:,} calls, {own * 1000:,.0f} ms"
        for (file, _, name), (calls, _, own, _, _) in ranked
    ]


def _explain(connection, statement: str, plan_file: Path) -> dict:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            as_json, text = explain_pg(cursor, statement)
            plan = as_json[0]
            nodes = scale_plans.pg_nodes(plan["Plan"])
            costly = scale_plans.costliest(nodes)
            plan_file.write_text(f"{statement}\n\n{text}\n")
            jit = scale_plans.jit_ms(plan)
            execution_ms = plan.get("Execution Time") or 0.0
            found = {
                "plan_file": plan_file.name,
                "execution_ms": execution_ms,
                "costly": costly.describe() if costly else "",
                "hint": scale_plans.pg_hint(costly, nodes) if costly else "",
            }
            if jit and jit > execution_ms / 3:  # compiling the plan costs more than running it
                found["costly"] = (
                    f"JIT compilation {jit:,.0f} ms of {execution_ms:,.0f} ms (estimated cost "
                    f"{plan['Plan'].get('Total Cost', 0):,.0f}, over jit_above_cost); then {found['costly']}"
                )
                found["hint"] = scale_plans.JIT_HINT + "; then " + found["hint"]
            return found
        lines = explain_sqlite(cursor, statement)
        plan_file.write_text(statement + "\n\n" + "\n".join(lines) + "\n")
        return {
            "plan_file": plan_file.name,
            "costly": " | ".join(line.strip() for line in lines if scale_plans.SQLITE_GROWS.search(line))
            or " | ".join(line.strip() for line in lines),
            "hint": scale_plans.sqlite_hint(lines),
        }


def main(out_path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic here

    from django.test import Client

    from bench import dataset
    from bench.pages import path_values
    from bench.scale_sizes import from_env
    from scripts_app.dates import local_today

    pages = json.loads(Path(os.environ["BENCH_SCALE_PAGES"]).read_text())
    out_dir = Path(out_path).parent
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(dataset.bench_user())
    values = {**path_values(local_today()), "token": dataset.bench_token()}
    explained = from_env().explained_per_page
    result = [diagnose_page(client, page, values, explained=explained, out_dir=out_dir) for page in pages]
    Path(out_path).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main(sys.argv[1])
