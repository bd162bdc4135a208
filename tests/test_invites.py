"""Invites: who may invite with which role."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.teams.models import Invite, Role, Team


@pytest.fixture
def owner(make: Any) -> Person:
    return make.person(name="Olive Owner")


@pytest.fixture
def team(make: Any, owner: Person) -> Team:
    return make.team(owner, slug="core", name="Core team")


@pytest.fixture
def facilitator(make: Any, team: Team) -> Person:
    return make.member(team, make.person(name="Fay Facilitator"), role=Role.FACILITATOR)


def offered_roles(page: str) -> list[str]:
    """Return the roles the "Join as" menu of the members page offers."""
    menu = re.search(r'<select[^>]*\bid="role"[^>]*>(.*?)</select>', page, re.S)
    assert menu is not None, "no invite menu on the page"
    return re.findall(r'<option[^>]*value="([^"]+)"', menu.group(1))


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
