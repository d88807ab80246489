"""/api/channels/ and /api/notifications/: CRUD with the secret write-only, targets checked,
bad input a 400 naming the field, a test sent for real, and who may do what."""

from __future__ import annotations

import pytest

from conftest import user_with
from dashboard_app.alerts.tables import Channel, Notification
from dashboard_app.tests import receivers

http_receiver = receivers.http_receiver

pytestmark = pytest.mark.django_db

SECRET = "whsec-api-never-shown-back"
APPRISE = "tgram://123456789:AAHsecretbottoken/987654321"
MANAGER_PERMISSIONS = [
    "view_channel", "add_channel", "change_channel", "delete_channel", "view_notification",
]  # fmt: skip


@pytest.fixture
def manager(db, api_client_for):
    return api_client_for(user_with("manager", *MANAGER_PERMISSIONS))


@pytest.fixture
def private_allowed(settings):
    settings.ALERTS_ALLOW_PRIVATE_ADDRESSES = True


def create(client, **fields):
    body = {"name": "ops", "kind": "webhook", "target": "https://alerts.example.com/hook", "events": ["down"]}
    return client.post("/api/channels/", {**body, **fields}, format="json")


def test_a_channel_is_created_and_its_secret_never_comes_back(manager, make_script):
    script = make_script()
    created = create(manager, secret=SECRET, scripts=[script.pk], events=["up", "down", "down"])

    assert created.status_code == 201, created.content
    assert created.json()["events"] == ["down", "up"] and created.json()["scripts"] == [script.pk]
    assert created.json()["has_secret"] is True and created.json()["failing"] is False
    assert "secret" not in created.json()
    for answer in (manager.get("/api/channels/"), manager.get(f"/api/channels/{created.json()['id']}/")):
        assert answer.status_code == 200 and SECRET not in answer.content.decode()
    assert Channel.objects.get().secret == SECRET


def test_an_update_without_the_secret_keeps_it(manager):
    channel_id = create(manager, secret=SECRET).json()["id"]

    changed = manager.patch(f"/api/channels/{channel_id}/", {"name": "pager"}, format="json")

    assert changed.status_code == 200 and changed.json()["name"] == "pager"
    assert Channel.objects.get().secret == SECRET


def test_an_apprise_url_is_shown_as_its_scheme_and_kept_when_sent_back(manager):
    created = create(manager, kind="apprise", target=APPRISE)
    assert created.status_code == 201, created.content
    assert created.json()["target"] == "tgram://…" and "AAHsecret" not in created.content.decode()

    sent_back = manager.put(f"/api/channels/{created.json()['id']}/", created.json(), format="json")

    assert sent_back.status_code == 200, sent_back.content
    assert Channel.objects.get().target == APPRISE


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"kind": "pager"}, "kind", "not a valid choice"),
        ({"kind": "email", "target": "not an address"}, "target", "not an email address"),
        ({"target": "ftp://example.com/x"}, "target", "Only http and https"),
        ({"target": "http://127.0.0.1:9/hook"}, "target", "loopback"),
        ({"target": "http://10.1.2.3/hook"}, "target", "private"),
        ({"events": []}, "events", "empty"),
        ({"events": ["late"]}, "events", "not a valid choice"),
        ({"scripts": [999999]}, "scripts", "does not exist"),
        ({"scripts": [2**70]}, "scripts", "does not exist"),
        ({"name": ""}, "name", "blank"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(manager, fields, field, says):
    answer = create(manager, **fields)

    assert answer.status_code == 400, answer.content
    assert says in str(answer.json()[field])
    assert not Channel.objects.exists()


def test_a_test_is_sent_to_a_real_receiver_and_logged(manager, http_receiver, private_allowed):
    channel_id = create(manager, target=http_receiver.url(), secret=SECRET).json()["id"]

    answer = manager.post(f"/api/channels/{channel_id}/test/")

    assert answer.status_code == 200
    assert (answer.json()["event"], answer.json()["status"], answer.json()["last_status"]) == (
        "test", "delivered", "HTTP 200",
    )  # fmt: skip
    assert http_receiver.requests[0].headers["X-Workflow-Event-Id"] == answer.json()["event_id"]
    log = manager.get("/api/notifications/", {"channel": channel_id}).json()
    assert [row["event"] for row in log["results"]] == ["test"]


def test_notifications_are_read_only_and_filtered(manager, make_script):
    channel = Channel.objects.create(name="ops", kind="webhook", target="https://alerts.example.com/h")
    script = make_script(name="backup")
    Notification.objects.create(channel=channel, script=script, event="down", status="failed", attempts=9)
    Notification.objects.create(channel=channel, script=script, event="up")

    failed = manager.get("/api/notifications/", {"status": "failed"}).json()["results"]

    assert [(r["event"], r["script_name"], r["attempts"]) for r in failed] == [("down", "backup", 9)]
    assert manager.post("/api/notifications/", {}, format="json").status_code in (403, 405)
    assert manager.get("/api/notifications/", {"status": "lost"}).status_code == 400
    for too_large in ({"script": 2**70}, {"channel": 2**70}, {"channel": "x"}):
        assert manager.get("/api/notifications/", too_large).status_code == 400


@pytest.mark.parametrize(
    ("permissions", "read", "create_status", "test_status", "delete_status"),
    [
        ([], 403, 403, 403, 403),
        (["view_channel"], 200, 403, 403, 403),
        (["view_channel", "add_channel", "change_channel"], 200, 201, 200, 403),
        (MANAGER_PERMISSIONS, 200, 201, 200, 204),
    ],
)
def test_only_users_with_the_permissions_manage_channels(
    api_client_for, http_receiver, private_allowed, permissions, read, create_status, test_status,
    delete_status,
):
    client = api_client_for(user_with("someone", *permissions))
    existing = Channel.objects.create(name="ops", kind="webhook", target=http_receiver.url())

    assert client.get("/api/channels/").status_code == read
    assert create(client, name="new").status_code == create_status
    assert client.post(f"/api/channels/{existing.pk}/test/").status_code == test_status
    assert client.delete(f"/api/channels/{existing.pk}/").status_code == delete_status
    may_read_the_log = "view_notification" in permissions
    assert client.get("/api/notifications/").status_code == (200 if may_read_the_log else 403)
