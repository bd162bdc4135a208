"""A crew: one team with a person in each role, made once for every capability's tests.

The `crew` fixture (tests/conftest.py) makes it from `crew_people`, which a test folder
overrides to give its crew the names its tests read (tests/retros/conftest.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.db import job_session
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.services import add_member

#: A person's name and email; None lets the factory choose.
Someone = tuple[str | None, str | None]


@dataclass(frozen=True)
class CrewPeople:
    """Who is in a crew: an owner, a facilitator, and one or more members."""

    owner: Someone
    facilitator: Someone
    members: tuple[Someone, ...]


@dataclass
class Crew:
    """A team with an owner, a facilitator and its members."""

    team: Team
    owner: Person
    facilitator: Person
    members: list[Person]

    @property
    def member(self) -> Person:
        """The first member (most tests need one)."""
        return self.members[0]

    @property
    def everyone(self) -> list[Person]:
        return [self.owner, self.facilitator, *self.members]


def make_crew(app: Flask, make: Any, people: CrewPeople) -> Crew:
    """Make the team "crew" (committed), its owner first, then the others in their roles."""
    owner = make.person(*people.owner)
    team = make.team(owner, slug="crew", name="Crew")
    facilitator = make.person(*people.facilitator)
    members = [make.person(*someone) for someone in people.members]
    # Not make.member for each: merging the same detached team again would orphan the first
    # new membership (Team.memberships deletes orphans).
    with app.app_context(), job_session(app) as session:
        found = session.get(Team, team.id)
        assert found is not None
        add_member(session, found, session.merge(facilitator), Role.FACILITATOR)
        for member in members:
            add_member(session, found, session.merge(member), Role.MEMBER)
    return Crew(team, owner, facilitator, members)


def membership(session: Session, team: Team, person: Person) -> Membership:
    """Return `person`'s membership of `team`, in `session`."""
    return session.scalars(
        select(Membership).where(Membership.team_id == team.id, Membership.person_id == person.id)
    ).one()
