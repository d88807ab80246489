"""The dashboard in the Prometheus exposition format, read at scrape time.

A custom collector asks dashboard_app.counters.stats for the cached counters on every
scrape and keeps nothing in process memory, so under gunicorn every worker
answers alike and no multiprocess directory is needed. Names follow the
Prometheus conventions: gauges (no `_total`), base units in the name.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from dashboard_app.counters import stats
from scripts_app import history
from scripts_app.monitoring.attention import scripts_per_state

# Counter key -> (metric name, help text).
GAUGES: dict[str, tuple[str, str]] = {
    stats.TOTAL_SCRIPTS: ("workflow_scripts", "Scripts registered."),
    stats.TODAY_EXECUTIONS: (
        "workflow_executions_today",
        "Executions started on today's local date (TIME_ZONE), any status.",
    ),
    stats.TODAY_FAILED_SCRIPTS: (
        "workflow_scripts_failed_today",
        "Distinct scripts with at least one error execution started today.",
    ),
    stats.INACTIVE_SCRIPTS: ("workflow_scripts_inactive", "Scripts switched off (active = false)."),
}
RUNS_BY_STATUS = "workflow_executions_today_by_status"
SCRIPTS_BY_STATE = "workflow_scripts_by_state"
COMPUTED_AT = "workflow_dashboard_computed_timestamp_seconds"
FROM_CACHE = "workflow_dashboard_served_from_cache"


class DashboardCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        current = stats.get_stats()
        for key, (name, documentation) in GAUGES.items():
            yield GaugeMetricFamily(name, documentation, value=current.values[key])
        by_status = GaugeMetricFamily(
            RUNS_BY_STATUS, "Executions started on today's local date, per status.", labels=["status"]
        )
        for status, runs in history.runs_on(current.day).items():
            by_status.add_metric([status], runs)
        yield by_status
        by_state = GaugeMetricFamily(
            SCRIPTS_BY_STATE, "Scripts per state (new, up, late, down, paused).", labels=["state"]
        )
        for state, scripts in scripts_per_state().items():
            by_state.add_metric([state], scripts)
        yield by_state
        yield GaugeMetricFamily(
            COMPUTED_AT,
            "When the counters above were computed from the tables (Unix time).",
            value=current.computed_at.timestamp(),
            unit="seconds",
        )
        yield GaugeMetricFamily(
            FROM_CACHE,
            "1 when the counters came from the cache, 0 when this scrape recomputed them.",
            value=1 if current.source == "cache" else 0,
        )


# A registry of our own: the default one would add this process's own
# metrics, which differ from worker to worker.
REGISTRY = CollectorRegistry(auto_describe=False)
REGISTRY.register(DashboardCollector())


def exposition(accept: str | None) -> tuple[bytes, str]:
    """The metrics in the format the scraper asked for (OpenMetrics or Prometheus text)."""
    encoder, content_type = choose_encoder(accept or "")
    return encoder(REGISTRY), content_type
