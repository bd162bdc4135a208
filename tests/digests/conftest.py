"""Fixtures for digests: a real SMTP server, a stand-in for Slack, and a team with goals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from servers import SlackStandIn, SmtpServer
from sqlalchemy import select

from teamkit.auth.models import Person
from teamkit.db import job_session
from teamkit.digests.services import SettingsChange, update_settings
from teamkit.goals import services as goal_services
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.services import add_member

#: A Monday morning.
MONDAY = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


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


@dataclass
class Crew:
    team: Team
    owner: Person
    facilitator: Person
    members: list[Person]

    @property
    def everyone(self) -> list[Person]:
        return [self.owner, self.facilitator, *self.members]


def membership_of(session: Any, team: Team, person: Person) -> Membership:
    return session.scalars(
        select(Membership).where(Membership.team_id == team.id, Membership.person_id == person.id)
    ).one()


def add_goals(app: Flask, team: Team, owner: Person, titles: list[str], **fields: Any) -> list[int]:
    """Create active goals in `team` (each with a slogan unless told), return their ids."""
    ids = []
    with app.app_context(), job_session(app) as session:
        actor = membership_of(session, team, owner)
        for title in titles:
            values = {"why": f"Because {title.lower()} matters.", "slogan": f"{title}!", **fields}
            ids.append(goal_services.create_goal(session, actor, title=title, **values).id)
    return ids


def configure_digest(app: Flask, team: Team, person: Person, **values: Any) -> None:
    """Change `team`'s digest settings as `person` (committed)."""
    allow = app.config["TEAMKIT"].get("WEBHOOK_ALLOW", ("https://hooks.slack.com/",))
    with app.app_context(), job_session(app) as session:
        actor = membership_of(session, team, person)
        update_settings(session, actor, SettingsChange.from_mapping(values), allow=allow)


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
