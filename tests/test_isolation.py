"""Invariant 1: every team URL, page or API, answers 404 to anyone not in the team.

The tests walk the app's URL map, so a route added later is covered without editing them.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from urlmap import Call, calls, team_rules

from teamkit.teams.models import Role

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
#: URL prefixes under which everything belongs to one team.
TEAM_PREFIXES = ("/t/", "/api/v1/teams/")


@pytest.fixture
def views_reached(app: Flask) -> list[str]:
    """Record every team view that runs: a 404 from the guard must come before the view."""
    reached: list[str] = []
    for rule in team_rules(app):
        view = app.view_functions[rule.endpoint]

        def recording(*args: Any, _view: Any = view, _name: str = rule.endpoint, **kwargs: Any):
            reached.append(_name)
            return _view(*args, **kwargs)

        app.view_functions[rule.endpoint] = recording
    return reached


@pytest.fixture
def team(make: Any) -> Any:
    """A team with an owner and a member, whose URLs outsiders probe."""
    team = make.team(slug="core", name="Core team")
    make.member(team)
    return team


@pytest.fixture
def outsider(make: Any) -> Any:
    """Someone with a team of their own, but not in `team`."""
    person = make.person(name="Outsider")
    make.team(person, slug="elsewhere")
    return person


def portal_request(portal: Any, call: Call) -> Any:
    data = {"csrf_token": portal.csrf_token("/login")} if call.method in BODY_METHODS else None
    return portal.client.open(call.url, method=call.method, data=data)


def api_request(api: Any, call: Call) -> Any:
    body = {} if call.method in BODY_METHODS else None
    headers = {"Authorization": f"Bearer {api.token}"}
    return api.client.open(call.url, method=call.method, json=body, headers=headers)


def test_every_url_under_a_team_prefix_names_the_team_so_the_guard_sees_it(app: Flask) -> None:
    unguarded = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(TEAM_PREFIXES) and "slug" not in rule.arguments
    ]
    assert unguarded == []


def test_walker_finds_the_team_pages_and_api_endpoints(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in team_rules(app)}
    assert {"teams.home", "teams.members", "teams.create_invite"} <= endpoints
    assert {"teams_api.get_team", "teams_api.list_members", "teams_api.create_invite"} <= endpoints
    found = list(calls(team_rules(app), "core"))
    assert any(call.is_api for call in found)
    assert any(not call.is_api for call in found)


@pytest.mark.parametrize("slug", ["core", "no-such-team"])
def test_non_member_gets_404_on_every_team_page(
    app: Flask, team: Any, outsider: Any, login_as: Any, slug: str, views_reached: list[str]
) -> None:
    portal = login_as(outsider)
    page_calls = [call for call in calls(team_rules(app), slug) if not call.is_api]
    assert page_calls
    answers = {str(call): portal_request(portal, call).status_code for call in page_calls}
    assert {call: status for call, status in answers.items() if status != 404} == {}
    assert views_reached == []


@pytest.mark.parametrize("slug", ["core", "no-such-team"])
def test_non_member_token_gets_404_on_every_team_api_endpoint(
    app: Flask, team: Any, outsider: Any, api_as: Any, slug: str, views_reached: list[str]
) -> None:
    api = api_as(outsider)
    api_calls = [call for call in calls(team_rules(app), slug) if call.is_api]
    assert api_calls
    answers = {str(call): api_request(api, call).status_code for call in api_calls}
    assert {call: status for call, status in answers.items() if status != 404} == {}
    assert views_reached == []


def test_non_member_404_on_a_team_url_looks_like_a_missing_page(
    team: Any, outsider: Any, login_as: Any
) -> None:
    response = login_as(outsider).client.get("/t/core/members")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Core team" not in page
    assert "Nothing here" in page


def test_non_member_404_in_the_api_is_a_problem_that_names_nothing(
    team: Any, outsider: Any, api_as: Any
) -> None:
    response = api_as(outsider).get("/api/v1/teams/core")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert "core" not in response.get_data(as_text=True).lower()


def test_visitor_is_sent_to_log_in_from_every_team_page(app: Flask, team: Any, portal: Any) -> None:
    page_calls = [call for call in calls(team_rules(app), "core") if not call.is_api]
    answers = {str(call): portal_request(portal, call) for call in page_calls}
    not_sent = {
        call: response.status_code
        for call, response in answers.items()
        if response.status_code != 302 or "/login" not in response.headers["Location"]
    }
    assert not_sent == {}


def test_request_without_token_gets_401_on_every_team_api_endpoint(
    app: Flask, team: Any, client: Any
) -> None:
    api_calls = [call for call in calls(team_rules(app), "core") if call.is_api]
    answers = {
        str(call): client.open(call.url, method=call.method).status_code for call in api_calls
    }
    assert {call: status for call, status in answers.items() if status != 401} == {}


def test_member_reaches_the_team_pages_the_walker_builds(
    app: Flask, make: Any, team: Any, login_as: Any
) -> None:
    owner = make.person(name="Second owner")
    make.member(team, owner, role=Role.OWNER)
    portal = login_as(owner)
    reads = [
        call
        for call in calls(team_rules(app), "core")
        if call.method == "GET" and not call.is_api and call.rule.arguments == {"slug"}
    ]
    assert reads
    answers = {str(call): portal_request(portal, call).status_code for call in reads}
    assert {call: status for call, status in answers.items() if status == 404} == {}


def test_the_view_recorder_sees_a_members_request(
    team: Any, make: Any, login_as: Any, views_reached: list[str]
) -> None:
    owner = make.person(name="Second owner")
    make.member(team, owner, role=Role.OWNER)
    login_as(owner).client.get("/t/core/members")
    assert views_reached == ["teams.members"]
