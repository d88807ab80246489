"""A Python client generated from the served schema (openapi-python-client) runs a runner's whole flow.

The generator works offline: it reads the schema file this test downloads
from the live server. The generated package is imported from a temporary
folder and talks to the live server over real HTTP with an API token.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from rest_framework.authtoken.models import Token

from scripts_app.dates import local_today

pytestmark = pytest.mark.django_db(transaction=True)

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "workflow_api_client"
MODULES = {
    "client": "client",
    "scripts_create": "api.scripts.scripts_create",
    "scripts_toggle_active": "api.scripts.scripts_toggle_active_create",
    "executions_create": "api.executions.executions_create",
    "executions_partial_update": "api.executions.executions_partial_update",
    "executions_list": "api.executions.executions_list",
    "stats": "api.dashboard.dashboard_stats_retrieve",
    "models": "models",
}


@pytest.fixture
def generated(live_server, tmp_path) -> Iterator[SimpleNamespace]:
    with urllib.request.urlopen(f"{live_server.url}/api/schema/", timeout=30) as response:
        (tmp_path / "schema.yaml").write_bytes(response.read())
    # No post-hooks: formatting the generated code is not what is tested.
    (tmp_path / "config.json").write_text(json.dumps({"package_name_override": PACKAGE, "post_hooks": []}))
    done = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(tmp_path / "schema.yaml"), "--meta", "none",
         "--output-path", str(tmp_path / PACKAGE), "--config", str(tmp_path / "config.json")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield SimpleNamespace(
            **{name: importlib.import_module(f"{PACKAGE}.{module}") for name, module in MODULES.items()}
        )
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture
def api_client(generated, live_server, admin_user):
    token = Token.objects.get_or_create(user=admin_user)[0].key
    return generated.client.AuthenticatedClient(
        base_url=live_server.url, token=token, prefix="Token", raise_on_unexpected_status=True
    )


def test_every_operation_of_the_schema_is_generated_and_imports(generated, tmp_path):
    schema = yaml.safe_load((tmp_path / "schema.yaml").read_text())
    operation_ids = {
        operation["operationId"] for path in schema["paths"].values() for operation in path.values()
    }
    generated_modules = {
        path.parent.name + "." + path.stem
        for path in (tmp_path / PACKAGE / "api").glob("*/*.py")
        if path.stem != "__init__"
    }
    assert {name.split(".")[1] for name in generated_modules} == operation_ids
    for name in generated_modules:
        importlib.import_module(f"{PACKAGE}.api.{name}")


def test_a_runner_written_with_the_generated_client_works(generated, api_client):
    m = generated.models
    script = generated.scripts_create.sync(
        client=api_client, body=m.ScriptRequest(name="nightly-backup", description="Copies the database.")
    )
    assert (script.name, script.description, script.active, script.last_execution) == (
        "nightly-backup",
        "Copies the database.",
        True,
        None,
    )

    run = generated.executions_create.sync(
        client=api_client, body=m.ExecutionRequest(script=script.id, status=m.ExecutionStatusEnum.RUNNING)
    )
    assert (run.script, run.script_name, run.status) == (
        script.id,
        "nightly-backup",
        m.ExecutionStatusEnum.RUNNING,
    )
    assert (run.completed_at, run.duration_ms) == (None, None)
    assert isinstance(run.started_at, datetime) and run.started_at.tzinfo is not None

    ended = generated.executions_partial_update.sync(
        client=api_client,
        id=run.id,
        body=m.PatchedExecutionRequest(status=m.ExecutionStatusEnum.ERROR, error_message="exit 3"),
    )
    assert (ended.id, ended.status, ended.error_message) == (run.id, m.ExecutionStatusEnum.ERROR, "exit 3")
    assert ended.completed_at >= ended.started_at and ended.duration_ms >= 0

    failed_today = generated.executions_list.sync(
        client=api_client, date=local_today(), status=m.ExecutionsListStatus.ERROR
    )
    assert failed_today.count == 1 and [item.id for item in failed_today.results] == [run.id]
    succeeded_today = generated.executions_list.sync(
        client=api_client, date=local_today(), status=m.ExecutionsListStatus.SUCCESS
    )
    assert succeeded_today.count == 0 and succeeded_today.results == []

    toggled = generated.scripts_toggle_active.sync(client=api_client, id=script.id)
    assert (toggled.id, toggled.active) == (script.id, False)
    assert toggled.last_execution.status == m.ExecutionStatusEnum.ERROR

    stats = generated.stats.sync(client=api_client)
    assert stats.success is True
    assert stats.data.to_dict() == {
        "total_scripts": 1,
        "today_executions": 1,
        "today_failed_scripts": 1,
        "inactive_scripts": 1,
    }
    assert stats.meta.date == local_today()
    assert stats.meta.source in (m.StatsSourceEnum.CACHE, m.StatsSourceEnum.LIVE)


def test_the_generated_client_can_poll_with_if_none_match(generated, api_client, make_script):
    make_script()
    generated.stats.sync_detailed(client=api_client)  # stores the counters
    cached = generated.stats.sync_detailed(client=api_client)
    assert cached.status_code == 200 and cached.parsed.meta.source == generated.models.StatsSourceEnum.CACHE
    again = generated.stats.sync_detailed(client=api_client, if_none_match=cached.headers["ETag"])
    assert again.status_code == 304 and again.parsed is None
