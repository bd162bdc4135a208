"""Invites that are still open: who may invite with which role, the list, and revoking."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from clients import Api, Portal
from flask import Flask
from pages import flashes
from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.db import job_session, utcnow
from teamkit.teams import invites, services
from teamkit.teams.models import Invite, Role, Team

OPEN_INVITES = "/api/v1/teams/core/invites"


@pytest.fixture
def facilitator(make: Any, team: Team) -> Person:
    return make.member(team, make.person(name="Fay Facilitator"), role=Role.FACILITATOR)


@pytest.fixture
def invite_from(app: Flask, team: Team) -> Callable[..., tuple[int, str]]:
    """Return a function that makes an invite from a member of `team`: (id, token)."""

    def make_invite(person: Person, role: Role = Role.MEMBER) -> tuple[int, str]:
        with job_session(app) as db:
            actor = services.find_membership(db, team.slug, db.get(Person, person.id))
            assert actor is not None
            invite, token = invites.create_invite(
                db, actor, role, secret_key=app.secret_key or "", ttl=timedelta(hours=168)
            )
            return invite.id, token

    return make_invite


def offered_roles(page: str) -> list[str]:
    """Return the roles the "Join as" menu of the members page offers."""
    menu = re.search(r'<select[^>]*\bid="role"[^>]*>(.*?)</select>', page, re.S)
    assert menu is not None, "no invite menu on the page"
    return re.findall(r'<option[^>]*value="([^"]+)"', menu.group(1))


def open_invite_rows(page: str) -> list[str]:
    """Return the text of each row in the members page's open invites table."""
    section = page.split('id="open-invites-title"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", section.split("<tbody>", 1)[-1], re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


# ---------------------------------------------------------------- the "Join as" menu


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        (Role.OWNER, ["member", "facilitator", "owner"]),
        (Role.FACILITATOR, ["member"]),
    ],
)
def test_the_join_as_menu_offers_only_the_roles_the_person_may_invite_with(
    team: Team, make: Any, login_as: Any, role: Role, offered: list[str]
) -> None:
    inviter = make.member(team, role=role)
    page = login_as(inviter).client.get("/t/core/members").text
    assert offered_roles(page) == offered


def test_a_facilitator_choosing_a_role_they_cannot_give_is_told_why(
    team: Team, facilitator: Person, login_as: Any, session: Session
) -> None:
    response = login_as(facilitator).post("/t/core/invites", {"role": "owner"})
    assert response.status_code == 403
    assert "Only an owner can invite" in response.text
    assert session.scalar(select(Invite.id)) is None


# ---------------------------------------------------------------- the list on the members page


def test_the_members_page_lists_open_invites_with_role_creator_and_expiry(
    team: Team,
    owner: Person,
    facilitator: Person,
    invite_from: Callable[..., tuple[int, str]],
    login_as: Any,
) -> None:
    invite_from(owner, Role.FACILITATOR)
    with time_machine.travel(utcnow() + timedelta(minutes=1)):
        invite_from(facilitator)
    expires = (utcnow() + timedelta(hours=168)).strftime("%Y-%m-%d")
    rows = open_invite_rows(login_as(owner).client.get("/t/core/members").text)
    assert len(rows) == 2
    newest, oldest = rows
    assert newest.startswith("member Fay Facilitator")
    assert oldest.startswith("facilitator Olive Owner")
    assert all(expires in row and "Revoke" in row for row in rows)


def test_used_revoked_and_expired_invites_are_not_listed(
    team: Team,
    owner: Person,
    make: Any,
    invite_from: Callable[..., tuple[int, str]],
    portal_of: Callable[[Person], Portal],
) -> None:
    _used, token = invite_from(owner)
    portal_of(make.person()).post(f"/invites/{token}")
    revoked, _token = invite_from(owner)
    portal = portal_of(owner)
    portal.post(f"/t/core/invites/{revoked}/revoke")
    invite_from(owner)
    with time_machine.travel(utcnow() + timedelta(hours=169)):
        page = portal.client.get("/t/core/members").text
    assert open_invite_rows(page) == []
    assert "No open invites" in page


def test_the_list_never_shows_an_invite_link(
    team: Team, owner: Person, invite_from: Callable[..., tuple[int, str]], login_as: Any
) -> None:
    _id, token = invite_from(owner)
    page = login_as(owner).client.get("/t/core/members").text
    assert len(open_invite_rows(page)) == 1
    assert token not in page
    assert "/invites/" + token[:8] not in page


def test_a_facilitator_may_revoke_member_invites_only(
    team: Team,
    owner: Person,
    facilitator: Person,
    invite_from: Callable[..., tuple[int, str]],
    login_as: Any,
) -> None:
    invite_from(owner, Role.OWNER)
    with time_machine.travel(utcnow() + timedelta(minutes=1)):
        invite_from(owner, Role.MEMBER)
    rows = open_invite_rows(login_as(facilitator).client.get("/t/core/members").text)
    assert [("Revoke" in row, row.split()[0]) for row in rows] == [
        (True, "member"),
        (False, "owner"),
    ]


# ---------------------------------------------------------------- revoking in the portal


