"""A JSON body nested deeper than any teamkit reads is a 400 problem, never a 500."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from clients import Api

from teamkit.auth.models import Person
from teamkit.inputs import MAX_JSON_DEPTH, json_depth

DEEP = "[" * 1000 + "]" * 1000


@pytest.fixture
def ada(make: Any) -> Person:
    ada = make.person(name="Ada")
    make.team(ada, slug="core")
    return ada


@pytest.mark.parametrize(
    "body",
    [DEEP, "[" * 100_000, '{"a":' * 1000 + "1" + "}" * 1000, '{"title": ' + DEEP + "}"],
)
@pytest.mark.parametrize("with_token", [True, False])
def test_a_deeply_nested_body_is_a_400_problem_without_a_traceback(
    client: Any,
    ada: Person,
    api_as: Callable[[Person], Api],
    caplog: pytest.LogCaptureFixture,
    body: str,
    with_token: bool,
) -> None:
    headers = {"Authorization": f"Bearer {api_as(ada).token}"} if with_token else {}
    with caplog.at_level(logging.INFO):
        response = client.post(
            "/api/v1/teams", data=body, content_type="application/json", headers=headers
        )
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert "levels deep" in response.json["detail"]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info] == []


def test_a_nested_body_within_the_limit_is_read_as_usual(
    ada: Person, api_as: Callable[[Person], Api]
) -> None:
    nested: Any = "text\x00"
    for _ in range(MAX_JSON_DEPTH - 1):
        nested = [nested]
    response = api_as(ada).post("/api/v1/teams", json={"name": nested})
    # The walk for unstorable text reaches the bottom and names the field.
    assert response.status_code == 422
    assert [error["field"] for error in response.json["errors"]] == ["name"]


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    assert json_depth(b'{"a": "[[[[{{{{", "b": ["\\"]]]]"]}') == 2
    assert json_depth(b'"unterminated [[[[') == 0
