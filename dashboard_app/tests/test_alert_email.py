"""The email channel against a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

from dashboard_app.alerts.channels import deliver
from dashboard_app.tests import receivers
from dashboard_app.tests.receivers import alert_event, free_port

smtp_receiver = receivers.smtp_receiver


def send(address: str = "ops@example.com", **event_fields):
    return deliver("email", address, "", alert_event(**event_fields), timeout=5.0)


def test_the_event_arrives_as_one_message_with_its_subject_and_text(smtp_receiver):
    outcome = send()

    assert (outcome.delivered, outcome.status, outcome.error) == (True, "SMTP 250", "")
    [mail] = smtp_receiver.messages
    assert mail.rcpt_tos == ["ops@example.com"]
    assert mail.mail_from == "alerts@workflow.example"
    assert mail.message["Subject"] == "nightly-backup is down"
    text = mail.message.get_content()
    assert "The run at 02:00 failed." in text and "disk full" in text
    assert mail.message["X-Workflow-Event-Id"] == "6f1c2a52-8e0b-4a8e-9d43-2f6a0c1b7e11"
    assert mail.message["Message-ID"] == "<6f1c2a52-8e0b-4a8e-9d43-2f6a0c1b7e11@workflow.example>"


def test_a_recovery_says_the_script_is_up_again(smtp_receiver):
    send(kind="up", script_state="up", reason="The run at 03:00 succeeded.")

    assert smtp_receiver.messages[0].message["Subject"] == "nightly-backup is up again"


def test_a_5xx_reply_to_the_message_is_recorded(smtp_receiver):
    smtp_receiver.reply_at_data = "554 5.7.1 Message rejected as spam"

    outcome = send()

    assert (outcome.delivered, outcome.status) == (False, "SMTP 554")
    assert "Message rejected as spam" in outcome.error
    assert smtp_receiver.messages == []


def test_a_4xx_reply_to_the_recipient_is_recorded(smtp_receiver):
    smtp_receiver.reply_at_rcpt = "450 4.2.1 Mailbox busy, try later"

    outcome = send()

    assert (outcome.delivered, outcome.status) == (False, "SMTP 450")
    assert "Mailbox busy" in outcome.error


def test_a_target_that_is_not_an_address_is_not_sent(smtp_receiver):
    outcome = send("not an address")

    assert (outcome.delivered, outcome.status) == (False, "")
    assert "not an email address" in outcome.error
    assert smtp_receiver.messages == []


def test_an_unreachable_mail_server_is_recorded(smtp_receiver, settings):
    settings.EMAIL_PORT = free_port()

    outcome = send()

    assert (outcome.delivered, outcome.status) == (False, "")
    assert "Could not reach the mail server" in outcome.error


def test_the_smtp_password_never_reaches_the_error(smtp_receiver, settings):
    # The test server offers no AUTH, so the login fails: the error must not quote the password.
    settings.EMAIL_HOST_USER = "alerts"
    settings.EMAIL_HOST_PASSWORD = "smtp-password-never-shown"

    outcome = send()

    assert not outcome.delivered and outcome.error
    assert "smtp-password-never-shown" not in outcome.error + outcome.status
