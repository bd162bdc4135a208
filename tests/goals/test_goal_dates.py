"""Target dates: 1900-01-01 to 9999-12-31 wherever they are taken, four digits wherever shown."""

from __future__ import annotations

from datetime import date

import pytest
from pages import field_error

from teamkit.db import job_session
from teamkit.errors import InvalidInput
from teamkit.goals.models import Goal
from teamkit.goals.services import create_goal
from teamkit.validation import DATE_MESSAGE

GOALS = "/t/crew/goals"
GOAL = {"title": "Ship", "why": "Users wait."}


@pytest.mark.parametrize("day", ["0001-01-01", "0999-12-31", "1899-12-31"])
def test_the_api_refuses_a_target_date_before_1900(crew, api_as, day):
    api = api_as(crew.owner)
    response = api.post("/api/v1/teams/crew/goals", json={**GOAL, "target_date": day})
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": "target_date", "message": DATE_MESSAGE}]


@pytest.mark.parametrize("day", ["1900-01-01", "9999-12-31"])
def test_the_api_takes_the_first_and_last_days_of_the_range(crew, api_as, day):
    api = api_as(crew.owner)
    response = api.post("/api/v1/teams/crew/goals", json={**GOAL, "target_date": day})
    assert response.status_code == 201
    assert response.json["target_date"] == day


def test_the_api_refuses_changing_a_target_date_to_the_year_1(crew, api_as, add_goal):
    goal_id = add_goal(target_date=date(2030, 1, 1))
    response = api_as(crew.owner).patch(
        f"/api/v1/teams/crew/goals/{goal_id}", json={"target_date": "0001-01-01"}
    )
    assert response.status_code == 422
    assert api_as(crew.owner).get(f"/api/v1/teams/crew/goals/{goal_id}").json["target_date"] == (
        "2030-01-01"
    )


def test_the_goal_form_refuses_a_target_date_before_1900(crew, login_as, rows):
    response = login_as(crew.owner).post(
        f"{GOALS}/new", {**GOAL, "owner_id": "", "target_date": "0001-01-01"}
    )
    assert response.status_code == 422
    assert field_error(response.text, "target_date") == DATE_MESSAGE
    assert rows(Goal) == 0


def test_the_goal_form_offers_only_the_range_to_the_date_picker(crew, login_as):
    html = login_as(crew.owner).client.get(f"{GOALS}/new").text
    assert 'min="1900-01-01"' in html and 'max="9999-12-31"' in html


def test_a_date_from_before_the_rule_is_shown_with_four_digits_and_not_erased(
    app, crew, login_as, add_goal
):
    goal_id = add_goal(target_date=date(2030, 1, 1))
    with app.app_context(), job_session(app) as session:
        session.get(Goal, goal_id).target_date = date(1, 1, 1)  # stored before the rule
    portal = login_as(crew.owner)
    form = portal.client.get(f"{GOALS}/{goal_id}/edit").text
    assert 'value="0001-01-01"' in form
    page = portal.client.get(f"{GOALS}/{goal_id}").text
    assert '<time datetime="0001-01-01">0001-01-01</time>' in page
    saved = portal.post(
        f"{GOALS}/{goal_id}/edit",
        {**GOAL, "owner_id": "", "status": "active", "target_date": "0001-01-01"},
    )
    assert saved.status_code == 422  # refused with the reason, never silently emptied
    with app.app_context(), job_session(app) as session:
        assert session.get(Goal, goal_id).target_date == date(1, 1, 1)


def test_the_service_refuses_a_date_outside_the_range(app, crew, as_member):
    with app.app_context(), job_session(app) as session:
        owner = as_member(crew.owner)
        owner = session.merge(owner)
        with pytest.raises(InvalidInput) as refused:
            create_goal(session, owner, **GOAL, target_date=date(10, 1, 1))
    assert refused.value.errors == {"target_date": DATE_MESSAGE}
