"""Fixtures for retros tests: a team with one person in each role, and retro factories."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.db import job_session
from teamkit.retros import services
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.services import add_member


@dataclass
class Crew:
    """A team with an owner, a facilitator and a member."""

    team: Team
    owner: Person
    facilitator: Person
    member: Person


@pytest.fixture
def crew(app: Flask, make: Any) -> Crew:
    owner = make.person(name="Grace Hopper", email="grace@example.com")
    team = make.team(owner, slug="crew", name="Crew")
    facilitator = make.person(name="Alan Turing", email="alan@example.com")
    member = make.person(name="Ada Lovelace", email="ada@example.com")
    with app.app_context(), job_session(app) as session:
        found = session.get(Team, team.id)
        assert found is not None
        add_member(session, found, session.merge(facilitator), Role.FACILITATOR)
        add_member(session, found, session.merge(member), Role.MEMBER)
    return Crew(team, owner, facilitator, member)


def membership(session: Session, team: Team, person: Person) -> Membership:
    """Return `person`'s membership of `team`, in `session`."""
    return session.scalars(
        select(Membership).where(Membership.team_id == team.id, Membership.person_id == person.id)
    ).one()


@pytest.fixture
def as_member(session: Session, crew: Crew) -> Callable[..., Membership]:
    """Return the membership of a crew person (or of `team`) in the test's session."""

    def find(person: Person, team: Team | None = None) -> Membership:
        return membership(session, team or crew.team, person)

    return find


@pytest.fixture
def rows(app: Flask) -> Callable[[type[Any]], int]:
    """Return how many rows a model has, as committed (what a request wrote, or didn't)."""

    def count(model: type[Any]) -> int:
        with app.app_context(), job_session(app) as session:
            return session.scalar(select(func.count()).select_from(model)) or 0

    return count


@pytest.fixture
def add_retro(app: Flask, crew: Crew) -> Callable[..., int]:
    """Create a committed incident retro in the crew's team (by its owner); return its id."""

    def create(
        title: str = "Checkout down for 40 minutes",
        *,
        by: Person | None = None,
        team: Team | None = None,
        **fields: Any,
    ) -> int:
        with app.app_context(), job_session(app) as session:
            actor = membership(session, team or crew.team, by or crew.owner)
            return services.create_retro(session, actor, title=title, **fields).id

    return create
