"""The alerts' pages and admin: add, edit, delete a channel, send a test, read the log; a
channel that keeps failing is marked; secrets appear on no page, in no API answer, in no log
line; only users with the permissions manage channels."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import Permission

from conftest import user_with
from dashboard_app.alerts import sender
from dashboard_app.alerts.tables import Channel, Notification
from dashboard_app.tests import receivers
from dashboard_app.tests.receivers import free_port
from scripts_app.models import ScriptExecution, Status

http_receiver = receivers.http_receiver

pytestmark = pytest.mark.django_db

SECRET = "whsec-pages-never-shown-back"
APPRISE_TOKEN = "AAHsecretbottokenforpages"
APPRISE = f"tgram://123456789:{APPRISE_TOKEN}/987654321"
SMTP_PASSWORD = "smtp-password-never-on-a-page"


@pytest.fixture
def private_allowed(settings):
    settings.ALERTS_ALLOW_PRIVATE_ADDRESSES = True


def new_channel(client, **fields):
    form = {"name": "ops", "kind": "webhook", "target": "https://alerts.example.com/hook", "events": ["down"]}
    return client.post("/channels/new/", {**form, **fields})


def test_a_channel_is_added_edited_and_deleted_from_the_pages(admin_client, make_script):
    script = make_script(name="backup")
    added = new_channel(admin_client, secret=SECRET, events=["down", "up"], scripts=[script.pk])
    assert added.status_code == 302, added.content
    channel = Channel.objects.get()
    assert (channel.secret, channel.events, list(channel.scripts.all())) == (SECRET, ["down", "up"], [script])

    edit_page = admin_client.get(f"/channels/{channel.pk}/edit/").content.decode()
    assert SECRET not in edit_page and "A secret is saved" in edit_page
    edited = admin_client.post(f"/channels/{channel.pk}/edit/", {
        "name": "pager", "kind": "webhook", "target": channel.target, "events": ["down"], "secret": "",
    })  # fmt: skip
    assert edited.status_code == 302
    channel.refresh_from_db()
    assert (channel.name, channel.secret) == ("pager", SECRET)  # an empty secret keeps the saved one

    assert admin_client.post(f"/channels/{channel.pk}/delete/").status_code == 302
    assert not Channel.objects.exists()


def test_a_target_on_a_loopback_address_is_refused_with_the_reason(admin_client):
    answer = new_channel(admin_client, target="http://127.0.0.1:8000/hook")

    assert answer.status_code == 200
    assert "loopback" in answer.content.decode() and not Channel.objects.exists()


def test_send_a_test_reports_the_answer_and_logs_it(admin_client, http_receiver, private_allowed):
    channel = Channel.objects.create(name="ops", kind="webhook", target=http_receiver.url())

    page = admin_client.post(f"/channels/{channel.pk}/test/", follow=True).content.decode()

    assert "Test sent to “ops” (HTTP 200)" in page
    assert len(http_receiver.requests) == 1
    log = admin_client.get("/notifications/").content.decode()
    assert 'data-status="delivered"' in log and "HTTP 200" in log


def test_a_channel_whose_last_three_deliveries_failed_is_marked_failing(
    admin_client, http_receiver, private_allowed
):
    channel = Channel.objects.create(name="ops", kind="webhook", target=http_receiver.url())
    http_receiver.fail(3)
    for _ in range(3):
        sender.send_test(channel)
    assert "data-failing" in admin_client.get("/channels/").content.decode()

    sender.send_test(channel)  # a 200 again

    assert "data-failing" not in admin_client.get("/channels/").content.decode()


def test_the_log_filters_by_channel_and_status(admin_client, make_script):
    ops = Channel.objects.create(name="ops", kind="email", target="ops@example.com")
    other = Channel.objects.create(name="other", kind="email", target="other@example.com")
    script = make_script()
    Notification.objects.create(
        channel=ops, script=script, event="down", status="failed", last_error="HTTP 500"
    )
    Notification.objects.create(channel=other, script=script, event="down")

    page = admin_client.get("/notifications/", {"channel": ops.pk, "status": "failed"}).content.decode()

    assert page.count("data-notification=") == 1 and "HTTP 500" in page
    assert admin_client.get("/notifications/", {"channel": "x" * 40, "page": "-1"}).status_code == 200


@pytest.mark.parametrize("path", ["/channels/", "/channels/new/", "/notifications/"])
def test_pages_need_the_permissions(client, path, db):
    user = user_with("nobody")
    client.force_login(user)
    assert client.get(path).status_code == 403
    user.user_permissions.set(Permission.objects.filter(
        codename__in=["view_channel", "add_channel", "view_notification"]
    ))  # fmt: skip
    assert client.get(path).status_code == 200


def test_the_admin_lists_and_edits_channels_without_showing_secrets(admin_client):
    channel = Channel.objects.create(
        name="ops", kind="webhook", target="https://a.example.com/h", secret=SECRET
    )
    chat = Channel.objects.create(name="chat", kind="apprise", target=APPRISE)

    pages = [
        admin_client.get("/admin/dashboard_app/channel/"),
        admin_client.get(f"/admin/dashboard_app/channel/{channel.pk}/change/"),
        admin_client.get(f"/admin/dashboard_app/channel/{chat.pk}/change/"),
        admin_client.get("/admin/dashboard_app/channel/add/"),
        admin_client.get("/admin/dashboard_app/notification/"),
    ]

    for page in pages:
        assert page.status_code == 200
        assert SECRET not in page.content.decode() and APPRISE_TOKEN not in page.content.decode()


def test_secrets_are_on_no_page_no_api_answer_and_no_log_line(
    admin_client, http_receiver, private_allowed, make_script, settings, caplog
):
    settings.EMAIL_HOST_PASSWORD = SMTP_PASSWORD
    hook = Channel.objects.create(name="hook", kind="webhook", target=http_receiver.url(), secret=SECRET)
    # An apprise URL with a password, to a port nobody listens on: its failure is logged.
    unreachable = f"json://alerts:{APPRISE_TOKEN}@127.0.0.1:{free_port()}/hook"
    Channel.objects.create(name="chat", kind="apprise", target=unreachable)
    http_receiver.fail(1)
    with caplog.at_level(logging.DEBUG):
        ScriptExecution.objects.create(script=make_script(), status=Status.ERROR, error_message="boom")
        sender.send_due(timeout=2)
        sender.send_test(hook)
        answers = [admin_client.get(path) for path in (
            "/channels/", f"/channels/{hook.pk}/edit/", "/notifications/", "/api/channels/",
            f"/api/channels/{hook.pk}/", "/api/notifications/", "/admin/dashboard_app/notification/",
        )]  # fmt: skip

    assert Notification.objects.filter(channel__name="chat").exclude(last_error="").exists()
    shown = [answer.content.decode() for answer in answers]
    shown += [record.getMessage() for record in caplog.records]
    shown += [str(value) for value in Notification.objects.values_list("last_error", "last_status")]
    for secret in (SECRET, APPRISE_TOKEN, SMTP_PASSWORD):
        assert not [text for text in shown if secret in text], secret
