"""Accounts that don't give themselves away: forgot-password does the same work for any email."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from types import FrameType
from typing import Any

import pytest
from clients import Portal
from digests.servers import SmtpServer
from flask import Flask

import teamkit

TEAMKIT_CODE = teamkit.__file__.rsplit("/", 1)[0] + "/"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(app: Flask, smtp: SmtpServer) -> Flask:
    """The app, sending its mail to the test's SMTP server."""
    app.config["TEAMKIT"]["SMTP_URL"] = smtp.url
    app.config["TEAMKIT"]["MAIL_FROM"] = "teamkit <teamkit@teamkit.test>"
    return app


def wait_for(smtp: SmtpServer, address: str, count: int = 1) -> list[EmailMessage]:
    """Return the messages to `address` once `count` arrived."""
    for _ in range(200):
        found = smtp.box.to(address)
        if len(found) >= count:
            return found
        time.sleep(0.01)
    return smtp.box.to(address)


def work_of_asking_reset(app: Flask, email: str) -> tuple[list[str], list[str]]:
    """Return the teamkit functions the request thread called, in order, and the names of
    the threads it started, while asking for a reset link for `email`."""
    portal = Portal(app.test_client())
    token = portal.csrf_token("/password/forgot")
    calls: list[str] = []
    started: list[str] = []

    def trace(frame: FrameType, event: str, _arg: Any) -> None:
        code = frame.f_code
        if event == "call" and code.co_filename.startswith(TEAMKIT_CODE):
            calls.append(f"{code.co_filename.removeprefix(TEAMKIT_CODE)}:{code.co_name}")

    original_start = threading.Thread.start
    request_thread = threading.current_thread()

    def start(thread: threading.Thread) -> None:
        # teamkit's own threads: not the rate-limit store's expiry timer, nor the SMTP server's.
        if threading.current_thread() is request_thread and thread.name.startswith("teamkit"):
            started.append(thread.name)
        original_start(thread)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(threading.Thread, "start", start)
        sys.setprofile(trace)
        try:
            answer = portal.client.post(
                "/password/forgot", data={"email": email, "csrf_token": token}
            )
        finally:
            sys.setprofile(None)
    assert answer.status_code == 303
    return calls, started


def test_forgot_password_does_the_same_work_whether_or_not_the_email_has_an_account(
    mail_app: Flask, smtp: SmtpServer, make: Any
) -> None:
    make.person(email="ada@example.com")
    work_of_asking_reset(mail_app, "warm@example.com")  # first-request set-up, once
    known = work_of_asking_reset(mail_app, "ada@example.com")
    unknown = work_of_asking_reset(mail_app, "nobody@example.com")
    assert known == unknown
    assert known[1] == ["teamkit-account-mail"]
    # The thread still sends the link to the account, and nothing to the unknown address.
    [message] = wait_for(smtp, "ada@example.com")
    assert message["Subject"] == "Reset your teamkit password"
    assert "http://teamkit.test/password/reset/" in message.get_body().get_content()  # type: ignore[union-attr]
    assert smtp.box.to("nobody@example.com") == []
