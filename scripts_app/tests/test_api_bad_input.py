"""Bad input gets a 400 naming the field, and nothing is stored."""

import pytest

from scripts_app.models import Script, ScriptExecution

TOO_LARGE = 10**30


@pytest.fixture
def existing(make_script):
    return make_script(name="taken")


def rows() -> tuple[int, int]:
    return Script.objects.count(), ScriptExecution.objects.count()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "success"}, "script"),
        ({"script": 999_999, "status": "success"}, "script"),
        ({"script": TOO_LARGE, "status": "success"}, "script"),
        ({"script": "abc", "status": "success"}, "script"),
        ({"script": True, "status": "success"}, "script"),
        ({"script": "EXISTING", "status": "exploded"}, "status"),
        ({"script": "EXISTING"}, "status"),
        ({"script": "EXISTING", "status": "success", "started_at": "yesterday"}, "started_at"),
        ({"script": "EXISTING", "status": "success", "started_at": "2026-13-01T00:00:00"}, "started_at"),
        ({"script": "EXISTING", "status": "success", "completed_at": "not a date"}, "completed_at"),
        (
            {
                "script": "EXISTING",
                "status": "success",
                "started_at": "2026-11-26T10:00:00+09:00",
                "completed_at": "2026-11-26T09:59:59+09:00",
            },
            "completed_at",
        ),
        ({"script": "EXISTING", "status": "running", "completed_at": "2030-01-01T00:00:00Z"}, "completed_at"),
        ({"script": "EXISTING", "status": "error", "error_message": "bad\x00byte"}, "error_message"),
        (
            {"script": "EXISTING", "status": "success", "started_at": "9999-12-31T23:59:59-12:00"},
            "started_at",
        ),
    ],
)
def test_bad_executions_are_refused_naming_the_field(api, existing, payload, field):
    payload = {key: existing.pk if value == "EXISTING" else value for key, value in payload.items()}
    before = rows()
    response = api.post("/api/executions/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert rows() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({}, "name"),
        ({"name": "taken"}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "nul\x00name"}, "name"),
        ({"name": "ok", "description": "nul\x00"}, "description"),
        ({"name": "ok", "execution_order": 2**31}, "execution_order"),
        ({"name": "ok", "execution_order": "first"}, "execution_order"),
        ({"name": "ok", "active": "perhaps"}, "active"),
    ],
)
def test_bad_scripts_are_refused_naming_the_field(api, existing, payload, field):
    before = rows()
    response = api.post("/api/scripts/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert rows() == before


def test_a_name_of_exactly_200_characters_is_fine(api, db):
    assert api.post("/api/scripts/", {"name": "x" * 200}, format="json").status_code == 201


def test_renaming_onto_an_existing_name_is_refused(api, existing, make_script):
    other = make_script(name="other")
    response = api.patch(f"/api/scripts/{other.pk}/", {"name": "taken"}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    other.refresh_from_db()
    assert other.name == "other"


@pytest.mark.parametrize("body", ["{not json", '{"name": ', "\x00", '["a list"]'])
def test_malformed_json_is_a_400(api, db, body):
    before = rows()
    response = api.generic("POST", "/api/scripts/", body, content_type="application/json")
    assert response.status_code == 400
    assert rows() == before


def test_a_body_that_is_not_json_at_all_is_refused(api, db):
    response = api.generic("POST", "/api/scripts/", "name=plain", content_type="text/plain")
    assert response.status_code == 415
    assert not Script.objects.exists()


@pytest.mark.parametrize(
    "params",
    [
        {"date": "2026-02-30"},
        {"date": "26-11-2026"},
        {"date": "9999-12-31"},
        {"date": "\x00"},
        {"status": "exploded"},
        {"script": "abc"},
        {"script": str(TOO_LARGE)},
    ],
)
def test_bad_execution_filters_are_a_400_naming_the_filter(api, db, params):
    response = api.get("/api/executions/", params)
    assert response.status_code == 400
    assert set(params) <= set(response.json())


@pytest.mark.parametrize(
    "path", [f"/api/scripts/{TOO_LARGE}/", f"/api/executions/{TOO_LARGE}/", "/api/scripts/-1/"]
)
def test_ids_too_large_for_the_database_are_not_found(api, db, path):
    assert api.get(path).status_code == 404
    assert api.patch(path, {}, format="json").status_code == 404


@pytest.mark.parametrize("page", ["0", "abc", str(TOO_LARGE)])
def test_impossible_pages_are_not_found(api, db, page):
    assert api.get("/api/scripts/", {"page": page}).status_code == 404
