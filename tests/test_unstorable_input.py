"""Input no database can take (a NUL character, an id past any row's) is a clear 4xx that
changes nothing, on SQLite and PostgreSQL alike, for every route."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from clients import Api, Portal
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.goals.models import Goal
from teamkit.retros.models import ActionItem, Retro
from teamkit.teams.models import Team

HUGE = 10**23


@pytest.fixture
def ada(make: Any) -> Person:
    ada = make.person(name="Ada")
    make.team(ada, slug="core")
    return ada


@pytest.fixture
def goal_id(ada: Person, api_as: Callable[[Person], Api]) -> int:
    response = api_as(ada).post("/api/v1/teams/core/goals", json={"title": "Ship", "why": "Users"})
    assert response.status_code == 201
    return int(response.json["id"])


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", f"/api/v1/teams/core/goals/{HUGE}", None),
        ("patch", f"/api/v1/teams/core/goals/{HUGE}", {"title": "Ship"}),
        ("get", f"/api/v1/teams/core/goals/{HUGE}/checkins", None),
        ("get", f"/api/v1/teams/core/goals/{HUGE}/reinforcements", None),
        ("patch", f"/api/v1/teams/core/members/{HUGE}", {"role": "member"}),
        ("delete", f"/api/v1/teams/core/members/{HUGE}", None),
    ],
)
def test_an_api_id_past_any_row_is_a_404_problem(
    ada: Person, api_as: Callable[[Person], Api], method: str, path: str, body: Any
) -> None:
    api = api_as(ada)
    response = api.get(path) if method == "get" else getattr(api, method)(path, json=body)
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


@pytest.mark.parametrize(
    "path", [f"/t/core/goals/{HUGE}", f"/t/core/goals/{HUGE}/delete", f"/t/core/goals/{HUGE}/edit"]
)
def test_a_portal_id_past_any_row_is_a_404_page(
    ada: Person, login_as: Callable[[Person], Portal], path: str
) -> None:
    portal = login_as(ada)
    assert portal.client.get(path).status_code == 404


def test_revoking_a_token_id_past_any_row_is_a_404(
    ada: Person, login_as: Callable[[Person], Portal]
) -> None:
    assert login_as(ada).post(f"/account/tokens/{HUGE}/revoke").status_code == 404


def test_a_forged_cursor_with_a_huge_offset_is_a_422_naming_the_cursor(
    ada: Person, api_as: Callable[[Person], Api]
) -> None:
    cursor = base64.urlsafe_b64encode(f"o:{HUGE}".encode()).decode().rstrip("=")
    response = api_as(ada).get(f"/api/v1/teams/core/goals?cursor={cursor}")
    assert response.status_code == 422
    assert [error["field"] for error in response.json["errors"]] == ["cursor"]


def test_a_nul_character_in_api_json_is_a_422_naming_the_field_and_writes_nothing(
    ada: Person, api_as: Callable[[Person], Api], session: Session
) -> None:
    response = api_as(ada).post(
        "/api/v1/teams/core/goals", json={"title": "Ship\x00it", "why": "Users"}
    )
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.json["errors"][0]["field"] == "title"
    assert "NUL" in response.json["errors"][0]["message"]
    assert session.scalar(select(func.count()).select_from(Goal)) == 0


def test_a_nul_character_in_a_nested_api_field_is_named_with_its_path(
    ada: Person, api_as: Callable[[Person], Api]
) -> None:
    response = api_as(ada).post(
        "/api/v1/teams/core/goals",
        json={"title": "Ship", "why": "Users", "measure": {"unit": "x\x00"}},
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "measure.unit"


def test_a_nul_character_in_a_checkin_note_is_refused(
    ada: Person, api_as: Callable[[Person], Api], goal_id: int
) -> None:
    response = api_as(ada).post(
        f"/api/v1/teams/core/goals/{goal_id}/checkins", json={"note": "a\x00b", "confidence": 3}
    )
    assert response.status_code == 422


def test_a_nul_character_in_a_portal_form_is_refused_and_writes_nothing(
    ada: Person, login_as: Callable[[Person], Portal], session: Session
) -> None:
    portal = login_as(ada)
    response = portal.post("/teams", data={"name": "Mobile\x00", "slug": "mobile"})
    assert response.status_code == 422
    assert "NUL character" in response.get_data(as_text=True)
    assert session.scalar(select(Team).where(Team.slug == "mobile")) is None


def test_a_nul_character_in_an_address_is_refused(
    ada: Person, login_as: Callable[[Person], Portal], api_as: Callable[[Person], Api]
) -> None:
    assert login_as(ada).client.get("/t/co%00re/").status_code == 422
    assert api_as(ada).get("/api/v1/teams/co%00re").status_code == 422
    assert api_as(ada).get("/api/v1/teams/core/goals?status=active%00").status_code == 422


def test_a_lone_surrogate_in_api_json_is_a_422_naming_the_field_and_writes_nothing(
    ada: Person, api_as: Callable[[Person], Api], session: Session
) -> None:
    response = api_as(ada).client.post(
        "/api/v1/teams/core/goals",
        data='{"title": "Ship \\ud800", "why": "Users"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {api_as(ada).token}"},
    )
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "title"
    assert "surrogate" in response.json["errors"][0]["message"]
    assert session.scalar(select(func.count()).select_from(Goal)) == 0


@pytest.mark.parametrize("field", ["owner_id", "goal_id"])
def test_an_id_past_any_row_in_an_action_item_form_is_refused_beside_the_field(
    ada: Person,
    api_as: Callable[[Person], Api],
    login_as: Callable[[Person], Portal],
    session: Session,
    field: str,
) -> None:
    api = api_as(ada)
    retro = api.post("/api/v1/teams/core/retros", json={"format": "incident", "title": "Outage"})
    assert retro.status_code == 201
    me = api.get("/api/v1/teams/core/members").json["items"][0]["id"]
    item = {"title": "Automate failover", "owner_id": str(me), "goal_id": ""}
    portal = login_as(ada)
    response = portal.post(
        f"/t/core/retros/{retro.json['id']}/action-items", data={**item, field: str(HUGE)}
    )
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(ActionItem)) == 0


def test_a_participant_id_past_any_row_is_refused_beside_the_field(
    ada: Person, login_as: Callable[[Person], Portal], session: Session
) -> None:
    response = login_as(ada).post(
        "/t/core/retros/new",
        data={"format": "incident", "title": "Outage", "participant_ids": str(HUGE)},
    )
    assert response.status_code == 422
    assert 'id="participant_ids-error"' in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Retro)) == 0
