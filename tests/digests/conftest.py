"""Fixtures for digests: a real SMTP server, a stand-in for Slack, and a team with goals."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from crews import Crew, CrewPeople
from flask import Flask

from digests.servers import SlackStandIn, SmtpServer
from digests.support import add_goals


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    server = SlackStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def digest_app(app: Flask, smtp: SmtpServer, slack: SlackStandIn) -> Flask:
    """The app, sending mail to the test's SMTP server and allowed to post to its Slack."""
    settings = app.config["TEAMKIT"]
    settings["SMTP_URL"] = smtp.url
    settings["MAIL_FROM"] = "teamkit <digest@teamkit.test>"
    settings["WEBHOOK_ALLOW"] = ("https://hooks.slack.com/", slack.base)
    settings["DIGEST_RETRY_SECONDS"] = 60
    settings["DIGEST_MAX_ATTEMPTS"] = 3
    settings["DIGEST_LEASE_SECONDS"] = 300
    return app


@pytest.fixture
def crew_people() -> CrewPeople:
    return CrewPeople(
        owner=("Ada Owner", "ada@example.com"),
        facilitator=("Fay Facilitator", "fay@example.com"),
        members=(("Max Member", "max@example.com"), ("Mia Member", "mia@example.com")),
    )


@pytest.fixture
def crew(digest_app: Flask, crew: Crew) -> Crew:
    """The crew (tests/crews.py), with two members and three goals."""
    add_goals(
        digest_app, crew.team, crew.owner, ["Answer every customer", "Ship weekly", "Fewer pages"]
    )
    return crew
