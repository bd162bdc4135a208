"""What the database guarantees when two requests race: row locks on PostgreSQL, the write
lock taken up front on SQLite."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from teamkit.auth.models import Person
from teamkit.errors import Conflict, Forbidden
from teamkit.teams import services
from teamkit.teams.models import Membership, Role, Team


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
        except (Conflict, Forbidden):
            # PostgreSQL finds Ada the last owner; SQLite finds Bob no longer one.
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
    assert waited, "Bob's change should wait for Ada's to commit"

    assert outcome == ["refused"]
    with maker() as check:
        owners = check.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.team_id == team.id, Membership.role == Role.OWNER)
        )
    assert owners == 1


def test_a_write_that_read_before_another_write_committed_still_succeeds(
    app: Flask, make: Any
) -> None:
    """On SQLite a deferred transaction would fail here with "database is locked"."""
    ada, bob = make.person(name="Ada"), make.person(name="Bob")
    team = make.team(ada, slug="core")
    maker = app.extensions["teamkit.sessionmaker"]
    first, second = maker(), maker()
    done: list[str] = []
    try:
        # The first request reads the team, then another request adds Bob and commits.
        assert first.get(Team, team.id) is not None

        def second_adds_bob() -> None:
            services.add_member(
                second, second.get(Team, team.id), second.get(Person, bob.id), Role.MEMBER
            )
            second.commit()
            done.append("bob added")

        racer = threading.Thread(target=second_adds_bob)
        racer.start()
        racer.join(timeout=1)
        # The first request writes after reading.
        first.get(Team, team.id).name = "Core team"
        first.commit()
        racer.join(timeout=30)
    finally:
        first.close()
        second.close()

    assert done == ["bob added"]
    with maker() as check:
        assert check.get(Team, team.id).name == "Core team"
        assert check.scalar(select(func.count()).where(Membership.team_id == team.id)) == 2
