"""API: what the portal's goal management offers: moving goals, goal settings, hard delete."""

from __future__ import annotations

import pytest

from teamkit.goals.models import CheckIn, Goal
from teamkit.goals.services import Measure

PROBLEM = "application/problem+json"
GOALS = "/api/v1/teams/crew/goals"
SETTINGS = "/api/v1/teams/crew/goal-settings"


def _fields(response):
    return {item["field"] for item in response.json.get("errors", [])}


def _titles(api):
    return [goal["title"] for goal in api.get(GOALS).json["items"]]


@pytest.fixture
def three_goals(add_goal):
    """Add goals "one", "two" and "three", in that order; return their ids by title."""
    return {title: add_goal(title) for title in ("one", "two", "three")}


# ---------------------------------------------------------------- moving


@pytest.mark.parametrize("who", ["owner", "facilitator"])
def test_owners_and_facilitators_move_a_goal_up_and_down(crew, api_as, three_goals, who):
    api = api_as(getattr(crew, who))
    response = api.post(f"{GOALS}/{three_goals['three']}/move", json={"direction": "up"})
    assert response.status_code == 200 and response.json["title"] == "three"
    assert _titles(api) == ["one", "three", "two"]
    api.post(f"{GOALS}/{three_goals['one']}/move", json={"direction": "down"})
    assert _titles(api) == ["three", "one", "two"]


def test_member_gets_403_moving_a_goal_and_nothing_moves(crew, api_as, three_goals):
    api = api_as(crew.member)
    response = api.post(f"{GOALS}/{three_goals['two']}/move", json={"direction": "up"})
    assert response.status_code == 403 and response.mimetype == PROBLEM
    assert _titles(api) == ["one", "two", "three"]


@pytest.mark.parametrize(
    ("title", "direction", "edge"), [("one", "up", "first"), ("three", "down", "last")]
)
def test_moving_past_the_first_or_last_goal_is_a_409_that_says_so(
    crew, api_as, three_goals, title, direction, edge
):
    api = api_as(crew.facilitator)
    response = api.post(f"{GOALS}/{three_goals[title]}/move", json={"direction": direction})
    assert response.status_code == 409 and response.mimetype == PROBLEM
    assert f"“{title}” is already {edge}; nothing moved." in response.json["detail"]
    assert _titles(api) == ["one", "two", "three"]


def test_a_goal_moves_only_among_the_goals_pinned_alike(crew, api_as, add_goal):
    add_goal("north star", is_pinned=True)
    first_unpinned = add_goal("one")
    api = api_as(crew.facilitator)
    response = api.post(f"{GOALS}/{first_unpinned}/move", json={"direction": "up"})
    assert response.status_code == 409
    assert _titles(api) == ["north star", "one"]


def test_an_archived_goal_is_a_409_to_move(crew, api_as, three_goals):
    api = api_as(crew.facilitator)
    api.patch(f"{GOALS}/{three_goals['two']}", json={"archived": True})
    response = api.post(f"{GOALS}/{three_goals['two']}/move", json={"direction": "up"})
    assert response.status_code == 409 and "Unarchive" in response.json["detail"]


@pytest.mark.parametrize("body", [{}, {"direction": "left"}, {"direction": 1}])
def test_a_move_without_up_or_down_is_a_422_naming_direction(crew, api_as, three_goals, body):
    api = api_as(crew.facilitator)
    response = api.post(f"{GOALS}/{three_goals['two']}/move", json=body)
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert _fields(response) == {"direction"}
    assert _titles(api) == ["one", "two", "three"]


def test_another_teams_goal_is_404_to_move_and_stays_put(crew, make, api_as, add_goal):
    second = make.team(crew.owner, slug="second")
    add_goal("theirs first", team=second)
    theirs = add_goal("theirs second", team=second)
    api = api_as(crew.owner)
    response = api.post(f"{GOALS}/{theirs}/move", json={"direction": "up"})
    assert response.status_code == 404 and response.mimetype == PROBLEM
    listed = api.get("/api/v1/teams/second/goals").json["items"]
    assert [goal["title"] for goal in listed] == ["theirs first", "theirs second"]


# ---------------------------------------------------------------- goal settings


