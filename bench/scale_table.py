"""The scale tables as `make bench` prints them with BENCH_SCALE=1 (Markdown, like bench/table.py).

One table per axis (each read at the large database ÷ the small one), the
throughput row, then the diagnosis of every read that missed: its statements
and the costliest node of their plans.
"""

from __future__ import annotations

from bench.scale_pages import over_sanity_line
from bench.table_cells import check
from bench.table_rollup import SHOWN

# workflow_project/settings.py's default CONN_MAX_AGE: the throughput row's verdict is taken there.
PRODUCT_CONN_MAX_AGE = 60


def render(context: dict, results: dict) -> str:
    lines = [
        f"Scale tables at commit {context['commit']}"
        + (" (BENCH_QUICK: tiny data, not a result)" if context["quick"] else ""),
        f"- local days in {context['time_zone']}; machine: {context['machine']['cpus']} CPUs, "
        f"{context['machine']['memory_gib']} GiB, Python {context['machine']['python']}; "
        f"load tool: {context['load_tool']}; run took {context['minutes']:.1f} min",
        "- each ratio is the median of per-round ratios; the two sides run in alternating rounds",
        *_seed_lines(results["seeds"]),
    ]
    for axis in results["axes"]:
        lines += ["", *_axis_table(axis)]
    lines += ["", *_throughput_table(results["throughput"])]
    lines += ["", *_diagnosis(results["axes"])]
    return "\n".join(lines)


def _seed_lines(seeds: dict) -> list[str]:
    lines = []
    for name, seed in seeds.items():
        how = "kept from an earlier run (seeded on" if seed["kept"] else "seeded now, on"
        parts = ", ".join(
            f"{key.removesuffix('_s')} {seed[key]:.0f} s"
            for key in ("migrate_s", "insert_s", "indexes_s", "rollup_s", "vacuum_s", "check_s")
            if key in seed
        )
        checked = "; ".join(line for line in seed.get("check", []))
        lines.append(
            f"- {name}: {how} {seed['day']} in {seed['seed_s']:.0f} s: {parts}"
            + (")" if seed["kept"] else "") + f"; refresh_stats --check exit 0: {checked}"
        )  # fmt: skip
    return lines


