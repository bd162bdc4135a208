"""API: /api/v1/teams/{slug}/goals, check-ins and reinforcements."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from teamkit.db import job_session
from teamkit.goals.models import CheckIn, Goal, Reinforcement
from teamkit.goals.reinforcements import record_reinforcement
from teamkit.goals.services import Measure

PROBLEM = "application/problem+json"
GOALS = "/api/v1/teams/crew/goals"


def _fields(response):
    return {item["field"] for item in response.json.get("errors", [])}


def test_facilitator_creates_goal_and_gets_201_with_id(crew, api_as):
    response = api_as(crew.facilitator).post(
        GOALS,
        json={
            "title": "Answer every customer within a day",
            "why": "People who feel heard stay.",
            "slogan": "Nobody waits",
            "pinned": True,
            "target_date": "2027-01-31",
            "measure": {"unit": "%", "start": 62, "target": 95},
        },
    )
    assert response.status_code == 201
    goal = response.json
    assert isinstance(goal["id"], int)
    assert goal["slogan"] == "Nobody waits" and goal["pinned"] is True
    assert goal["measure"] == {
        "unit": "%",
        "start": 62,
        "target": 95,
        "current": 62,
        "progress": 0,
        "progress_text": "62% now, from 62% up to 95% · 0% of the way",
    }
    assert goal["status"] == "active" and goal["check_in_count"] == 0


def test_a_goal_needs_only_title_and_why(crew, api_as):
    response = api_as(crew.owner).post(GOALS, json={"title": "Ship daily", "why": "Learn fast."})
    assert response.status_code == 201
    assert response.json["measure"] is None and response.json["slogan"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"title": "T", "why": "W", "slogan": "%s"}' % ("x" * 81), "slogan"),
        ('{"title": "T"}', "why"),
        ('{"why": "W"}', "title"),
        ('{"title": "T", "why": "W", "measure": {"start": "abc", "target": 1}}', "measure.start"),
        ('{"title": "T", "why": "W", "measure": {"start": 0, "target": NaN}}', "measure.target"),
        (
            '{"title": "T", "why": "W", "measure": {"start": 0, "target": Infinity}}',
            "measure.target",
        ),
        ('{"title": "T", "why": "W", "measure": {"start": -1e999, "target": 1}}', "measure.start"),
        ('{"title": "T", "why": "W", "measure": {"start": 3, "target": 3}}', "measure.target"),
        ('{"title": "T", "why": "W", "owner_id": 999999}', "owner_id"),
    ],
)
def test_bad_goal_is_a_422_problem_naming_the_field_and_writes_nothing(
    crew, api_as, rows, body, field
):
    response = api_as(crew.owner).post(GOALS, data=body, content_type="application/json")
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert field in _fields(response), response.json
    assert rows(Goal) == 0


def test_member_gets_403_creating_a_goal_and_nothing_is_written(crew, api_as, rows):
    response = api_as(crew.member).post(GOALS, json={"title": "T", "why": "W"})
    assert response.status_code == 403
    assert response.mimetype == PROBLEM
    assert rows(Goal) == 0


def test_member_can_check_in_but_not_create_goal(crew, api_as, add_goal):
    goal_id = add_goal(measure=None)
    api = api_as(crew.member)
    assert api.post(GOALS, json={"title": "T", "why": "W"}).status_code == 403
    response = api.post(f"{GOALS}/{goal_id}/checkins", json={"note": "On track", "confidence": 4})
    assert response.status_code == 201
    assert response.json["confidence"] == 4 and response.json["person"]["name"] == "Max Member"


def test_member_cannot_edit_a_goal(crew, api_as, add_goal):
    response = api_as(crew.member).patch(f"{GOALS}/{add_goal()}", json={"title": "Mine"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"confidence": 0}, "confidence"),
        ({"confidence": 6}, "confidence"),
        ({"confidence": "high"}, "confidence"),
        ({"confidence": 2.5}, "confidence"),
        ({"note": "no confidence"}, "confidence"),
        ({"confidence": 3, "value": "abc"}, "value"),
        ({"confidence": 3, "value": 1e308 * 10}, "value"),
    ],
)
def test_bad_check_in_is_a_422_problem_naming_the_field(crew, api_as, add_goal, rows, body, field):
    goal_id = add_goal(measure=Measure(start=0, target=10))
    response = api_as(crew.member).post(
        f"{GOALS}/{goal_id}/checkins", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert field in _fields(response), response.json
    assert rows(CheckIn) == 0


def test_value_on_an_unmeasured_goal_is_a_422_naming_value(crew, api_as, add_goal):
    response = api_as(crew.member).post(
        f"{GOALS}/{add_goal()}/checkins", json={"value": 3, "confidence": 3}
    )
    assert response.status_code == 422 and _fields(response) == {"value"}


def test_another_teams_goal_is_404_everywhere(crew, make, api_as, add_goal, rows):
    stranger = make.person()
    make.team(stranger, slug="elsewhere")
    goal_id = add_goal()
    other_id = add_goal("Their goal", team=make.team(crew.owner, slug="second"))
    api = api_as(crew.owner)
    for path in (
        f"{GOALS}/{other_id}",
        f"{GOALS}/{other_id}/checkins",
        f"{GOALS}/{other_id}/reinforcements",
    ):
        assert api.get(path).status_code == 404
    assert api.patch(f"{GOALS}/{other_id}", json={"title": "Hijacked"}).status_code == 404
    assert api.post(f"{GOALS}/{other_id}/checkins", json={"confidence": 3}).status_code == 404
    # The PATCH through the wrong team changed nothing: its own team still sees its title.
    own = api.get(f"/api/v1/teams/second/goals/{other_id}")
    assert own.status_code == 200 and own.json["title"] == "Their goal"
    # And a person outside the team gets 404 for the team's goals themselves.
    outsider = api_as(stranger)
    assert outsider.get(GOALS).status_code == 404
    assert outsider.get(f"{GOALS}/{goal_id}").status_code == 404
    assert outsider.patch(f"{GOALS}/{goal_id}", json={"title": "Hijacked"}).status_code == 404
    assert api.get(f"{GOALS}/{goal_id}").json["title"] == "Answer every customer within a day"
    assert rows(CheckIn) == 0


def test_goals_list_is_paginated_pinned_first(crew, api_as, add_goal):
    for title in ("one", "two", "three"):
        add_goal(title)
    add_goal("north star", is_pinned=True)
    api = api_as(crew.member)
    first = api.get(f"{GOALS}?limit=2").json
    assert [g["title"] for g in first["items"]] == ["north star", "one"]
    assert first["next_cursor"]
    second = api.get(first["next"]).json
    assert [g["title"] for g in second["items"]] == ["two", "three"]
    assert second["next_cursor"] is None


def test_goals_list_filters_by_status_and_archive(crew, api_as, add_goal):
    api = api_as(crew.owner)
    done, old = add_goal("done"), add_goal("old")
    add_goal("open")
    api.patch(f"{GOALS}/{done}", json={"status": "achieved"})
    api.patch(f"{GOALS}/{old}", json={"archived": True})
    assert [g["title"] for g in api.get(f"{GOALS}?status=achieved").json["items"]] == ["done"]
    assert [g["title"] for g in api.get(f"{GOALS}?archived=true").json["items"]] == ["old"]
    assert [g["title"] for g in api.get(GOALS).json["items"]] == ["done", "open"]


def test_patch_changes_fields_removes_the_measure_and_archives(crew, api_as, add_goal):
    goal_id = add_goal(measure=Measure(start=0, target=10))
    response = api_as(crew.facilitator).patch(
        f"{GOALS}/{goal_id}",
        json={"title": "Renamed", "slogan": "Say it again", "measure": None, "archived": True},
    )
    assert response.status_code == 200
    goal = response.json
    assert (goal["title"], goal["slogan"], goal["measure"]) == ("Renamed", "Say it again", None)
    assert goal["archived_at"] is not None


def test_patch_with_a_long_slogan_is_a_422_and_changes_nothing(crew, api_as, add_goal):
    goal_id = add_goal(slogan="Short")
    api = api_as(crew.owner)
    response = api.patch(f"{GOALS}/{goal_id}", json={"slogan": "x" * 81, "title": "Changed"})
    assert response.status_code == 422 and _fields(response) == {"slogan"}
    assert api.get(f"{GOALS}/{goal_id}").json["title"] == "Answer every customer within a day"


def test_check_ins_are_listed_newest_first_and_update_the_goal(crew, api_as, add_goal):
    goal_id = add_goal(measure=Measure(start=0, target=10))
    api = api_as(crew.member)
    api.post(f"{GOALS}/{goal_id}/checkins", json={"value": 4, "confidence": 3})
    api.post(f"{GOALS}/{goal_id}/checkins", json={"value": 6, "confidence": 4, "note": "Better"})
    listed = api.get(f"{GOALS}/{goal_id}/checkins").json["items"]
    assert [c["value"] for c in listed] == [6, 4]
    goal = api.get(f"{GOALS}/{goal_id}").json
    assert goal["check_in_count"] == 2 and goal["measure"]["current"] == 6
    assert goal["measure"]["progress"] == 0.6 and goal["last_check_in_at"]


def test_reinforcements_say_when_and_through_which_channel(crew, api_as, add_goal, app):
    goal_id = add_goal()
    with app.app_context(), job_session(app) as session:
        goal = session.get(Goal, goal_id)
        record_reinforcement(session, goal, "email")
        record_reinforcement(session, goal, "slack")
    listed = api_as(crew.member).get(f"{GOALS}/{goal_id}/reinforcements").json["items"]
    assert sorted(r["channel"] for r in listed) == ["email", "slack"]
    assert all(r["reinforced_at"] for r in listed)
    goal = api_as(crew.member).get(f"{GOALS}/{goal_id}").json
    assert goal["reinforcement_count"] == 2 and goal["last_reinforced_at"]


def test_goal_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json["paths"]
    assert set(paths["/api/v1/teams/{slug}/goals"]) >= {"get", "post"}
    assert set(paths["/api/v1/teams/{slug}/goals/{goal_id}"]) >= {"get", "patch"}
    assert set(paths["/api/v1/teams/{slug}/goals/{goal_id}/checkins"]) >= {"get", "post"}
    assert "get" in paths["/api/v1/teams/{slug}/goals/{goal_id}/reinforcements"]


def test_facilitator_marks_a_goal_reviewed_together_through_the_api(crew, api_as, add_goal):
    goal_id = add_goal()
    response = api_as(crew.facilitator).post(f"{GOALS}/{goal_id}/reinforcements")
    assert response.status_code == 201
    assert response.json["channel"] == "review"
    assert response.json["recorded_by"]["name"]
    goal = api_as(crew.member).get(f"{GOALS}/{goal_id}").json
    assert goal["reinforcement_count"] == 1


def test_marking_a_review_twice_in_a_row_answers_the_first_one(crew, api_as, add_goal):
    goal_id = add_goal()
    api = api_as(crew.facilitator)
    first = api.post(f"{GOALS}/{goal_id}/reinforcements")
    again = api.post(f"{GOALS}/{goal_id}/reinforcements")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"]
    assert api.get(f"{GOALS}/{goal_id}").json["reinforcement_count"] == 1


def test_member_cannot_mark_a_goal_reviewed_and_nothing_is_recorded(crew, api_as, add_goal):
    goal_id = add_goal()
    response = api_as(crew.member).post(f"{GOALS}/{goal_id}/reinforcements")
    assert response.status_code == 403
    assert response.content_type == PROBLEM
    assert api_as(crew.member).get(f"{GOALS}/{goal_id}").json["reinforcement_count"] == 0


def test_achieved_goal_takes_no_check_in_or_review_through_the_api(crew, api_as, add_goal, rows):
    goal_id = add_goal()
    api_as(crew.owner).patch(f"{GOALS}/{goal_id}", json={"status": "achieved"})
    check_in = api_as(crew.member).post(f"{GOALS}/{goal_id}/checkins", json={"confidence": 4})
    review = api_as(crew.facilitator).post(f"{GOALS}/{goal_id}/reinforcements")
    for response in (check_in, review):
        assert response.status_code == 409 and response.content_type == PROBLEM
        assert "only active goals take" in response.json["detail"]
    assert (rows(CheckIn), rows(Reinforcement)) == (0, 0)


def test_goal_past_its_target_date_is_overdue_in_the_api(crew, api_as, add_goal):
    goal_id = add_goal(target_date=date.today() - timedelta(days=2))
    assert api_as(crew.member).get(f"{GOALS}/{goal_id}").json["is_overdue"] is True


@pytest.mark.parametrize("owner_id", [0, -1, 2**31, 10**30])
def test_an_owner_id_past_any_row_is_a_422_naming_it_when_creating(crew, api_as, rows, owner_id):
    response = api_as(crew.owner).post(GOALS, json={"title": "T", "why": "W", "owner_id": owner_id})
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert _fields(response) == {"owner_id"}
    assert rows(Goal) == 0


@pytest.mark.parametrize("owner_id", [0, 2**31, 10**30])
def test_an_owner_id_past_any_row_is_a_422_naming_it_when_editing(crew, api_as, add_goal, owner_id):
    goal_id = add_goal()
    api = api_as(crew.owner)
    response = api.patch(f"{GOALS}/{goal_id}", json={"owner_id": owner_id, "title": "Changed"})
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert _fields(response) == {"owner_id"}
    assert api.get(f"{GOALS}/{goal_id}").json["title"] == "Answer every customer within a day"
