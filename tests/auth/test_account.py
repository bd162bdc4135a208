"""The account's basics: change one's name, delete one's account (never a team's last owner)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from clients import PASSWORD, Api, Portal
from pages import field_error, flashes, heading
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamkit.auth.models import ApiToken, Person
from teamkit.goals.models import CheckIn, Goal
from teamkit.teams.models import Membership, Role, Team


@pytest.fixture
def team(make: Any) -> Team:
    return make.team(make.person(name="Olive Owner"), slug="core", name="Core team")


def test_a_person_changes_the_name_teammates_see(
    team: Team, make: Any, login_as: Callable[[Person], Portal]
) -> None:
    mia = make.member(team, make.person(name="Mia"))
    portal = login_as(mia)
    response = portal.post("/account/name", {"your_name": "  Mia Wallace  "})
    assert response.status_code == 303
    assert "Your name is now Mia Wallace." in flashes(portal.client.get("/account").text)
    assert "Mia Wallace" in portal.client.get("/t/core/members").text


def test_an_empty_name_is_refused_beside_the_field(
    team: Team, make: Any, login_as: Callable[[Person], Portal], session: Session
) -> None:
    mia = make.member(team, make.person(name="Mia"))
    response = login_as(mia).post("/account/name", {"your_name": "  "})
    assert response.status_code == 422
    assert field_error(response.text, "your_name") == "Enter your name."
    assert session.scalar(select(Person.name).where(Person.id == mia.id)) == "Mia"


@pytest.fixture
def mia_wrote(team: Team, make: Any, api_as: Callable[[Person], Api]) -> tuple[Person, int]:
    """Mia, a facilitator, set a goal and checked in on it; return her and the goal's id."""
    mia = make.member(team, make.person(name="Mia", email="mia@example.com"), Role.FACILITATOR)
    api = api_as(mia)
    goal = api.post("/api/v1/teams/core/goals", json={"title": "Ship", "why": "Users wait."})
    assert goal.status_code == 201
    check_in = api.post(
        f"/api/v1/teams/core/goals/{goal.json['id']}/checkins",
        json={"confidence": 4, "note": "Going well."},
    )
    assert check_in.status_code == 201
    return mia, int(goal.json["id"])


def test_deleting_ones_account_keeps_what_one_wrote_as_by_a_former_member(
    mia_wrote: tuple[Person, int],
    make: Any,
    portal_of: Callable[[Person], Portal],
    session: Session,
) -> None:
    mia, goal_id = mia_wrote
    portal = portal_of(mia)
    asked = portal.client.get("/account/delete")
    assert heading(asked.text) == "Delete your account?"
    response = portal.post("/account/delete", {"password": PASSWORD})
    assert response.status_code == 303
    assert portal.client.get("/account").status_code == 302  # logged out
    assert session.scalar(select(func.count()).select_from(Person).where(Person.id == mia.id)) == 0
    assert (
        session.scalar(
            select(func.count()).select_from(Membership).where(Membership.person_id == mia.id)
        )
        == 0
    )
    assert session.scalar(select(func.count()).select_from(ApiToken)) == 0
    assert session.scalar(select(func.count()).select_from(Goal)) == 1
    check_in = session.scalar(select(CheckIn))
    assert check_in is not None and check_in.person_id is None and check_in.note == "Going well."
    owner = session.scalar(select(Person).where(Person.name == "Olive Owner"))
    assert owner is not None
    goal_page = portal_of(owner).client.get(f"/t/core/goals/{goal_id}").text
    assert '<td data-label="Who">Former member</td>' in goal_page


def test_deleting_ones_account_needs_ones_password(
    mia_wrote: tuple[Person, int], portal_of: Callable[[Person], Portal], session: Session
) -> None:
    mia, _ = mia_wrote
    response = portal_of(mia).post("/account/delete", {"password": "not my password"})
    assert response.status_code == 422
    assert field_error(response.text, "password") == "This is not your password."
    assert session.get(Person, mia.id) is not None


