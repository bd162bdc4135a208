"""An invite carries no more power than its maker holds when it is used."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from clients import Api, Portal
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.db import job_session
from teamkit.teams import services
from teamkit.teams.models import Invite, Membership, Role, Team

INVITES = "/api/v1/teams/core/invites"
MAKER_GONE = "whoever made it can no longer invite people to this team"


@pytest.fixture
def second_owner(make: Any, team: Team) -> Person:
    return make.member(team, make.person(name="Otto Owner"), role=Role.OWNER)


@pytest.fixture
def owner_invite(second_owner: Person, api_as: Callable[[Person], Api]) -> str:
    """Return the token of an invite to join as an owner, made by the second owner."""
    return str(api_as(second_owner).post(INVITES, json={"role": "owner"}).json["token"])


def membership_id(session: Session, person: Person) -> int:
    found = services.find_membership(session, "core", person)
    assert found is not None
    return found.id


def role_of(session: Session, person: Person) -> Role | None:
    found = services.find_membership(session, "core", person)
    return None if found is None else found.role


def open_invites(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(Invite.id).where(Invite.used_at.is_(None), Invite.revoked_at.is_(None))
        )
    )


def test_a_removed_owner_cannot_rejoin_as_owner_through_their_own_invite(
    team: Team,
    owner: Person,
    second_owner: Person,
    owner_invite: str,
    api_as: Callable[[Person], Api],
    portal_of: Callable[[Person], Portal],
    session: Session,
) -> None:
    token = owner_invite
    removed = api_as(owner).delete(
        f"/api/v1/teams/core/members/{membership_id(session, second_owner)}"
    )
    assert removed.status_code == 204
    answer = portal_of(second_owner).post(f"/invites/{token}")
    assert answer.status_code == 410
    assert "revoked" in answer.text
    assert role_of(session, second_owner) is None


def test_removing_a_member_in_the_portal_revokes_their_open_invites(
    team: Team,
    owner: Person,
    second_owner: Person,
    owner_invite: str,
    make: Any,
    api_as: Callable[[Person], Api],
    portal_of: Callable[[Person], Portal],
    session: Session,
) -> None:
    token = owner_invite
    portal_of(owner).post(f"/t/core/members/{membership_id(session, second_owner)}/remove")
    assert open_invites(session) == []
    answer = api_as(make.person()).post(f"/api/v1/invites/{token}/accept")
    assert answer.status_code == 410
    assert answer.content_type == "application/problem+json"


@pytest.mark.parametrize(
    ("was", "becomes"),
    [(Role.OWNER, Role.FACILITATOR), (Role.OWNER, Role.MEMBER), (Role.FACILITATOR, Role.MEMBER)],
)
def test_demoting_someone_revokes_their_open_invites(
    team: Team,
    owner: Person,
    make: Any,
    api_as: Callable[[Person], Api],
    session: Session,
    was: Role,
    becomes: Role,
) -> None:
    maker = make.member(team, role=was)
    created = api_as(maker).post(INVITES, json={"role": "member"})
    assert created.status_code == 201
    changed = api_as(owner).patch(
        f"/api/v1/teams/core/members/{membership_id(session, maker)}",
        json={"role": becomes.value},
    )
    assert changed.status_code == 200
    assert open_invites(session) == []
    answer = api_as(make.person()).post(f"/api/v1/invites/{created.json['token']}/accept")
    assert answer.status_code == 410


def test_promoting_someone_keeps_their_open_invites(
    team: Team, owner: Person, make: Any, api_as: Callable[[Person], Api], session: Session
) -> None:
    maker = make.member(team, role=Role.FACILITATOR)
    invite_id = api_as(maker).post(INVITES).json["id"]
    api_as(owner).patch(
        f"/api/v1/teams/core/members/{membership_id(session, maker)}", json={"role": "owner"}
    )
    assert open_invites(session) == [invite_id]


def test_leaving_a_team_revokes_ones_open_invites_to_it_only(
    team: Team,
    owner: Person,
    second_owner: Person,
    make: Any,
    api_as: Callable[[Person], Api],
    session: Session,
) -> None:
    make.team(second_owner, slug="other")
    api = api_as(second_owner)
    api.post(INVITES, json={"role": "owner"})
    elsewhere = api.post("/api/v1/teams/other/invites").json["id"]
    left = api.delete(f"/api/v1/teams/core/members/{membership_id(session, second_owner)}")
    assert left.status_code == 204
    assert open_invites(session) == [elsewhere]


def test_deleting_ones_account_revokes_ones_open_invites(
    team: Team,
    second_owner: Person,
    api_as: Callable[[Person], Api],
    portal_of: Callable[[Person], Portal],
    session: Session,
) -> None:
    api_as(second_owner).post(INVITES, json={"role": "owner"})
    deleted = portal_of(second_owner).post("/account/delete", {"password": "correct horse battery"})
    assert deleted.status_code == 303
    assert open_invites(session) == []


def _demote_without_revoking(app: Flask, person: Person, role: Role) -> None:
    """Change a role behind the services' back, as invites made before revocation existed."""
    with job_session(app) as db:
        db.execute(update(Membership).where(Membership.person_id == person.id).values(role=role))


def test_an_owner_invite_whose_maker_is_now_a_facilitator_gives_only_member(
    app: Flask,
    team: Team,
    owner: Person,
    second_owner: Person,
    owner_invite: str,
    make: Any,
    portal_of: Callable[[Person], Portal],
    session: Session,
) -> None:
    token = owner_invite
    _demote_without_revoking(app, second_owner, Role.FACILITATOR)
    newcomer = make.person()
    portal = portal_of(newcomer)
    assert "as <strong>member</strong>" in portal.client.get(f"/invites/{token}").text
    assert portal.post(f"/invites/{token}").status_code == 303
    assert role_of(session, newcomer) is Role.MEMBER


def test_an_invite_whose_maker_may_no_longer_invite_is_dead(
    app: Flask,
    team: Team,
    second_owner: Person,
    make: Any,
    api_as: Callable[[Person], Api],
    session: Session,
) -> None:
    token = api_as(second_owner).post(INVITES).json["token"]
    _demote_without_revoking(app, second_owner, Role.MEMBER)
    newcomer = make.person()
    answer = api_as(newcomer).post(f"/api/v1/invites/{token}/accept")
    assert answer.status_code == 410
    assert MAKER_GONE in answer.json["detail"]
    assert role_of(session, newcomer) is None


def test_an_invite_whose_maker_left_the_team_is_dead(
    app: Flask,
    team: Team,
    second_owner: Person,
    make: Any,
    api_as: Callable[[Person], Api],
    portal_of: Callable[[Person], Portal],
    session: Session,
) -> None:
    token = api_as(second_owner).post(INVITES).json["token"]
    with job_session(app) as db:
        db.execute(Membership.__table__.delete().where(Membership.person_id == second_owner.id))
    newcomer = make.person()
    page = portal_of(newcomer).client.get(f"/invites/{token}")
    assert page.status_code == 410
    assert MAKER_GONE in page.text
    assert role_of(session, newcomer) is None
