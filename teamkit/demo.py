"""The demo team: people and data that make the portal show something real on first run."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.auth.services import create_person
from teamkit.capabilities import demo_seeders
from teamkit.teams.models import Role, Team
from teamkit.teams.services import add_member, create_team

DEMO_SLUG = "demo"
DEMO_PASSWORD = "teamkit-demo"
DEMO_PEOPLE = (
    ("ada@example.com", "Ada Lovelace", Role.OWNER),
    ("grace@example.com", "Grace Hopper", Role.FACILITATOR),
    ("linus@example.com", "Linus Pauling", Role.MEMBER),
    ("katherine@example.com", "Katherine Johnson", Role.MEMBER),
    ("alan@example.com", "Alan Turing", Role.MEMBER),
)


@dataclass(frozen=True)
class DemoResult:
    """What `seed_demo` did, for the CLI to print."""

    created: bool
    team: Team
    people: list[Person]


def seed_demo(session: Session) -> DemoResult:
    """Create the demo team and its people, unless it exists already."""
    team = session.scalar(select(Team).where(Team.slug == DEMO_SLUG))
    if team is not None:
        people = [m.person for m in team.memberships]
        return DemoResult(False, team, people)
    people = []
    for email, name, _role in DEMO_PEOPLE:
        existing = session.scalar(select(Person).where(Person.email == email))
        people.append(existing or create_person(session, email, name, DEMO_PASSWORD))
    team = create_team(session, "Demo team", DEMO_SLUG, people[0])
    for person, (_email, _name, role) in zip(people[1:], DEMO_PEOPLE[1:], strict=True):
        add_member(session, team, person, role)
    for seed in demo_seeders():
        seed(session, team, people)
    return DemoResult(True, team, people)
