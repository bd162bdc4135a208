"""Fixtures for pulse tests: a team of known people, and helpers that act as one of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from clients import PASSWORD
from crews import membership
from flask import Flask
from residue import pageinspect  # noqa: F401 (a fixture of the residue tests)
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from teamkit.auth import services as auth_services
from teamkit.auth.models import Person
from teamkit.db import job_session, utcnow
from teamkit.pulses import answers as answering
from teamkit.pulses import services
from teamkit.pulses.models import Pulse
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.services import create_team

#: A fixed "now" for service tests: answers are given inside windows around it.
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@dataclass
class Squad:
    """A team with an owner, a facilitator and members, all committed."""

    team: Team
    owner: Person
    facilitator: Person
    members: list[Person]

    @property
    def everyone(self) -> list[Person]:
        return [self.owner, self.facilitator, *self.members]


def bulk_people(
    session: Session, team_id: int | None, names: list[str], role: Role
) -> list[Person]:
    """Insert people (and, with a team, their memberships) in two statements."""
    if not names:
        return []
    batch = session.scalar(select(func.count()).select_from(Person)) or 0
    now = utcnow()
    # One hash for all: everyone logs in with the suite's password.
    password_hash = auth_services._hasher.hash(PASSWORD)
    ids = session.scalars(
        insert(Person).returning(Person.id, sort_by_parameter_order=True),
        [
            {
                "email": f"p{batch}-{n}@example.com",
                "name": name,
                "password_hash": password_hash,
                "session_token": f"s{batch}-{n}",
                "created_at": now,
            }
            for n, name in enumerate(names)
        ],
    ).all()
    if team_id is not None:
        session.execute(
            insert(Membership),
            [{"team_id": team_id, "person_id": pid, "role": role, "joined_at": now} for pid in ids],
        )
    return list(session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.id)))


def make_squad(app: Flask, members: int, slug: str = "squad") -> Squad:
    with app.app_context(), job_session(app) as session:
        owner, facilitator = bulk_people(
            session, None, ["Olive Owner", "Fay Facilitator"], Role.OWNER
        )
        team = create_team(session, slug.title(), slug, owner)
        session.flush()
        session.add(Membership(team_id=team.id, person_id=facilitator.id, role=Role.FACILITATOR))
        people = bulk_people(session, team.id, [f"Member {n}" for n in range(members)], Role.MEMBER)
    return Squad(team, owner, facilitator, people)


@pytest.fixture
def squad(app: Flask) -> Squad:
    """A team of eight: an owner, a facilitator and six members."""
    return make_squad(app, 6)


@dataclass
class Acting:
    """Run a service as a person of the squad, each call in its own committed transaction."""

    app: Flask
    squad: Squad

    def __call__(self, person: Person, action: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        with self.app.app_context(), job_session(self.app) as session:
            actor = membership(session, self.squad.team, person)
            return action(session, actor, *args, **kw)

    def open(self, **fields: Any) -> int:
        """Open a pulse as the facilitator (by default: now = NOW, for 7 days); return its id."""
        fields.setdefault("now", NOW)
        fields.setdefault("opens_at", NOW - timedelta(hours=1))
        pulse = self(self.squad.facilitator, services.open_pulse, **fields)
        return int(pulse.id)

    def pulse(self, session: Session, pulse_id: int) -> Pulse:
        return services.get_pulse(session, self.squad.team, pulse_id)

    def answer(
        self, person: Person, pulse_id: int, values: list[int] | None = None, **kw: Any
    ) -> None:
        """Answer the pulse as `person`: `values` in item order (default: all 4s)."""
        kw.setdefault("now", NOW)

        def act(session: Session, actor: Membership) -> None:
            pulse = services.get_pulse(session, self.squad.team, pulse_id)
            agreement = [item for item in pulse.items if item.kind.value == "agreement"]
            chosen = values if values is not None else [4] * len(agreement)
            answers = kw.pop("answers", None) or {
                str(item.id): value for item, value in zip(agreement, chosen, strict=True)
            }
            answering.submit_answer(session, actor, pulse, answers=answers, **kw)

        self(person, act)

    def close(self, pulse_id: int, now: datetime = NOW) -> None:
        def act(session: Session, actor: Membership) -> None:
            services.close_pulse(session, actor, self.pulse(session, pulse_id), now=now)

        self(self.squad.facilitator, act)


@pytest.fixture
def acting(app: Flask, squad: Squad) -> Acting:
    return Acting(app, squad)


@pytest.fixture
def committed(app: Flask) -> Callable[[Any], Any]:
    """Run `read(session)` in a fresh transaction: what is committed, not what a test holds."""

    def run(read: Callable[[Session], Any]) -> Any:
        with app.app_context(), job_session(app) as session:
            return read(session)

    return run
