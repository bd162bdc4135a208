"""Helpers for the digests' tests: a Monday, goals, settings, deliveries (the crew: crews.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crews import membership
from flask import Flask
from sqlalchemy import func, select

from teamkit.auth.models import Person
from teamkit.db import job_session
from teamkit.digests.models import Delivery
from teamkit.digests.settings import update_settings
from teamkit.goals import services as goal_services
from teamkit.goals.models import Reinforcement
from teamkit.teams.models import Team

#: A Monday morning.
MONDAY = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def add_goals(app: Flask, team: Team, owner: Person, titles: list[str], **fields: Any) -> list[int]:
    """Create active goals in `team` (each with a slogan unless told), return their ids."""
    ids = []
    with app.app_context(), job_session(app) as session:
        actor = membership(session, team, owner)
        for title in titles:
            values = {"why": f"Because {title.lower()} matters.", "slogan": f"{title}!", **fields}
            ids.append(goal_services.create_goal(session, actor, title=title, **values).id)
    return ids


def configure_digest(app: Flask, team: Team, person: Person, **values: Any) -> None:
    """Change `team`'s digest settings as `person` (committed)."""
    with app.app_context(), job_session(app) as session:
        actor = membership(session, team, person)
        update_settings(session, actor, values)


def deliveries(app: Flask) -> list[Delivery]:
    """Return every delivery with its recipients, as committed, oldest first."""
    with app.app_context(), job_session(app) as session:
        rows = session.scalars(select(Delivery).order_by(Delivery.id)).all()
        for row in rows:
            _ = row.recipients
        session.expunge_all()
        return list(rows)


def reinforcement_channels(app: Flask) -> list[tuple[str, int]]:
    """Return how many reinforcements each channel has, as committed."""
    with app.app_context(), job_session(app) as session:
        return sorted(
            (str(channel), count)
            for channel, count in session.execute(
                select(Reinforcement.channel, func.count()).group_by(Reinforcement.channel)
            )
        )
