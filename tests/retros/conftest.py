"""Fixtures for retros tests: the crew's names (tests/crews.py), and retro factories."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from crews import Crew, CrewPeople, membership
from flask import Flask

from teamkit.auth.models import Person
from teamkit.db import job_session
from teamkit.retros import services
from teamkit.teams.models import Team


@pytest.fixture
def crew_people() -> CrewPeople:
    return CrewPeople(
        owner=("Grace Hopper", "grace@example.com"),
        facilitator=("Alan Turing", "alan@example.com"),
        members=(("Ada Lovelace", "ada@example.com"),),
    )


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
