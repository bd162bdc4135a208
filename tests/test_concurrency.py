"""What the database guarantees when two requests race: row locks on PostgreSQL, the write
lock taken up front on SQLite."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from clients import PASSWORD, Portal
from flask import Flask, request
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from teamkit.auth.models import Person
from teamkit.db import get_engine
from teamkit.errors import Conflict, Forbidden
from teamkit.teams import services
from teamkit.teams.models import Membership, Role


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


@pytest.fixture
def write_locks(app: Flask, database_kind: str) -> Iterator[list[str]]:
    """Collect the SQL that takes SQLite's write lock up front ("BEGIN IMMEDIATE")."""
    if database_kind != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL locks rows")
    taken: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN IMMEDIATE"):
            taken.append(request.path if request else statement)

    event.listen(get_engine(app), "before_cursor_execute", before)
    yield taken
    event.remove(get_engine(app), "before_cursor_execute", before)


def test_a_request_that_writes_takes_the_write_lock_before_it_reads(
    make: Any, login_as: Callable[[Person], Portal], write_locks: list[str]
) -> None:
    portal = login_as(make.person())
    write_locks.clear()
    assert portal.post("/teams", {"name": "Core", "slug": "core"}).status_code == 302
    assert write_locks == ["/teams"]


def test_log_in_sign_up_and_password_change_hash_without_holding_the_write_lock(
    make: Any, portal: Portal, write_locks: list[str]
) -> None:
    """A password hash takes a third of a second: held under the lock, a stream of log-ins
    would queue every other writer behind it."""
    ada = make.person()
    write_locks.clear()
    portal.post("/login", {"email": ada.email, "password": "wrong password"})
    portal.post("/signup", {"email": "new@example.com", "name": "New", "password": PASSWORD})
    portal.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "another horse battery"},
    )
    assert write_locks == []


def test_the_health_check_does_not_wait_for_the_write_lock(
    client: FlaskClient, write_locks: list[str]
) -> None:
    assert client.get("/healthz").status_code == 200
    assert write_locks == []


def test_many_writers_at_once_all_get_their_write_and_none_a_locked_database(
    app: Flask, make: Any
) -> None:
    """Threads writing at once (API writes, and log-ins, which write late) each wait their
    turn for SQLite's write lock: no `database is locked`, no 500, nothing lost."""
    owner = make.person(name="Ada")
    make.team(owner, slug="core")
    people = [make.person() for _ in range(3)]
    headers = {"Authorization": f"Bearer {make.token(owner)}"}
    writers, each = 8, 6
    statuses: list[int] = []
    logins: list[int] = []
    start = threading.Barrier(writers + len(people))

    def write(number: int) -> None:
        client = app.test_client()
        start.wait()
        for n in range(each):
            answer = client.post(
                "/api/v1/teams/core/goals",
                json={"title": f"Goal {number}-{n}", "why": "."},
                headers=headers,
            )
            statuses.append(answer.status_code)

    def log_in(person: Person) -> None:
        start.wait()
        for _ in range(each):
            logins.append(Portal(app.test_client()).login(person).status_code)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    threads += [threading.Thread(target=log_in, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [201] * (writers * each)
    assert logins == [302] * (len(people) * each)
    listed = app.test_client().get("/api/v1/teams/core/goals?limit=200", headers=headers)
    assert len(listed.json["items"]) == writers * each
