"""/api/scripts/ over the HTTP stack."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scripts_app.models import Script, Status


def test_create_then_retrieve_a_script(api):
    created = api.post("/api/scripts/", {"name": "nightly-backup", "execution_order": 2}, format="json")
    assert created.status_code == 201
    body = created.json()
    assert body["name"] == "nightly-backup"
    assert (body["active"], body["execution_order"], body["description"]) == (True, 2, "")
    assert body["last_execution"] is None
    assert api.get(f"/api/scripts/{body['id']}/").json()["name"] == "nightly-backup"


def test_update_and_partial_update(api, make_script):
    script = make_script(name="old")
    put = api.put(f"/api/scripts/{script.pk}/", {"name": "new", "description": "d"}, format="json")
    assert put.status_code == 200
    assert api.patch(f"/api/scripts/{script.pk}/", {"active": False}, format="json").json()["active"] is False
    script.refresh_from_db()
    assert (script.name, script.description, script.active) == ("new", "d", False)


def test_patching_active_false_moves_the_inactive_counter(api, make_script):
    script = make_script()
    assert api.get("/api/dashboard/stats").json()["data"]["inactive_scripts"] == 0
    api.patch(f"/api/scripts/{script.pk}/", {"active": False}, format="json")
    assert api.get("/api/dashboard/stats").json()["data"]["inactive_scripts"] == 1


def test_toggle_active_flips_and_returns_the_script(api, make_script):
    script = make_script()
    first = api.post(f"/api/scripts/{script.pk}/toggle-active/")
    assert (first.status_code, first.json()["active"]) == (200, False)
    assert api.get("/api/dashboard/stats").json()["data"]["inactive_scripts"] == 1
    assert api.post(f"/api/scripts/{script.pk}/toggle-active/").json()["active"] is True
    assert api.get("/api/dashboard/stats").json()["data"]["inactive_scripts"] == 0


def test_toggle_active_of_a_missing_script_is_404(api, db):
    assert api.post("/api/scripts/999/toggle-active/").status_code == 404


def test_delete_a_script_and_its_executions(api, make_execution):
    run = make_execution()
    assert api.delete(f"/api/scripts/{run.script_id}/").status_code == 204
    assert not Script.objects.exists()
    assert api.get("/api/dashboard/stats").json()["data"]["today_executions"] == 0


def test_each_script_carries_its_last_execution(api, make_script, make_execution):
    script = make_script()
    now = timezone.now()
    make_execution(script, status=Status.SUCCESS, started_at=now - timedelta(hours=2))
    make_execution(script, status=Status.ERROR, started_at=now - timedelta(hours=1))
    make_execution(script, status=Status.SUCCESS, started_at=now - timedelta(hours=3))
    last = api.get(f"/api/scripts/{script.pk}/").json()["last_execution"]
    assert last["status"] == "error"
    assert datetime.fromisoformat(last["started_at"]) == now - timedelta(hours=1)


def test_the_list_is_ordered_by_execution_order_then_id(api, make_script):
    late, early, tie = (
        make_script(execution_order=5),
        make_script(execution_order=1),
        make_script(execution_order=5),
    )
    ids = [item["id"] for item in api.get("/api/scripts/").json()["results"]]
    assert ids == [early.pk, late.pk, tie.pk]


def test_a_page_of_50_scripts_costs_a_fixed_number_of_queries(api, make_script, make_execution):
    for index in range(60):
        make_execution(make_script(execution_order=index), status=Status.ERROR)
    api.get("/api/scripts/")  # warm: token lookup caches nothing, but imports settle
    with CaptureQueriesContext(connection) as queries:
        body = api.get("/api/scripts/").json()
    assert len(body["results"]) == 50
    assert body["count"] == 60 and body["next"]
    assert all(item["last_execution"]["status"] == "error" for item in body["results"])
    assert len(queries) <= 3  # token + count + page (last run via subqueries)


def test_the_list_filters_by_active(api, make_script):
    make_script(active=False)
    make_script()
    assert api.get("/api/scripts/", {"active": "false"}).json()["count"] == 1


@pytest.mark.parametrize("page_size", [1, 2])
def test_page_size_can_be_chosen(api, make_script, page_size):
    for _ in range(3):
        make_script()
    assert len(api.get("/api/scripts/", {"page_size": page_size}).json()["results"]) == page_size
