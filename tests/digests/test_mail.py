"""teamkit.mail, the helper any capability sends mail with (digests now; invites later)."""

from __future__ import annotations

import socket

import pytest

from teamkit.mail import (
    MailError,
    MailNotConfigured,
    SmtpServer,
    check_smtp_url,
    is_configured,
    parse_smtp_url,
    send_mail,
)


def test_send_mail_sends_text_and_html_from_the_configured_sender(digest_app, smtp):
    send_mail(digest_app, "ada@example.com", "Hello", "Plain words.", "<p>Rich words.</p>")
    (message,) = smtp.box.messages
    assert message["To"] == "ada@example.com" and message["Subject"] == "Hello"
    assert message["From"] == "teamkit <digest@teamkit.test>"
    assert message.get_body(("plain",)).get_content().strip() == "Plain words."
    assert "<p>Rich words.</p>" in message.get_body(("html",)).get_content()


def test_send_mail_without_a_mail_server_says_so(digest_app):
    digest_app.config["TEAMKIT"]["SMTP_URL"] = ""
    assert not is_configured(digest_app)
    with pytest.raises(MailNotConfigured):
        send_mail(digest_app, "ada@example.com", "Hello", "Words.")


def test_a_refused_mailbox_is_a_permanent_error_for_that_recipient(digest_app, smtp):
    smtp.box.refuse.add("nobody@example.com")
    with pytest.raises(MailError) as refused:
        send_mail(digest_app, "nobody@example.com", "Hello", "Words.")
    assert refused.value.permanent and refused.value.recipient_only


def test_an_unreachable_server_is_worth_trying_again(digest_app):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    digest_app.config["TEAMKIT"]["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    with pytest.raises(MailError) as failed:
        send_mail(digest_app, "ada@example.com", "Hello", "Words.")
    assert not failed.value.permanent


@pytest.mark.parametrize(
    ("url", "server"),
    [
        ("smtp://mail.internal", SmtpServer("mail.internal", 25, "plain")),
        (
            "smtp+starttls://me%40corp:p%40ss@mail.corp:2587",
            SmtpServer("mail.corp", 2587, "starttls", "me@corp", "p@ss"),
        ),
        ("smtps://u:p@mail.corp", SmtpServer("mail.corp", 465, "tls", "u", "p")),
    ],
)
def test_smtp_urls_name_host_port_security_and_login(url, server):
    assert parse_smtp_url(url) == server


@pytest.mark.parametrize("url", ["http://mail", "smtp://", "smtp://host:99999", "mail.corp"])
def test_a_bad_smtp_url_is_refused(url):
    with pytest.raises(ValueError):
        check_smtp_url(url)
