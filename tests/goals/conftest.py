"""Fixtures for goal tests: a team with one person in each role, and a goal factory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.db import job_session
from teamkit.goals import services
from teamkit.goals.checkins import record_check_in
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
    owner = make.person(name="Olive Owner")
    team = make.team(owner, slug="crew", name="Crew")
    facilitator = make.person(name="Fay Facilitator")
    member = make.person(name="Max Member")
    # Not make.member twice: merging the same detached team again would orphan the first
    # new membership (Team.memberships deletes orphans).
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
def add_goal(app: Flask, crew: Crew) -> Callable[..., int]:
    """Create a committed goal in the crew's team (or `team`, by its owner); return its id."""

    def create(
        title: str = "Answer every customer within a day",
        *,
        team: Team | None = None,
        by: Person | None = None,
        check_ins: list[tuple[float | None, int, datetime | None]] = (),  # type: ignore[assignment]
        **fields: Any,
    ) -> int:
        fields.setdefault("why", "People who feel heard stay.")
        with app.app_context(), job_session(app) as session:
            actor = membership(session, team or crew.team, by or crew.owner)
            goal = services.create_goal(session, actor, title=title, **fields)
            for value, confidence, at in check_ins:
                record_check_in(session, actor, goal, value=value, confidence=confidence, at=at)
            return goal.id

    return create
