"""Fixtures for digests: a real SMTP server, a stand-in for Slack, and a team with goals."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from digests.servers import SlackStandIn, SmtpServer
from digests.support import Crew, add_goals
from teamkit.auth.models import Person
from teamkit.db import job_session
from teamkit.teams.models import Role, Team
from teamkit.teams.services import add_member


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
def crew(digest_app: Flask, make: Any) -> Crew:
    """A team with an owner, a facilitator and two members, and three goals."""
    owner = make.person(name="Ada Owner", email="ada@example.com")
    team = make.team(owner, slug="crew", name="Crew")
    facilitator = make.person(name="Fay Facilitator", email="fay@example.com")
    members = [
        make.person(name="Max Member", email="max@example.com"),
        make.person(name="Mia Member", email="mia@example.com"),
    ]
    with digest_app.app_context(), job_session(digest_app) as session:
        found = session.get(Team, team.id)
        add_member(session, found, session.get(Person, facilitator.id), Role.FACILITATOR)
        for member in members:
            add_member(session, found, session.get(Person, member.id), Role.MEMBER)
    add_goals(digest_app, team, owner, ["Answer every customer", "Ship weekly", "Fewer pages"])
    return Crew(team, owner, facilitator, members)