def test_every_member_reads_the_goal_settings(crew, api_as):
    response = api_as(crew.member).get(SETTINGS)
    assert response.status_code == 200
    assert response.json == {"goals_per_digest": 3}


@pytest.mark.parametrize("who", ["owner", "facilitator"])
def test_owners_and_facilitators_set_the_goals_per_digest(crew, api_as, who):
    api = api_as(getattr(crew, who))
    response = api.patch(SETTINGS, json={"goals_per_digest": 5})
    assert response.status_code == 200 and response.json == {"goals_per_digest": 5}
    assert api_as(crew.member).get(SETTINGS).json == {"goals_per_digest": 5}
    # A goals setting, exposed only by the goals endpoints: the team knows nothing of it.
    assert "goals_per_digest" not in api.get("/api/v1/teams/crew").json


def test_member_gets_403_changing_the_goal_settings_and_nothing_changes(crew, api_as):
    api = api_as(crew.member)
    response = api.patch(SETTINGS, json={"goals_per_digest": 5})
    assert response.status_code == 403 and response.mimetype == PROBLEM
    assert api.get(SETTINGS).json == {"goals_per_digest": 3}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"goals_per_digest": 0},
        {"goals_per_digest": 11},
        {"goals_per_digest": "5"},
        {"goals_per_digest": 2.5},
        {"goals_per_digest": 2**40},
        {"goals_per_digest": None},
    ],
)
def test_bad_goals_per_digest_is_a_422_naming_it_and_changes_nothing(crew, api_as, body):
    api = api_as(crew.owner)
    response = api.patch(SETTINGS, json=body)
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert _fields(response) == {"goals_per_digest"}
    assert api.get(SETTINGS).json == {"goals_per_digest": 3}


# ---------------------------------------------------------------- deleting


def test_owner_deletes_a_goal_with_its_check_ins_for_good(crew, api_as, add_goal, rows):
    goal_id = add_goal(measure=Measure(start=0, target=10), check_ins=[(3, 4, None)])
    api = api_as(crew.owner)
    response = api.delete(f"{GOALS}/{goal_id}")
    assert response.status_code == 204 and response.get_data() == b""
    assert api.get(f"{GOALS}/{goal_id}").status_code == 404
    assert (rows(Goal), rows(CheckIn)) == (0, 0)


@pytest.mark.parametrize("who", ["facilitator", "member"])
def test_only_an_owner_deletes_a_goal_others_get_403_and_it_stays(crew, api_as, add_goal, who):
    goal_id = add_goal()
    response = api_as(getattr(crew, who)).delete(f"{GOALS}/{goal_id}")
    assert response.status_code == 403 and response.mimetype == PROBLEM
    assert "archive it instead" in response.json["detail"]
    assert api_as(crew.owner).get(f"{GOALS}/{goal_id}").json["title"]


def test_another_teams_goal_is_404_to_delete_and_stays(crew, make, api_as, add_goal):
    theirs = add_goal("Their goal", team=make.team(crew.owner, slug="second"))
    api = api_as(crew.owner)
    response = api.delete(f"{GOALS}/{theirs}")
    assert response.status_code == 404 and response.mimetype == PROBLEM
    assert api.get(f"/api/v1/teams/second/goals/{theirs}").json["title"] == "Their goal"


# ---------------------------------------------------------------- the OpenAPI document


def test_moving_settings_and_delete_are_in_the_openapi_document(client):
    document = client.get("/api/openapi.json").json
    paths = document["paths"]
    assert "delete" in paths["/api/v1/teams/{slug}/goals/{goal_id}"]
    assert "204" in paths["/api/v1/teams/{slug}/goals/{goal_id}"]["delete"]["responses"]
    assert "post" in paths["/api/v1/teams/{slug}/goals/{goal_id}/move"]
    assert set(paths["/api/v1/teams/{slug}/goal-settings"]) >= {"get", "patch"}
    schemas = document["components"]["schemas"]
    settings = schemas["GoalSettings"]["properties"]["goals_per_digest"]
    assert (settings["minimum"], settings["maximum"]) == (1, 10)
    assert schemas["Move"]["properties"]["direction"]["enum"] == ["up", "down"]