def test_a_teams_last_owner_cannot_delete_their_account_and_is_told_why(
    team: Team, login_as: Callable[[Person], Portal], session: Session
) -> None:
    owner = session.scalar(select(Person).where(Person.name == "Olive Owner"))
    assert owner is not None
    portal = login_as(owner)
    account = " ".join(portal.client.get("/account").text.split())
    assert "You are the only owner of Core team" in account
    assert 'href="/account/delete"' not in account
    response = portal.post("/account/delete", {"password": PASSWORD})
    assert heading(response.text) == "Make someone else owner first"
    assert "You are the only owner of Core team" in " ".join(response.text.split())
    assert session.get(Person, owner.id) is not None


@pytest.fixture
def login_limit_of_three(app_config: dict[str, Any]) -> None:
    """Allow three log-in attempts a minute (set before the app is created)."""
    app_config["LOGIN_RATE_LIMIT"] = "3 per minute"


@pytest.mark.usefixtures("login_limit_of_three")
def test_guessing_the_password_on_the_change_password_form_is_rate_limited(
    team: Team, make: Any, login_as: Callable[[Person], Portal], session: Session
) -> None:
    mia = make.member(team, make.person(name="Mia"))
    stored = session.scalar(select(Person.password_hash).where(Person.id == mia.id))
    portal = login_as(mia)
    token = portal.csrf_token("/account")
    guesses = [
        portal.client.post(
            "/account/password",
            data={
                "current_password": f"guess {n}",
                "new_password": "a new secret",
                "csrf_token": token,
            },
        )
        for n in range(3)
    ]
    assert [guess.status_code for guess in guesses] == [422, 422, 422]
    # The fourth try is refused even with the right password, with the page that says why.
    fourth = portal.client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "a new secret", "csrf_token": token},
    )
    assert fourth.status_code == 429
    assert heading(fourth.text) == "Too many attempts"
    assert "Wait a minute, then try again." in fourth.text
    assert session.scalar(select(Person.password_hash).where(Person.id == mia.id)) == stored


@pytest.mark.usefixtures("login_limit_of_three")
def test_guessing_the_password_on_the_delete_account_form_is_rate_limited(
    team: Team, make: Any, login_as: Callable[[Person], Portal], session: Session
) -> None:
    mia = make.member(team, make.person(name="Mia"))
    portal = login_as(mia)
    token = portal.csrf_token("/account/delete")
    guesses = [
        portal.client.post(
            "/account/delete", data={"password": f"guess {n}", "csrf_token": token}
        ).status_code
        for n in range(3)
    ]
    assert guesses == [422, 422, 422]
    fourth = portal.client.post("/account/delete", data={"password": PASSWORD, "csrf_token": token})
    assert fourth.status_code == 429
    assert heading(fourth.text) == "Too many attempts"
    assert "Wait a minute, then try again." in fourth.text
    assert session.get(Person, mia.id) is not None
    # Only the answers are limited: the page that asks for the password still opens.
    assert portal.client.get("/account/delete").status_code == 200


@pytest.mark.parametrize("path", ["/account", "/account/delete"])
def test_account_pages_issue_the_same_queries_for_one_team_and_many(
    make: Any, login_as: Callable[[Person], Portal], count_queries: Any, path: str
) -> None:
    ada = make.person(name="Ada")
    make.team(ada, slug="first")
    portal = login_as(ada)
    with count_queries() as one:
        assert portal.client.get(path).status_code == 200
    for n in range(5):
        team = make.team(ada, slug=f"more-{n}", name=f"More {n}")
        make.member(team, role=Role.OWNER if n % 2 else Role.MEMBER)
    with count_queries() as many:
        page = portal.client.get(path)
    assert page.status_code == 200
    if path == "/account/delete":  # names the teams Ada alone owns, and only those
        main = page.text.split("<main", 1)[1]  # not the team switcher, which lists every team
        assert "More 4" in main and "More 1" not in main
    assert many.count == one.count, many.statements
