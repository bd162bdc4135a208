"""The JSON API: bearer tokens only, problem+json errors, pagination, the OpenAPI document."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from clients import Api, Portal, forge
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamkit.auth.models import ApiToken, Person
from teamkit.db import utcnow
from teamkit.teams.models import Invite, Membership, Role, Team

PROBLEM = "application/problem+json"


@pytest.fixture
def ada(make: Any) -> Person:
    return make.person(name="Ada", email="ada@example.com")


@pytest.fixture
def api(ada: Person, api_as: Callable[[Person], Api]) -> Api:
    return api_as(ada)


@pytest.fixture
def team(make: Any, ada: Person) -> Team:
    return make.team(ada, slug="core", name="Core team")


def count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """Check the RFC 9457 shape and return the body."""
    assert response.status_code == status
    assert response.content_type == PROBLEM
    body: dict[str, Any] = response.json
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["detail"]
    return body


def fields_named(body: dict[str, Any]) -> set[str]:
    return {error["field"] for error in body.get("errors", [])}


# ---------------------------------------------------------------- tokens


def test_me_answers_the_person_behind_the_token(api: Api, ada: Person) -> None:
    response = api.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json["id"] == ada.id
    assert response.json["email"] == "ada@example.com"
    assert response.json["name"] == "Ada"


def test_request_without_a_token_is_a_401_problem_naming_the_scheme(client: FlaskClient) -> None:
    response = client.get("/api/v1/me")
    body = assert_problem(response, 401)
    assert "Bearer" in body["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "authorization", ["Bearer tk_not-a-real-token", "Bearer ", "Basic YWRhOnB3", "tk_abc"]
)
def test_a_wrong_or_malformed_token_gets_401(client: FlaskClient, authorization: str) -> None:
    assert_problem(client.get("/api/v1/me", headers={"Authorization": authorization}), 401)


def test_the_session_cookie_alone_does_not_authenticate_the_api(
    ada: Person, login_as: Any, client: FlaskClient
) -> None:
    login_as(ada)
    assert client.get("/account").status_code == 200
    assert_problem(client.get("/api/v1/me"), 401)


def test_a_token_made_in_the_portal_works_until_revoked(
    ada: Person, login_as: Any, client: FlaskClient, session: Session
) -> None:
    portal: Portal = login_as(ada)
    page = portal.post("/account", {"name": "release script"}).text
    match = re.search(r'id="new-token">([^<]+)<', page)
    assert match is not None
    api = Api(client, match.group(1))
    assert api.get("/api/v1/me").status_code == 200
    token_id = session.scalar(select(ApiToken.id))
    portal.post(f"/account/tokens/{token_id}/revoke")
    assert_problem(api.get("/api/v1/me"), 401)


def test_using_a_token_records_when_it_was_last_used(
    api: Api, ada: Person, session: Session
) -> None:
    assert session.scalar(select(ApiToken.last_used_at)) is None
    api.get("/api/v1/me")
    used = session.scalar(select(ApiToken.last_used_at))
    assert used is not None
    assert utcnow() - used < timedelta(minutes=1)


def test_a_token_used_again_within_a_minute_is_not_written_again(
    api: Api, ada: Person, session: Session
) -> None:
    with time_machine.travel(utcnow(), tick=False) as traveller:
        api.get("/api/v1/me")
        first = session.scalar(select(ApiToken.last_used_at))
        traveller.shift(timedelta(seconds=30))
        api.get("/api/v1/me")
        session.expire_all()
        assert session.scalar(select(ApiToken.last_used_at)) == first
        traveller.shift(timedelta(seconds=31))
        api.get("/api/v1/me")
        session.expire_all()
        later = session.scalar(select(ApiToken.last_used_at))
    assert later is not None and first is not None
    assert later - first == timedelta(seconds=61)


def test_only_a_hash_of_the_token_is_stored(api: Api, session: Session) -> None:
    stored = session.scalar(select(ApiToken))
    assert stored is not None
    assert api.token is not None
    assert api.token not in (stored.token_hash, stored.prefix)
    assert api.token.startswith(stored.prefix)


# ---------------------------------------------------------------- problems


def test_unknown_api_path_is_a_404_problem(api: Api) -> None:
    assert_problem(api.get("/api/v1/no-such-thing"), 404)


def test_wrong_method_is_a_405_problem_with_the_allowed_methods(api: Api) -> None:
    response = api.delete("/api/v1/me")
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_a_form_body_is_a_415_problem_and_writes_nothing(
    api: Api, client: FlaskClient, session: Session
) -> None:
    response = client.post(
        "/api/v1/teams",
        data={"name": "Core", "slug": "core"},
        headers={"Authorization": f"Bearer {api.token}"},
    )
    body = assert_problem(response, 415)
    assert "application/json" in body["detail"]
    assert count(session, Team) == 0


def test_malformed_json_is_a_400_problem_that_says_so(
    api: Api, client: FlaskClient, session: Session
) -> None:
    response = client.post(
        "/api/v1/teams",
        data='{"name": "Core", "slug": ',
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}"},
    )
    body = assert_problem(response, 400)
    assert body["detail"] == "The body is not valid JSON."
    assert count(session, Team) == 0


def test_missing_fields_are_a_422_problem_naming_each_field(api: Api, session: Session) -> None:
    body = assert_problem(api.post("/api/v1/teams", json={}), 422)
    assert fields_named(body) == {"name"}  # the slug is made from the name when left out
    assert "name" in body["detail"]
    assert count(session, Team) == 0


def test_a_json_body_that_is_not_an_object_is_a_422_problem(api: Api) -> None:
    body = assert_problem(api.post("/api/v1/teams", json=["core"]), 422)
    assert fields_named(body) == {"body"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "n" * 81, "slug": "core"}, "name"),
        ({"name": "Core", "slug": "s" * 41}, "slug"),
        ({"name": "Core", "slug": "Not A Slug"}, "slug"),
        ({"name": "   ", "slug": "core"}, "name"),
    ],
)
def test_invalid_team_fields_are_a_422_problem_and_write_nothing(
    api: Api, session: Session, payload: dict[str, str], field: str
) -> None:
    body = assert_problem(api.post("/api/v1/teams", json=payload), 422)
    assert fields_named(body) == {field}
    assert count(session, Team) == 0


def test_a_taken_slug_is_a_409_problem_naming_the_field(
    api: Api, team: Team, session: Session
) -> None:
    body = assert_problem(api.post("/api/v1/teams", json={"name": "X", "slug": "core"}), 409)
    assert fields_named(body) == {"slug"}
    assert count(session, Team) == 1


# ---------------------------------------------------------------- teams


def test_creating_a_team_answers_201_with_its_id_and_makes_the_caller_owner(
    api: Api, session: Session
) -> None:
    response = api.post("/api/v1/teams", json={"name": "Platform", "slug": "platform"})
    assert response.status_code == 201
    created = response.json
    assert created["id"] == session.scalar(select(Team.id).where(Team.slug == "platform"))
    assert created["role"] == "owner"
    assert api.get("/api/v1/teams/platform").json["role"] == "owner"


def test_a_team_answers_with_the_callers_role(
    team: Team, make: Any, api_as: Callable[[Person], Api]
) -> None:
    mia = make.member(team, role=Role.FACILITATOR)
    response = api_as(mia).get("/api/v1/teams/core")
    assert response.status_code == 200
    assert response.json["name"] == "Core team"
    assert response.json["role"] == "facilitator"


def test_members_list_names_each_member_and_role(team: Team, make: Any, api: Api) -> None:
    make.member(team, make.person(name="Mia"), role=Role.FACILITATOR)
    items = api.get("/api/v1/teams/core/members").json["items"]
    assert [(item["person"]["name"], item["role"]) for item in items] == [
        ("Ada", "owner"),
        ("Mia", "facilitator"),
    ]
    assert all(isinstance(item["id"], int) for item in items)


def test_members_come_owners_first_then_facilitators_then_members_by_name(
    make: Any, ada: Person, api: Api
) -> None:
    team = make.team(ada, slug="core")
    for name, role in [("zoe", Role.MEMBER), ("Bea", Role.MEMBER), ("Yan", Role.FACILITATOR)]:
        make.member(team, make.person(name=name), role=role)
    items = api.get("/api/v1/teams/core/members").json["items"]
    assert [item["person"]["name"] for item in items] == ["Ada", "Yan", "Bea", "zoe"]


def test_the_last_owner_cannot_leave_through_the_api_and_stays(
    team: Team, ada: Person, api: Api, session: Session
) -> None:
    mine = api.get("/api/v1/teams/core/members").json["items"][0]["id"]
    response = assert_problem(api.delete(f"/api/v1/teams/core/members/{mine}"), 409)
    assert "keeps an owner" in response["detail"]
    assert count(session, Membership) == 1


def test_an_unknown_role_names_the_field(team: Team, api: Api) -> None:
    mine = api.get("/api/v1/teams/core/members").json["items"][0]["id"]
    body = assert_problem(
        api.patch(f"/api/v1/teams/core/members/{mine}", json={"role": "boss"}), 422
    )
    assert [error["field"] for error in body["errors"]] == ["role"]


def test_a_membership_of_another_team_is_not_found_and_stays(
    team: Team, make: Any, api: Api, session: Session
) -> None:
    other = make.team(make.person(), slug="other")
    stranger = make.member(other)
    theirs = session.scalar(select(Membership.id).where(Membership.person_id == stranger.id))
    assert_problem(api.delete(f"/api/v1/teams/core/members/{theirs}"), 404)
    assert_problem(api.patch(f"/api/v1/teams/core/members/{theirs}", json={"role": "owner"}), 404)
    assert session.scalar(select(Membership.role).where(Membership.id == theirs)) is Role.MEMBER


# ---------------------------------------------------------------- pagination


def pages(api: Api, path: str) -> list[dict[str, Any]]:
    """Follow `next` from `path` to the last page; return every page."""
    found = []
    url: str | None = path
    while url is not None:
        response = api.get(url)
        assert response.status_code == 200, response.json
        found.append(response.json)
        following = response.json["next"]
        url = f"{urlsplit(following).path}?{urlsplit(following).query}" if following else None
        assert len(found) < 20, "pagination does not end"
    return found


def test_the_next_page_link_is_under_the_public_base_url(make: Any, ada: Person, api: Api) -> None:
    for letter in "ab":
        make.team(ada, slug=f"team-{letter}")
    following = api.get("/api/v1/teams?limit=1").json["next"]
    assert following.startswith("http://teamkit.test/api/v1/teams?")


def test_a_query_argument_named_like_a_url_part_is_ignored(
    make: Any, ada: Person, api: Api
) -> None:
    team = make.team(ada, slug="core")
    make.member(team)
    response = api.get("/api/v1/teams/core/members?limit=1&slug=elsewhere&colour=red")
    assert response.status_code == 200
    following = response.json["next"]
    assert "slug=" not in following and "colour" not in following
    assert api.get(following.replace("http://teamkit.test", "")).status_code == 200


def test_a_list_walked_page_by_page_yields_every_item_once(
    make: Any, ada: Person, api: Api
) -> None:
    for letter in "abcde":
        make.team(ada, slug=f"team-{letter}", name=f"Team {letter.upper()}")
    walked = pages(api, "/api/v1/teams?limit=2")
    assert [len(page["items"]) for page in walked] == [2, 2, 1]
    slugs = [item["slug"] for page in walked for item in page["items"]]
    assert slugs == [f"team-{letter}" for letter in "abcde"]
    assert walked[-1]["next_cursor"] is None
    assert walked[0]["next_cursor"]


def test_the_members_list_is_paginated_too(make: Any, team: Team, api: Api) -> None:
    for _ in range(3):
        make.member(team)
    walked = pages(api, "/api/v1/teams/core/members?limit=3")
    assert [len(page["items"]) for page in walked] == [3, 1]


@pytest.fixture
def page_size_of_two(app_config: dict[str, Any]) -> None:
    """Set the default page size (before the app is created)."""
    app_config["API_PAGE_SIZE"] = 2


@pytest.mark.usefixtures("page_size_of_two")
def test_a_list_without_limit_uses_the_configured_page_size(
    make: Any, ada: Person, api: Api
) -> None:
    for _ in range(3):
        make.team(ada)
    assert len(api.get("/api/v1/teams").json["items"]) == 2


@pytest.mark.parametrize("cursor", ["not-a-cursor", "bzotMQ", "eDox"])
def test_an_invalid_cursor_is_a_422_problem_naming_it(api: Api, cursor: str) -> None:
    body = assert_problem(api.get(f"/api/v1/teams?cursor={cursor}"), 422)
    assert fields_named(body) == {"cursor"}


@pytest.mark.parametrize("limit", ["0", "201", "many"])
def test_an_invalid_limit_is_a_422_problem_naming_it(api: Api, limit: str) -> None:
    body = assert_problem(api.get(f"/api/v1/teams?limit={limit}"), 422)
    assert fields_named(body) == {"limit"}


# ---------------------------------------------------------------- invites


def test_owner_creates_an_invite_link(team: Team, api: Api) -> None:
    response = api.post("/api/v1/teams/core/invites", json={"role": "facilitator"})
    assert response.status_code == 201
    invite = response.json
    assert invite["url"] == f"http://teamkit.test/invites/{invite['token']}"
    assert invite["role"] == "facilitator"
    assert invite["expires_at"]


def test_an_invite_defaults_to_the_member_role(team: Team, api: Api) -> None:
    assert api.post("/api/v1/teams/core/invites").json["role"] == "member"


def test_an_invite_for_an_unknown_role_is_a_422_problem(
    team: Team, api: Api, session: Session
) -> None:
    body = assert_problem(api.post("/api/v1/teams/core/invites", json={"role": "admin"}), 422)
    assert fields_named(body) == {"role"}
    assert count(session, Invite) == 0


@pytest.fixture
def invite_token(team: Team, api: Api) -> str:
    return str(api.post("/api/v1/teams/core/invites", json={"role": "member"}).json["token"])


def test_accepting_an_invite_answers_201_with_the_team_and_new_membership(
    invite_token: str, make: Any, api_as: Callable[[Person], Api], session: Session
) -> None:
    mia = make.person()
    response = api_as(mia).post(f"/api/v1/invites/{invite_token}/accept")
    assert response.status_code == 201
    assert response.json["team"]["slug"] == "core"
    assert response.json["member"]["role"] == "member"
    assert response.json["member"]["id"] == session.scalar(
        select(Membership.id).where(Membership.person_id == mia.id)
    )


def test_a_used_invite_is_a_410_problem(
    invite_token: str, make: Any, api_as: Callable[[Person], Api]
) -> None:
    api_as(make.person()).post(f"/api/v1/invites/{invite_token}/accept")
    body = assert_problem(api_as(make.person()).post(f"/api/v1/invites/{invite_token}/accept"), 410)
    assert "used" in body["detail"]


def test_an_expired_invite_is_a_410_problem(
    invite_token: str, make: Any, api_as: Callable[[Person], Api]
) -> None:
    api = api_as(make.person())
    with time_machine.travel(utcnow() + timedelta(days=8)):
        body = assert_problem(api.post(f"/api/v1/invites/{invite_token}/accept"), 410)
    assert "expired" in body["detail"]


def test_a_forged_invite_is_a_404_problem(
    invite_token: str, make: Any, api_as: Callable[[Person], Api]
) -> None:
    forged = forge(invite_token)
    assert_problem(api_as(make.person()).post(f"/api/v1/invites/{forged}/accept"), 404)


# ---------------------------------------------------------------- OpenAPI


@pytest.fixture
def openapi(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json
    return document


def test_openapi_document_is_version_3_1(openapi: dict[str, Any]) -> None:
    assert openapi["openapi"].startswith("3.1")


def test_openapi_document_lists_every_api_route_and_method(
    app: Flask, openapi: dict[str, Any]
) -> None:
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")]
    assert len(rules) >= 7
    missing = []
    for rule in rules:
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            if method.lower() not in openapi["paths"].get(path, {}):
                missing.append(f"{method} {path}")
    assert missing == []


def test_openapi_request_schema_is_the_one_that_validates(openapi: dict[str, Any]) -> None:
    body = openapi["paths"]["/api/v1/teams"]["post"]["requestBody"]
    reference = body["content"]["application/json"]["schema"]["$ref"]
    schema = openapi["components"]["schemas"][reference.rsplit("/", 1)[1]]
    assert set(schema["required"]) == {"name"}
    assert schema["properties"]["slug"]["maxLength"] == 40


def test_openapi_document_declares_bearer_authentication(openapi: dict[str, Any]) -> None:
    schemes = openapi["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert openapi["security"] == [{"bearerAuth": []}]


def _operations(openapi: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in openapi["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def _response(openapi: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    name = answer["$ref"].rsplit("/", 1)[1]
    response: dict[str, Any] = openapi["components"]["responses"][name]
    return response


def test_openapi_documents_every_error_answer_as_a_problem(openapi: dict[str, Any]) -> None:
    undocumented = []
    for path, method, operation in _operations(openapi):
        expected = {"401", "default"} | ({"404"} if "{" in path else set())
        if "{slug}" in path:
            expected |= {"403"}
        if method in {"post", "patch"}:
            expected |= {"400", "415", "422"}
        for status in expected:
            answer = operation["responses"].get(status)
            content = _response(openapi, answer)["content"] if answer else {}
            if content.get(PROBLEM, {}).get("schema") != {"$ref": "#/components/schemas/Problem"}:
                undocumented.append(f"{method.upper()} {path} {status}")
    assert undocumented == []


def test_a_real_422_answer_has_exactly_the_documented_problem_shape(
    openapi: dict[str, Any], api: Api
) -> None:
    body = assert_problem(api.post("/api/v1/teams", json={"name": "", "slug": "NO SPACES"}), 422)
    schema = openapi["components"]["schemas"]["Problem"]
    assert set(body) <= set(schema["properties"])
    assert set(schema["required"]) <= set(body)
    assert isinstance(body["status"], int)
    item = openapi["components"]["schemas"]["FieldError"]
    assert all(set(error) == set(item["properties"]) for error in body["errors"])


def test_every_problem_with_the_same_status_has_the_same_title(api: Api) -> None:
    """RFC 9457: an "about:blank" problem's title is its status's name; the detail varies."""
    from_schema = assert_problem(api.post("/api/v1/teams", json={"name": ""}), 422)
    from_service = assert_problem(
        api.post("/api/v1/teams", json={"name": "Team", "slug": "-bad-"}), 422
    )
    assert from_schema["title"] == from_service["title"] == "Unprocessable Content"
    not_found_routes = assert_problem(api.get("/api/v1/nothing-here"), 404)
    not_found_rows = assert_problem(api.get("/api/v1/teams/nobody"), 404)
    assert not_found_routes["title"] == not_found_rows["title"] == "Not Found"


# ---------------------------------------------------------------- the document and the server agree


def test_a_boolean_field_takes_only_true_or_false(api: Api) -> None:
    api.post("/api/v1/teams", json={"name": "Core", "slug": "core"})
    response = api.post("/api/v1/teams/core/goals", json={"title": "T", "why": "W", "pinned": 0})
    body = assert_problem(response, 422)
    assert fields_named(body) == {"pinned"}


@pytest.mark.parametrize("value", [3.0, 3])
def test_a_whole_number_field_takes_an_integer_valued_number(api: Api, value: float) -> None:
    api.post("/api/v1/teams", json={"name": "Core", "slug": "core"})
    response = api.patch("/api/v1/teams/core/goal-settings", json={"goals_per_digest": value})
    assert response.status_code == 200
    assert response.json["goals_per_digest"] == 3


@pytest.mark.parametrize("value", ["3", 3.5, True])
def test_a_whole_number_field_refuses_text_fractions_and_booleans(api: Api, value: Any) -> None:
    api.post("/api/v1/teams", json={"name": "Core", "slug": "core"})
    response = api.patch("/api/v1/teams/core/goal-settings", json={"goals_per_digest": value})
    assert fields_named(assert_problem(response, 422)) == {"goals_per_digest"}


def test_bodies_the_server_does_without_are_optional_in_the_document(
    openapi: dict[str, Any],
) -> None:
    paths = openapi["paths"]
    assert paths["/api/v1/teams/{slug}/invites"]["post"]["requestBody"]["required"] is False
    assert (
        paths["/api/v1/teams/{slug}/goals/{goal_id}"]["patch"]["requestBody"]["required"] is False
    )
    assert paths["/api/v1/teams/{slug}/members/{membership_id}"]["patch"]["requestBody"]["required"]


def test_the_document_states_the_slug_pattern_and_the_date_range(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    slug = schemas["TeamCreate"]["properties"]["slug"]
    assert slug["pattern"] == "^[a-z0-9]+(?:-[a-z0-9]+)*$"
    assert "new" in slug["not"]["enum"]
    target_date = schemas["GoalCreate"]["properties"]["target_date"]
    assert re.match(target_date["pattern"], "1900-01-01")
    assert not re.match(target_date["pattern"], "1899-12-31")


def test_a_text_longer_than_its_maximum_is_refused_even_if_spaces_make_it_so(api: Api) -> None:
    # The document's maxLength counts what is sent: 80 characters and 40 spaces are 120.
    response = api.post("/api/v1/teams", json={"name": "n" * 80 + " " * 40, "slug": "core"})
    assert fields_named(assert_problem(response, 422)) == {"name"}
