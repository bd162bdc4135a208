"""Fixtures for goal tests: a goal factory for the crew's team (the crew: tests/crews.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from crews import Crew, membership
from flask import Flask

from teamkit.auth.models import Person
from teamkit.db import job_session
from teamkit.goals import services
from teamkit.goals.checkins import record_check_in
from teamkit.teams.models import Team


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
