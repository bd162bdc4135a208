"""The role matrix: what an owner, a facilitator and a member may do, in the portal and the API.

Each case runs in a team with a founding owner, the person acting (in the role under test)
and a target member; the founder keeps the team owned whatever the actor does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from clients import Api, Portal
from flask import Flask
from pages import flashes
from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.db import job_session
from teamkit.teams import invites, services
from teamkit.teams.models import Invite, Membership, Role, Team

OWNER, FACILITATOR, MEMBER = Role.OWNER, Role.FACILITATOR, Role.MEMBER

#: action -> the roles allowed to do it.
PORTAL_MATRIX: dict[str, set[Role]] = {
    "invite a member": {OWNER, FACILITATOR},
    "invite a facilitator": {OWNER},
    "invite an owner": {OWNER},
    "see the open invites": {OWNER, FACILITATOR},
    "revoke a member invite": {OWNER, FACILITATOR},
    "revoke a facilitator invite": {OWNER},
    "revoke an owner invite": {OWNER},
    "change a role": {OWNER},
    "open the page to remove a member": {OWNER},
    "remove a member": {OWNER},
    "leave": {OWNER, FACILITATOR, MEMBER},
    "view members": {OWNER, FACILITATOR, MEMBER},
}
API_MATRIX: dict[str, set[Role]] = {
    "change a role": {OWNER},
    "remove a member": {OWNER},
    "leave": {OWNER, FACILITATOR, MEMBER},
    "invite a member": {OWNER, FACILITATOR},
    "invite a facilitator": {OWNER},
    "invite an owner": {OWNER},
    "see the open invites": {OWNER, FACILITATOR},
    "revoke a member invite": {OWNER, FACILITATOR},
    "revoke a facilitator invite": {OWNER},
    "revoke an owner invite": {OWNER},
    "view members": {OWNER, FACILITATOR, MEMBER},
    "view the team": {OWNER, FACILITATOR, MEMBER},
}


def cases(matrix: dict[str, set[Role]]) -> list[Any]:
    return [
        pytest.param(role, action, role in allowed, id=f"{role.value}-{action.replace(' ', '-')}")
        for action, allowed in matrix.items()
        for role in Role
    ]


@dataclass
class Crew:
    """A team with its founder, the actor and a target member."""

    app: Flask
    team: Team
    founder: Person
    actor: Person
    target: Person
    session: Session

    def invite_from_founder(self, role: Role) -> int:
        """Create an open invite to join as `role`, from the founder; return its id."""
        with job_session(self.app) as db:
            founder = services.find_membership(db, self.team.slug, db.get(Person, self.founder.id))
            assert founder is not None
            invite, _token = invites.create_invite(
                db, founder, role, secret_key="any key", ttl=timedelta(hours=1)
            )
            return invite.id

    def is_revoked(self, invite_id: int) -> bool:
        revoked_at = self.session.scalar(select(Invite.revoked_at).where(Invite.id == invite_id))
        return revoked_at is not None

    def role_of(self, person: Person) -> Role | None:
        return self.session.scalar(
            select(Membership.role).where(
                Membership.team_id == self.team.id, Membership.person_id == person.id
            )
        )

    def membership_id(self, person: Person) -> int:
        found = self.session.scalar(
            select(Membership.id).where(
                Membership.team_id == self.team.id, Membership.person_id == person.id
            )
        )
        assert found is not None
        return found


@pytest.fixture
def crew(app: Flask, make: Any, session: Session, request: pytest.FixtureRequest) -> Crew:
    founder = make.person(name="Founder")
    team = make.team(founder, slug="core", name="Core team")
    actor = make.member(team, make.person(name="Actor"), role=request.param)
    target = make.member(team, make.person(name="Target"), role=MEMBER)
    return Crew(app, team, founder, actor, target, session)


def invite_role(action: str) -> Role:
    """Return the role named in an action such as "revoke an owner invite"."""
    found = re.search(r"(owner|facilitator|member) invite", action)
    assert found is not None, action
    return Role(found.group(1))


def portal_action(action: str, portal: Portal, crew: Crew) -> bool:
    """Do `action` in the portal; return whether it took effect."""
    if action.startswith("invite"):
        role = action.rsplit(" ", 1)[1]
        response = portal.post("/t/core/invites", {"role": role}, follow_redirects=True)
        return response.status_code == 200 and 'id="invite-url"' in response.text
    if action == "see the open invites":
        crew.invite_from_founder(MEMBER)
        page = portal.client.get("/t/core/members").text
        return "Open invites" in page and "Founder" in page
    if action.startswith("revoke"):
        invite_id = crew.invite_from_founder(invite_role(action))
        portal.post(f"/t/core/invites/{invite_id}/revoke")
        return crew.is_revoked(invite_id)
    if action == "change a role":
        portal.post(
            f"/t/core/members/{crew.membership_id(crew.target)}/role", {"role": "facilitator"}
        )
        return crew.role_of(crew.target) is FACILITATOR
    if action == "open the page to remove a member":
        response = portal.client.get(f"/t/core/members/{crew.membership_id(crew.target)}/remove")
        return response.status_code == 200 and "Remove Target from Core team?" in response.text
    if action == "remove a member":
        portal.post(f"/t/core/members/{crew.membership_id(crew.target)}/remove")
        return crew.role_of(crew.target) is None
    if action == "leave":
        portal.post("/t/core/leave")
        return crew.role_of(crew.actor) is None
    if action == "view members":
        response = portal.client.get("/t/core/members")
        return response.status_code == 200 and "Target" in response.text
    raise AssertionError(f"unknown action {action}")


def api_action(action: str, api: Api, crew: Crew) -> int:
    """Do `action` through the API; return the status code."""
    members = "/api/v1/teams/core/members"
    if action == "change a role":
        url = f"{members}/{crew.membership_id(crew.target)}"
        status = api.patch(url, json={"role": "facilitator"}).status_code
        assert (crew.role_of(crew.target) is FACILITATOR) is (status == 200)
        return int(status)
    if action == "remove a member":
        status = api.delete(f"{members}/{crew.membership_id(crew.target)}").status_code
        assert (crew.role_of(crew.target) is None) is (status == 204)
        return int(status)
    if action == "leave":
        status = api.delete(f"{members}/{crew.membership_id(crew.actor)}").status_code
        assert (crew.role_of(crew.actor) is None) is (status == 204)
        return int(status)
    if action.startswith("invite"):
        role = action.rsplit(" ", 1)[1]
        return int(api.post("/api/v1/teams/core/invites", json={"role": role}).status_code)
    if action == "see the open invites":
        crew.invite_from_founder(MEMBER)
        return int(api.get("/api/v1/teams/core/invites").status_code)
    if action.startswith("revoke"):
        invite_id = crew.invite_from_founder(invite_role(action))
        status = api.delete(f"/api/v1/teams/core/invites/{invite_id}").status_code
        assert crew.is_revoked(invite_id) is (status == 204)
        return int(status)
    if action == "view members":
        return int(api.get("/api/v1/teams/core/members").status_code)
    if action == "view the team":
        return int(api.get("/api/v1/teams/core").status_code)
    raise AssertionError(f"unknown action {action}")


@pytest.mark.parametrize(("crew", "action", "allowed"), cases(PORTAL_MATRIX), indirect=["crew"])
def test_portal_lets_each_role_do_what_the_matrix_allows(
    crew: Crew, action: str, allowed: bool, portal_of: Callable[[Person], Portal]
) -> None:
    assert portal_action(action, portal_of(crew.actor), crew) is allowed


@pytest.mark.parametrize(("crew", "action", "allowed"), cases(API_MATRIX), indirect=["crew"])
def test_api_lets_each_role_do_what_the_matrix_allows(
    crew: Crew, action: str, allowed: bool, api_as: Callable[[Person], Api]
) -> None:
    status = api_action(action, api_as(crew.actor), crew)
    assert status in ((200, 201, 204) if allowed else (403,))


@pytest.mark.parametrize("crew", [FACILITATOR, MEMBER], indirect=True)
def test_a_forbidden_api_call_says_why_in_a_problem(
    crew: Crew, api_as: Callable[[Person], Api]
) -> None:
    response = api_as(crew.actor).post("/api/v1/teams/core/invites", json={"role": "owner"})
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    assert "owner" in response.json["detail"].lower()


@pytest.mark.parametrize("crew", [FACILITATOR, MEMBER], indirect=True)
def test_a_forbidden_portal_action_says_why(
    crew: Crew, portal_of: Callable[[Person], Portal]
) -> None:
    portal = portal_of(crew.actor)
    portal.post(f"/t/core/members/{crew.membership_id(crew.target)}/remove")
    page = portal.client.get("/t/core/members").text
    assert "Only an owner of the team can do this." in flashes(page)


@pytest.mark.parametrize(
    ("crew", "sees_invite", "sees_owner_controls"),
    [(OWNER, True, True), (FACILITATOR, True, False), (MEMBER, False, False)],
    indirect=["crew"],
)
def test_members_page_shows_only_the_controls_the_role_allows(
    crew: Crew,
    sees_invite: bool,
    sees_owner_controls: bool,
    portal_of: Callable[[Person], Portal],
) -> None:
    page = portal_of(crew.actor).client.get("/t/core/members").text
    assert ("Create invite link" in page) is sees_invite
    assert ("/remove" in page) is sees_owner_controls
    assert ("/role" in page) is sees_owner_controls