def _axis_table(axis: dict) -> list[str]:
    pages, rows = axis["pages"], axis["pages"]["rows"]
    large, small = rows["large"], rows["small"]
    lines = [
        f"**{axis['title']}** on {axis['database']}: large {large['scripts']:,} scripts, "
        f"{large['executions']:,} executions ({large['today']:,} today) over {large['days']} local days; "
        f"small {small['scripts']:,} scripts, {small['executions']:,} executions ({small['today']:,} today)",
        "",
        "| # | read | ms large | ms small | ratio | target | verdict | over 100 ms at large |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for page in pages["pages"]:
        met = check(page["ratio"], lambda r, target=page["target"]: r <= target)
        who = "session" if page["auth"] == "session" else "token"
        note = f" ({page['note']})" if page["note"] else ""
        lines.append(
            f"| {page['number']} | GET `{page['path'].format(**SHOWN)}`{note}, {who} "
            f"| {page['large_s'] * 1000:,.1f} | {page['small_s'] * 1000:,.1f} | {page['ratio']:.2f} "
            f"| ≤ {page['target']:.1f} | {'met' if met else 'MISSED'} "
            f"| {'OVER' if over_sanity_line(page['path'], page['large_s']) else '-'} |"
        )
    missed = [p["number"] for p in pages["pages"] if p["ratio"] > p["target"]]
    over = [p["number"] for p in pages["pages"] if over_sanity_line(p["path"], p["large_s"])]
    lines += ["", f"{len(missed)} of {len(pages['pages'])} rows missed ({', '.join(missed) or 'none'}); "
              f"over 100 ms at the large size: {', '.join(over) or 'none'}"]  # fmt: skip
    return lines


def _throughput_table(throughput: dict) -> list[str]:
    title = "**Throughput under `make serve`'s settings**"
    if "skipped" in throughput:
        return [f"{title}: skipped: {throughput['skipped']}"]
    lines = [
        f"{title} (gunicorn, workflow_project/gunicorn_conf.py, {throughput['workers']} sync workers per "
        f"server, no Redis; {throughput['clients']} clients on loopback ({throughput['load_tool']}), "
        f"{throughput['seconds']} s per measure and side, {throughput['rounds']} rounds; "
        "sync workers refuse keep-alive, so each request connects anew)",
        "",
        "| measure | CONN_MAX_AGE | PostgreSQL | SQLite | ratio PG ÷ SQLite | target | verdict |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    connect = throughput.get("connect_ms", {})
    if connect:
        lines.append(
            f"| one new connection, opened and closed (median) | - | {connect['postgresql']:.2f} ms "
            f"| {connect['sqlite']:.2f} ms | | | info |"
        )
    for age, measured in throughput["by_age"].items():
        default = age == str(PRODUCT_CONN_MAX_AGE)
        for key, label in (("runs", "runs recorded/s (POST running, PATCH success)"),
                           ("reads", "cached GET /api/dashboard/stats/s")):  # fmt: skip
            pg, lite = measured["postgresql"][key], measured["sqlite"][key]
            ratio = measured[f"{key}_ratio"]
            met = check(ratio, lambda r: r >= 0.8)
            verdict = {True: "met", False: "MISSED", None: "n/a"}[met] if default else "info"
            shown = "n/a" if ratio is None else f"{ratio:.2f}"
            lines.append(
                f"| {label} | {age}{' (default)' if default else ''} | {_median(pg):,.0f} "
                f"| {_median(lite):,.0f} | {shown} | {'≥ 0.80' if default else '-'} | {verdict} |"
            )
        for key, label in (("runs", "CPU per run recorded: web workers + PostgreSQL server"),
                           ("reads", "CPU per cached read: web workers + PostgreSQL server")):  # fmt: skip
            cells = [_cpu_cell(measured[side].get("cpu", {}).get(key)) for side in ("postgresql", "sqlite")]
            lines.append(f"| {label} | {age} | {cells[0]} | {cells[1]} | | | info |")
        errors = {side: measured[side]["errors"] for side in ("postgresql", "sqlite")}
        sources = {side: measured[side]["source"] for side in ("postgresql", "sqlite")}
        lines.append(f"| errors; source of a stats read after the load | {age} | {errors['postgresql']}; "
                     f"{sources['postgresql']} | {errors['sqlite']}; {sources['sqlite']} | | 0 | "
                     f"{'met' if not any(errors.values()) else 'MISSED'} |")  # fmt: skip
    return lines


def _cpu_cell(cpu: dict[str, float] | None) -> str:
    if not cpu or not cpu["done"]:
        return "n/a"
    web, database = (cpu[part] / cpu["done"] * 1000 for part in ("web", "database"))
    return f"{web:.2f} + {database:.2f} ms"


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _diagnosis(axes: list[dict]) -> list[str]:
    lines = ["**Diagnosis** (the large database of each axis; worst ratio first)"]
    for axis in axes:
        diagnosed = sorted(axis.get("diagnosis", []), key=lambda page: -page["ratio"])
        if not diagnosed:
            lines.append(f"- {axis['title']}: nothing missed")
            continue
        for page in diagnosed:
            lines.append(
                f"- {axis['title']}, {page['number']} `{page['url']}` ({page['ratio']:.1f}×, "
                f"{page['large_s'] * 1000:,.0f} ms): {page['queries']} statements, "
                f"{page['sql_s'] * 1000:,.0f} ms of SQL in a {page['page_s'] * 1000:,.0f} ms request"
            )
            answer = page["answer"]
            lines.append(
                f"  - answer: {answer['bytes']:,} bytes, {answer['rows']:,} table rows, "
                f"{answer['options']:,} <option>s"
                + (f"; busiest Python: {'; '.join(page['python'])}" if page["python"] else "")
            )
            for statement in page["statements"]:
                sql = " ".join(statement["sql"].split())
                runs = f"{statement['count']} × " if statement["count"] > 1 else ""
                shown = sql[:240] + ("…" if len(sql) > 240 else "")
                lines.append(f"  - {runs}{statement['seconds'] * 1000:,.1f} ms: `{shown}`")
                if "costly" in statement:
                    took = statement.get("execution_ms")
                    timed = f" ({took:,.1f} ms under EXPLAIN ANALYZE)" if took is not None else ""
                    lines.append(f"    - plan{timed}: {statement['costly']} [{statement['plan_file']}]")
                    lines.append(f"    - would be flat with: {statement['hint']}")
    return lines
