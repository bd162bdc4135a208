"""Fixtures for board tests: a team with one person in each role, and boards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from residue import pageinspect  # noqa: F401 (a fixture of the residue tests)
from sqlalchemy import func, select

from teamkit.auth.models import Person
from teamkit.boards import services
from teamkit.boards.models import Phase
from teamkit.db import job_session
from teamkit.retros import services as retro_services
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.services import add_member


@dataclass
class Crew:
    """A team with an owner, a facilitator and two members."""

    team: Team
    owner: Person
    facilitator: Person
    member: Person
    other: Person


@pytest.fixture
def crew(app: Flask, make: Any) -> Crew:
    owner = make.person(name="Grace Hopper", email="grace@example.com")
    team = make.team(owner, slug="crew", name="Crew")
    facilitator = make.person(name="Alan Turing", email="alan@example.com")
    member = make.person(name="Ada Lovelace", email="ada@example.com")
    other = make.person(name="Edsger Dijkstra", email="edsger@example.com")
    with app.app_context(), job_session(app) as session:
        found = session.get(Team, team.id)
        assert found is not None
        add_member(session, found, session.merge(facilitator), Role.FACILITATOR)
        add_member(session, found, session.merge(member), Role.MEMBER)
        add_member(session, found, session.merge(other), Role.MEMBER)
    return Crew(team, owner, facilitator, member, other)


def membership(session: Any, team: Team, person: Person) -> Membership:
    return session.scalars(
        select(Membership).where(Membership.team_id == team.id, Membership.person_id == person.id)
    ).one()


@pytest.fixture
def rows(app: Flask) -> Callable[[type[Any]], int]:
    """Return how many rows a model has, as committed."""

    def count(model: type[Any]) -> int:
        with app.app_context(), job_session(app) as session:
            return session.scalar(select(func.count()).select_from(model)) or 0

    return count


@pytest.fixture
def add_board(app: Flask, crew: Crew) -> Callable[..., int]:
    """Create a committed board (by the facilitator) in `phase`; return its retro id."""

    def create(
        format: str = "start-stop-continue",
        *,
        phase: Phase = Phase.WRITE,
        anonymous: bool = False,
        title: str = "Sprint 42",
    ) -> int:
        with app.app_context(), job_session(app) as session:
            actor = membership(session, crew.team, crew.facilitator)
            retro = retro_services.create_retro(session, actor, format=format, title=title)
            board = services.find_board(session, crew.team.id, retro.id)
            board.is_anonymous = anonymous
            from_at = 0
            while board.phase is not phase and from_at < 10:
                at = list(Phase).index(board.phase)
                services.change_phase(session, actor, board, list(Phase)[at + 1])
                from_at += 1
            return retro.id

    return create


@pytest.fixture
def set_phase(app: Flask, crew: Crew) -> Callable[[int, Phase], None]:
    """Move a committed board forward to `phase` (as the facilitator)."""

    def move(retro_id: int, phase: Phase) -> None:
        with app.app_context(), job_session(app) as session:
            actor = membership(session, crew.team, crew.facilitator)
            board = services.find_board(session, crew.team.id, retro_id)
            while board.phase is not phase:
                at = list(Phase).index(board.phase)
                services.change_phase(session, actor, board, list(Phase)[at + 1])

    return move
