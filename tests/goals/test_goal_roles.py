"""The goals' role matrix: what an owner, a facilitator and a member may do with the team's
goals, in the portal and the API. Members check in; facilitators and owners set, edit,
order, archive and review goals; only owners delete one for good."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from clients import Api, Portal
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.goals.models import CheckIn, Goal, Reinforcement
from teamkit.goals.settings import get_settings as goal_settings
from teamkit.teams.models import Role, Team

OWNER, FACILITATOR, MEMBER = Role.OWNER, Role.FACILITATOR, Role.MEMBER
EVERYONE = {OWNER, FACILITATOR, MEMBER}
LEADS = {OWNER, FACILITATOR}
GOALS = "/api/v1/teams/core/goals"

#: action -> the roles allowed to do it, the same in the portal and the API.
MATRIX: dict[str, set[Role]] = {
    "view the goals": EVERYONE,
    "check in": EVERYONE,
    "create a goal": LEADS,
    "edit a goal": LEADS,
    "archive a goal": LEADS,
    "move a goal": LEADS,
    "mark a goal reviewed": LEADS,
    "change the goal settings": LEADS,
    "delete a goal": {OWNER},
}


@dataclass
class Crew:
    """A team with its founding owner, two goals, and the person acting in the role tested."""

    team: Team
    actor: Person
    first: int
    second: int
    session: Session

    def goal(self, goal_id: int) -> Goal | None:
        self.session.expire_all()
        return self.session.get(Goal, goal_id)

    def count(self, model: Any) -> int:
        return int(self.session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def crew(
    app: Flask, make: Any, session: Session, api_as: Callable[[Person], Api], request: Any
) -> Crew:
    founder = make.person(name="Founder")
    team = make.team(founder, slug="core", name="Core team")
    actor = make.member(team, make.person(name="Actor"), role=request.param)
    founder_api = api_as(founder)
    ids = [
        founder_api.post(GOALS, json={"title": title, "why": "Because."}).json["id"]
        for title in ("First", "Second")
    ]
    return Crew(team, actor, ids[0], ids[1], session)


def cases(matrix: dict[str, set[Role]]) -> list[Any]:
    return [
        pytest.param(role, action, role in allowed, id=f"{role.value}-{action.replace(' ', '-')}")
        for action, allowed in matrix.items()
        for role in Role
    ]


def portal_action(action: str, portal: Portal, crew: Crew) -> bool:
    """Do `action` in the portal; return whether it took effect."""
    goal_url = f"/t/core/goals/{crew.first}"
    form = {"why": "Because.", "status": "active", "owner_id": ""}
    if action == "view the goals":
        page = portal.client.get("/t/core/goals")
        return page.status_code == 200 and "First" in page.text
    if action == "check in":
        portal.post(goal_url, {"confidence": "4"})
        return crew.count(CheckIn) == 1
    if action == "create a goal":
        portal.post("/t/core/goals/new", {**form, "title": "Third"})
        return crew.count(Goal) == 3
    if action == "edit a goal":
        portal.post(f"{goal_url}/edit", {**form, "title": "Renamed"})
        return crew.goal(crew.first).title == "Renamed"  # type: ignore[union-attr]
    if action == "archive a goal":
        portal.post(f"{goal_url}/archive")
        return crew.goal(crew.first).is_archived  # type: ignore[union-attr]
    if action == "move a goal":
        portal.post(f"{goal_url}/move-down")
        return crew.goal(crew.first).position > crew.goal(crew.second).position  # type: ignore[union-attr,operator]
    if action == "mark a goal reviewed":
        portal.post(f"{goal_url}/reviewed")
        return crew.count(Reinforcement) == 1
    if action == "delete a goal":
        portal.post(f"{goal_url}/delete")
        return crew.goal(crew.first) is None
    if action == "change the goal settings":
        portal.post("/t/core/goals/settings", {"goals_per_digest": "5"})
        crew.session.expire_all()
        return goal_settings(crew.session, crew.team).goals_per_digest == 5
    raise AssertionError(f"unknown action {action}")


def api_action(action: str, api: Api, crew: Crew) -> int:
    """Do `action` through the API; return the status code, checking what it changed."""
    goal_url = f"{GOALS}/{crew.first}"
    if action == "view the goals":
        return int(api.get(GOALS).status_code)
    if action == "check in":
        status = api.post(f"{goal_url}/checkins", json={"confidence": 4}).status_code
        assert (crew.count(CheckIn) == 1) is (status == 201)
        return int(status)
    if action == "create a goal":
        status = api.post(GOALS, json={"title": "Third", "why": "Because."}).status_code
        assert (crew.count(Goal) == 3) is (status == 201)
        return int(status)
    if action == "edit a goal":
        status = api.patch(goal_url, json={"title": "Renamed"}).status_code
        assert (crew.goal(crew.first).title == "Renamed") is (status == 200)  # type: ignore[union-attr]
        return int(status)
    if action == "archive a goal":
        status = api.patch(goal_url, json={"archived": True}).status_code
        assert crew.goal(crew.first).is_archived is (status == 200)  # type: ignore[union-attr]
        return int(status)
    if action == "move a goal":
        status = api.post(f"{goal_url}/move", json={"direction": "down"}).status_code
        moved = crew.goal(crew.first).position > crew.goal(crew.second).position  # type: ignore[union-attr,operator]
        assert moved is (status == 200)
        return int(status)
    if action == "mark a goal reviewed":
        status = api.post(f"{goal_url}/reinforcements", json={}).status_code
        assert (crew.count(Reinforcement) == 1) is (status == 201)
        return int(status)
    if action == "change the goal settings":
        status = api.patch("/api/v1/teams/core/goal-settings", json={"goals_per_digest": 5})
        crew.session.expire_all()
        changed = goal_settings(crew.session, crew.team).goals_per_digest == 5
        assert changed is (status.status_code == 200)
        return int(status.status_code)
    if action == "delete a goal":
        status = api.delete(goal_url).status_code
        assert (crew.goal(crew.first) is None) is (status == 204)
        return int(status)
    raise AssertionError(f"unknown action {action}")


@pytest.mark.parametrize(("crew", "action", "allowed"), cases(MATRIX), indirect=["crew"])
def test_portal_lets_each_role_do_with_goals_what_the_matrix_allows(
    crew: Crew, action: str, allowed: bool, portal_of: Callable[[Person], Portal]
) -> None:
    assert portal_action(action, portal_of(crew.actor), crew) is allowed


@pytest.mark.parametrize(("crew", "action", "allowed"), cases(MATRIX), indirect=["crew"])
def test_api_lets_each_role_do_with_goals_what_the_matrix_allows(
    crew: Crew, action: str, allowed: bool, api_as: Callable[[Person], Api]
) -> None:
    status = api_action(action, api_as(crew.actor), crew)
    assert status in ((200, 201, 204) if allowed else (403,))