def test_a_revoked_invite_link_answers_410_saying_it_was_revoked(
    team: Team,
    owner: Person,
    make: Any,
    invite_from: Callable[..., tuple[int, str]],
    portal_of: Callable[[Person], Portal],
    session: Session,
) -> None:
    invite_id, token = invite_from(owner)
    owners_browser = portal_of(owner)
    response = owners_browser.post(f"/t/core/invites/{invite_id}/revoke")
    assert response.status_code == 303
    page = owners_browser.client.get("/t/core/members").text
    assert "The invite to join as member is revoked: its link no longer works." in flashes(page)
    newcomer = make.person()
    answer = portal_of(newcomer).post(f"/invites/{token}")
    assert answer.status_code == 410
    assert "This invite link has been revoked. Ask for a new one." in answer.text
    assert services.find_membership(session, "core", newcomer) is None


def test_revoking_an_invite_already_used_says_so_and_keeps_the_member(
    team: Team,
    owner: Person,
    make: Any,
    invite_from: Callable[..., tuple[int, str]],
    portal_of: Callable[[Person], Portal],
    session: Session,
) -> None:
    invite_id, token = invite_from(owner)
    newcomer = make.person()
    portal_of(newcomer).post(f"/invites/{token}")
    owners_browser = portal_of(owner)
    owners_browser.post(f"/t/core/invites/{invite_id}/revoke")
    page = owners_browser.client.get("/t/core/members").text
    assert "This invite has been used already, so it can't be revoked." in flashes(page)
    assert services.find_membership(session, "core", newcomer) is not None


# ---------------------------------------------------------------- the API


def test_the_api_lists_open_invites_without_their_links(
    team: Team, owner: Person, api_as: Callable[[Person], Api]
) -> None:
    api = api_as(owner)
    created = api.post(OPEN_INVITES, json={"role": "facilitator"}).json
    response = api.get(OPEN_INVITES)
    assert response.status_code == 200
    [listed] = response.json["items"]
    assert listed["id"] == created["id"]
    assert listed["role"] == "facilitator"
    assert listed["created_by"]["name"] == "Olive Owner"
    assert listed["expires_at"] == created["expires_at"]
    assert "token" not in listed and "url" not in listed
    assert created["token"] not in response.text


def test_the_api_list_of_open_invites_is_paginated(
    team: Team, owner: Person, api_as: Callable[[Person], Api]
) -> None:
    api = api_as(owner)
    ids = [api.post(OPEN_INVITES).json["id"] for _ in range(3)]
    first = api.get(OPEN_INVITES, query_string={"limit": 2}).json
    second = api.get(first["next"].removeprefix("http://teamkit.test")).json
    assert [item["id"] for item in first["items"] + second["items"]] == ids[::-1]
    assert second["next"] is None


def test_revoking_through_the_api_answers_204_and_the_link_then_410(
    team: Team, owner: Person, make: Any, api_as: Callable[[Person], Api]
) -> None:
    api = api_as(owner)
    created = api.post(OPEN_INVITES).json
    assert api.delete(f"{OPEN_INVITES}/{created['id']}").status_code == 204
    assert api.get(OPEN_INVITES).json["items"] == []
    answer = api_as(make.person()).post(f"/api/v1/invites/{created['token']}/accept")
    assert answer.status_code == 410
    assert answer.content_type == "application/problem+json"
    assert "revoked" in answer.json["detail"]


def test_revoking_twice_through_the_api_is_no_error(
    team: Team, owner: Person, api_as: Callable[[Person], Api]
) -> None:
    api = api_as(owner)
    invite_id = api.post(OPEN_INVITES).json["id"]
    assert [api.delete(f"{OPEN_INVITES}/{invite_id}").status_code for _ in range(2)] == [204, 204]


def test_revoking_a_used_invite_through_the_api_is_a_409_problem(
    team: Team, owner: Person, make: Any, api_as: Callable[[Person], Api]
) -> None:
    api = api_as(owner)
    created = api.post(OPEN_INVITES).json
    api_as(make.person()).post(f"/api/v1/invites/{created['token']}/accept")
    response = api.delete(f"{OPEN_INVITES}/{created['id']}")
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"


@pytest.mark.parametrize("invite_id", ["another team's", "no such"])
def test_revoking_an_invite_the_team_does_not_have_is_a_404_problem(
    team: Team, owner: Person, make: Any, api_as: Callable[[Person], Api], invite_id: str
) -> None:
    stranger = make.person()
    make.team(stranger, slug="other")
    others = api_as(stranger).post("/api/v1/teams/other/invites").json["id"]
    target = others if invite_id == "another team's" else others + 100
    response = api_as(owner).delete(f"{OPEN_INVITES}/{target}")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert api_as(stranger).get("/api/v1/teams/other/invites").json["items"] != []


def test_a_bad_page_size_for_open_invites_is_a_422_problem(
    team: Team, owner: Person, api_as: Callable[[Person], Api]
) -> None:
    response = api_as(owner).get(OPEN_INVITES, query_string={"limit": 0})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.json["errors"][0]["field"] == "limit"


def test_the_openapi_document_describes_listing_and_revoking_invites(client: Any) -> None:
    paths = client.get("/api/openapi.json").json["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/teams/{slug}/invites"])
    assert "delete" in paths["/api/v1/teams/{slug}/invites/{invite_id}"]
    listed = paths["/api/v1/teams/{slug}/invites"]["get"]["responses"]["200"]
    assert "OpenInvitePage" in str(listed)
