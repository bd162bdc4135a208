"""What `teamkit demo` seeds for the sample: the demo team's greeting."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sample_capability.models import SampleSettings
from teamkit.auth.models import Person
from teamkit.teams.models import Team


def seed(session: Session, team: Team, people: list[Person]) -> None:
    """Give the demo team a greeting of its own."""
    session.add(SampleSettings(team_id=team.id, greeting=f"Welcome, all {len(people)}"))
