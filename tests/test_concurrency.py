"""What PostgreSQL's row locks guarantee when two requests race (several web workers)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from teamkit.errors import Conflict
from teamkit.teams import services
from teamkit.teams.models import Membership, Role


@pytest.fixture
def postgres_only(database_kind: str) -> None:
    if database_kind != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises every write")


@pytest.mark.usefixtures("postgres_only")
def test_two_owners_demoting_each_other_at_once_leave_the_team_an_owner(
    app: Flask, make: Any
) -> None:
    ada, bob = make.person(name="Ada"), make.person(name="Bob")
    team = make.team(ada, slug="core")
    make.member(team, bob, role=Role.OWNER)
    maker = app.extensions["teamkit.sessionmaker"]

    def membership(session: Any, person: Any) -> Membership:
        return session.scalars(
            select(Membership).where(
                Membership.team_id == team.id, Membership.person_id == person.id
            )
        ).one()

    first, second = maker(), maker()
    outcome: list[str] = []
    # Ada demotes Bob and holds the owners' rows until she commits.
    services.change_role(first, membership(first, ada), membership(first, bob).id, Role.MEMBER)

    def bob_demotes_ada() -> None:
        try:
            actor = membership(second, bob)
            services.change_role(second, actor, membership(second, ada).id, Role.MEMBER)
            second.commit()
            outcome.append("demoted")
        except Conflict:
            second.rollback()
            outcome.append("refused")

    racer = threading.Thread(target=bob_demotes_ada)
    racer.start()
    try:
        racer.join(timeout=1)
        waited = racer.is_alive()
        first.commit()
        racer.join(timeout=30)
    finally:
        first.rollback()
        first.close()
        second.rollback()
        second.close()
    assert waited, "Bob's change should wait for Ada's lock"

    assert outcome == ["refused"]
    with maker() as check:
        owners = check.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.team_id == team.id, Membership.role == Role.OWNER)
        )
    assert owners == 1
