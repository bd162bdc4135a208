"""A team's URL name (slug): typed in any case, with stray spaces, through the portal or the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from clients import Api
from pages import field_error
from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.teams.models import Team
from teamkit.teams.services import suggest_slug


@pytest.fixture
def ada(make: Any) -> Person:
    return make.person(name="Ada")


def slugs(session: Session) -> list[str]:
    return list(session.scalars(select(Team.slug).order_by(Team.id)))


@pytest.mark.parametrize("typed", ["DEMO", " Demo ", "demo"])
def test_a_url_name_typed_in_capitals_or_with_spaces_is_lower_cased_and_trimmed(
    ada: Person, login_as: Any, session: Session, typed: str
) -> None:
    response = login_as(ada).post("/teams", {"name": "Demo", "slug": typed})
    assert response.status_code == 302
    assert response.headers["Location"] == "/t/demo/"
    assert slugs(session) == ["demo"]


@pytest.mark.parametrize("slug", [" DEMO ", "Demo", "a--b", "new"])
def test_the_api_takes_a_slug_only_in_the_form_its_document_gives(
    ada: Person, api_as: Callable[[Person], Api], session: Session, slug: str
) -> None:
    # The OpenAPI document states the pattern (and the reserved names): a client that
    # follows it is never refused, and one that doesn't is told which field is wrong.
    response = api_as(ada).post("/api/v1/teams", json={"name": "Demo", "slug": slug})
    assert response.status_code == 422
    assert [error["field"] for error in response.json["errors"]] == ["slug"]
    assert slugs(session) == []


def test_a_url_name_taken_in_another_case_is_refused_by_its_field_name(
    ada: Person, make: Any, login_as: Any, session: Session
) -> None:
    make.team(slug="demo")
    response = login_as(ada).post("/teams", {"name": "Demo", "slug": "DEMO"})
    assert response.status_code == 422
    assert field_error(response.text, "slug") == "This URL name is taken. “demo-2” is free."
    assert slugs(session) == ["demo"]


def test_a_taken_slug_in_the_api_names_the_url_name(
    ada: Person, make: Any, api_as: Callable[[Person], Api]
) -> None:
    make.team(slug="demo")
    response = api_as(ada).post("/api/v1/teams", json={"name": "Demo", "slug": "demo"})
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    assert response.json["errors"] == [
        {"field": "slug", "message": "This URL name is taken. “demo-2” is free."}
    ]


def test_a_url_name_typed_as_words_is_taken_as_the_url_name_it_makes(
    ada: Person, login_as: Any, session: Session
) -> None:
    response = login_as(ada).post("/teams", {"name": "Payments", "slug": "Payments Platform"})
    assert response.status_code == 302
    assert slugs(session) == ["payments-platform"]


def test_an_empty_url_name_is_made_from_the_team_name(
    ada: Person, login_as: Any, session: Session
) -> None:
    response = login_as(ada).post("/teams", {"name": "Équipe Paiements", "slug": ""})
    assert response.status_code == 302
    assert response.location.endswith("/t/equipe-paiements/")
    assert slugs(session) == ["equipe-paiements"]


def test_a_taken_url_name_is_refused_with_a_free_one_filled_in(
    ada: Person, make: Any, login_as: Any, session: Session
) -> None:
    make.team(slug="payments-platform")
    response = login_as(ada).post("/teams", {"name": "Payments", "slug": "Payments Platform"})
    assert response.status_code == 422
    assert (
        field_error(response.text, "slug")
        == "This URL name is taken. “payments-platform-2” is free."
    )
    assert 'name="slug" type="text" value="payments-platform-2"' in response.text
    assert slugs(session) == ["payments-platform"]


def test_the_form_says_the_url_name_can_be_left_to_the_team_name(
    ada: Person, login_as: Any
) -> None:
    html = login_as(ada).client.get("/teams").text
    assert "“Payments Platform” becomes payments-platform" in html


def test_suggested_url_names_skip_taken_and_reserved_ones(make: Any, session: Session) -> None:
    make.team(slug="core")
    make.team(slug="core-2")
    assert suggest_slug(session, "Core") == "core-3"
    assert suggest_slug(session, "New") == "new-2"
    assert suggest_slug(session, "!") is None
    assert len(suggest_slug(session, "x" * 80) or "") == 40


def test_the_api_makes_the_url_name_from_the_name_when_none_is_given(
    ada: Person, api_as: Callable[[Person], Api]
) -> None:
    response = api_as(ada).post("/api/v1/teams", json={"name": "Payments Platform"})
    assert response.status_code == 201
    assert response.json["slug"] == "payments-platform"
