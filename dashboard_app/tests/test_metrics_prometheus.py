"""A real Prometheus server scrapes /metrics from the live test server; its query API reads the values back.

Debian's /usr/bin/prometheus (`apt-get install prometheus`; .ci/run installs
it) runs on a free loopback port with a temporary storage folder and a
one-second scrape interval, and is stopped after the test.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import fresh_counts
from dashboard_app.api import prometheus as metrics
from scripts_app.models import Status

pytestmark = pytest.mark.django_db(transaction=True)

PROMETHEUS = "/usr/bin/prometheus"
TOKEN = "prometheus-test-scrape-token-0123456789"
WAIT_SECONDS = 60  # an upper bound on waiting for scrapes, not a measurement


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Prometheus:
    def __init__(self, url: str) -> None:
        self.url = url

    def query(self, expression: str) -> dict[str, float]:
        """An instant query: {a label set written as text: value}."""
        address = f"{self.url}/api/v1/query?{urllib.parse.urlencode({'query': expression})}"
        with urllib.request.urlopen(address, timeout=10) as response:
            body = json.load(response)
        assert body["status"] == "success", body
        return {
            ",".join(
                f"{k}={v}"
                for k, v in sorted(item["metric"].items())
                if k not in ("__name__", "job", "instance")
            ): float(item["value"][1])
            for item in body["data"]["result"]
        }

    def wait_for(self, expression: str, expected: float) -> float:
        """Query until the expression has the expected value, or the wait runs out; the last value."""
        deadline = time.monotonic() + WAIT_SECONDS
        last = None
        while time.monotonic() < deadline:
            values = self.query(expression)
            last = values.get("") if len(values) == 1 else values
            if last == expected:
                return last
            time.sleep(0.5)
        return last


@pytest.fixture
def prometheus(live_server, settings, tmp_path: Path) -> Iterator[Prometheus]:
    if not shutil.which(PROMETHEUS):
        pytest.skip(
            f"No Prometheus at {PROMETHEUS}: install Debian's package with `apt-get install prometheus`"
        )
    settings.METRICS_TOKEN = TOKEN
    target = urllib.parse.urlsplit(live_server.url).netloc
    config = tmp_path / "prometheus.yml"
    config.write_text(
        json.dumps(  # JSON is YAML
            {
                "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
                "scrape_configs": [
                    {
                        "job_name": "workflow",
                        "metrics_path": "/metrics",
                        "authorization": {"type": "Bearer", "credentials": TOKEN},
                        "static_configs": [{"targets": [target]}],
                    }
                ],
            }
        )
    )
    port = free_loopback_port()
    log = (tmp_path / "prometheus.log").open("w")
    process = subprocess.Popen(
        [
            PROMETHEUS,
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Prometheus(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            assert process.poll() is None, (tmp_path / "prometheus.log").read_text()
            try:
                urllib.request.urlopen(f"{server.url}/-/ready", timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "Prometheus did not become ready"
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_prometheus_scrapes_the_four_counters_with_the_token(prometheus, make_script, make_execution):
    alpha, beta = make_script(), make_script(active=False)
    make_execution(alpha, status=Status.ERROR)
    make_execution(beta, status=Status.SUCCESS)
    make_execution(beta, status=Status.RUNNING)
    expected = fresh_counts()

    assert prometheus.wait_for('up{job="workflow"}', 1.0) == 1.0
    for key, (name, _help) in metrics.GAUGES.items():
        assert prometheus.wait_for(name, float(expected[key])) == expected[key], name
    assert prometheus.query(metrics.RUNS_BY_STATUS) == {
        "status=running": 1.0,
        "status=success": 1.0,
        "status=error": 1.0,
        "status=cancelled": 0.0,
    }


def test_a_new_script_reaches_prometheus_at_the_next_scrape(prometheus, make_script):
    make_script()
    assert prometheus.wait_for("workflow_scripts", 1.0) == 1.0
    make_script(active=False)
    assert prometheus.wait_for("workflow_scripts", 2.0) == 2.0
    assert prometheus.wait_for("workflow_scripts_inactive", 1.0) == 1.0
