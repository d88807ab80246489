"""On PostgreSQL the server binds parameters and keeps the statements a connection repeats
prepared (DATABASE_PREPARED_STATEMENTS, on by default; off behind a pooler that cannot)."""

from __future__ import annotations

import pytest
from django.db import connection

from scripts_app.models import Script
from workflow_project.tests.conftest import settings_for

POSTGRES_URL = "postgres://someone@db.internal:5432/workflows"


def test_postgresql_connections_bind_on_the_server_and_prepare_what_repeats(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    options = settings_for(monkeypatch, DATABASE_URL=POSTGRES_URL)["DATABASES"]["default"]["OPTIONS"]
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5


def test_prepared_statements_can_be_switched_off_for_a_pooler(monkeypatch):
    settings = settings_for(monkeypatch, DATABASE_URL=POSTGRES_URL, DATABASE_PREPARED_STATEMENTS="0")
    options = settings["DATABASES"]["default"]["OPTIONS"]
    assert "server_side_binding" not in options and "prepare_threshold" not in options
    assert options["connect_timeout"] == 5  # the rest of the connection's options stay


def test_sqlite_has_no_such_options(monkeypatch, tmp_path):
    settings = settings_for(monkeypatch, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    options = settings["DATABASES"]["default"]["OPTIONS"]
    assert "server_side_binding" not in options and "prepare_threshold" not in options


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.mark.django_db
def test_the_cached_read_and_the_run_writes_are_prepared_after_five_uses(admin_client):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    script = Script.objects.create(name="nightly")
    for _ in range(6):
        assert admin_client.get("/api/dashboard/stats").status_code == 200
        created = admin_client.post(
            "/api/executions/", {"script": script.pk, "status": "running"}, content_type="application/json"
        )
        assert created.status_code == 201, created.content
        changed = admin_client.patch(
            f"/api/executions/{created.json()['id']}/", {"status": "success"}, content_type="application/json"
        )
        assert changed.status_code == 200, changed.content
    prepared = _prepared_statements()
    assert any('"stat_key"' in statement and "$1" in statement for statement in prepared), prepared
    assert any(statement.startswith('INSERT INTO "script_executions"') for statement in prepared), prepared
    assert any(statement.startswith('UPDATE "script_executions"') for statement in prepared), prepared
