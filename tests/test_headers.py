"""Headers: a Permissions-Policy that turns off what teamkit doesn't use, and a session
cookie sent only where a portal session exists and changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from clients import Portal
from flask.testing import FlaskClient

from teamkit.db import utcnow
from teamkit.web import PERMISSIONS_POLICY


def permissions(response: Any) -> dict[str, str]:
    policy = response.headers["Permissions-Policy"]
    return dict(part.strip().split("=", 1) for part in policy.split(","))


@pytest.mark.parametrize(
    "path", ["/", "/login", "/static/teamkit.css", "/api/openapi.json", "/api/v1/me", "/healthz"]
)
def test_every_response_turns_off_the_browser_features_teamkit_does_not_use(
    client: FlaskClient, path: str
) -> None:
    policy = permissions(client.get(path))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "fullscreen"):
        assert policy[feature] == "()", feature
    assert policy == permissions_of_the_app()


def permissions_of_the_app() -> dict[str, str]:
    return dict(part.strip().split("=", 1) for part in PERMISSIONS_POLICY.split(","))


@pytest.fixture
def logged_in(make: Any, login_as: Any) -> tuple[Portal, str]:
    ada = make.person(name="Ada")
    make.team(ada, slug="core")
    return login_as(ada), make.token(ada)


def set_cookies(response: Any) -> list[str]:
    return response.headers.getlist("Set-Cookie")


@pytest.mark.parametrize(
    "path", ["/static/teamkit.css", "/api/v1/me", "/api/openapi.json", "/api/v1/teams", "/healthz"]
)
def test_static_files_and_api_answers_set_no_cookie_for_a_logged_in_browser(
    logged_in: tuple[Portal, str], path: str
) -> None:
    portal, token = logged_in
    assert set_cookies(portal.client.get(path)) == []
    assert set_cookies(portal.client.get(path, headers={"Authorization": f"Bearer {token}"})) == []


def test_api_answers_set_no_cookie_for_a_visitor(client: FlaskClient) -> None:
    assert set_cookies(client.get("/api/v1/me")) == []
    assert set_cookies(client.post("/api/v1/teams", json={"name": "x"})) == []


def test_a_page_that_changes_nothing_in_the_session_sends_no_cookie(
    logged_in: tuple[Portal, str],
) -> None:
    portal, _ = logged_in
    assert set_cookies(portal.client.get("/t/core/")) != []  # the team visited last changed
    assert set_cookies(portal.client.get("/t/core/")) == []
    assert set_cookies(portal.client.get("/teams")) == []


def test_logging_in_still_sets_the_session_cookie(portal: Portal, make: Any) -> None:
    response = portal.login(make.person())
    assert any(cookie.startswith("session=") for cookie in set_cookies(response))


def test_a_logged_in_session_is_sent_again_once_a_day_to_keep_it_alive(
    logged_in: tuple[Portal, str],
) -> None:
    portal, _ = logged_in
    portal.client.get("/t/core/")
    assert set_cookies(portal.client.get("/t/core/")) == []
    with time_machine.travel(utcnow() + timedelta(days=1)):
        renewed = set_cookies(portal.client.get("/t/core/"))
        again = set_cookies(portal.client.get("/t/core/"))
    assert len(renewed) == 1 and renewed[0].startswith("session=") and "Expires=" in renewed[0]
    assert again == []
