"""The portal shell: security headers, cookies, the secret key, error pages, health, request log."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from clients import Portal
from flask import Flask, abort
from flask.testing import FlaskClient
from pages import heading
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from test_accessibility import audit

from teamkit import create_app
from teamkit.auth.models import Person
from teamkit.auth.services import create_person
from teamkit.db import get_engine, get_session

PAGES_FOR_A_VISITOR = ["/", "/login", "/signup", "/no-such-page"]
PAGES_FOR_AN_OWNER = ["/teams", "/account", "/t/core/", "/t/core/members"]


@pytest.fixture
def owner_portal(make: Any, login_as: Any) -> Portal:
    owner = make.person()
    make.team(owner, slug="core")
    portal: Portal = login_as(owner)
    return portal


def csp(response: Any) -> dict[str, str]:
    """Return the Content-Security-Policy as {directive: sources}."""
    policy = response.headers["Content-Security-Policy"]
    return dict((part.strip() + " ").split(" ", 1) for part in policy.split(";"))


# ---------------------------------------------------------------- security headers


@pytest.mark.parametrize("path", [*PAGES_FOR_A_VISITOR, "/healthz", "/api/openapi.json"])
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert csp(response)["frame-ancestors"].strip() == "'none'"


@pytest.mark.parametrize("token", [None, "valid"])
def test_api_answers_carry_the_security_headers(
    make: Any, client: FlaskClient, token: str | None
) -> None:
    headers = {"Authorization": f"Bearer {make.token(make.person())}"} if token else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert csp(response)["frame-ancestors"].strip() == "'none'"


def test_content_security_policy_allows_no_inline_script(client: FlaskClient) -> None:
    policy = csp(client.get("/login"))
    assert policy["script-src"].strip() == "'self'"
    assert policy["default-src"].strip() == "'self'"
    assert policy["object-src"].strip() == "'none'"


def inline_scripts(page: str) -> list[str]:
    scripts = [tag for tag in re.findall(r"<script\b[^>]*>", page) if "src=" not in tag]
    handlers = re.findall(r"<[^>]+\son[a-z]+\s*=", page)
    return scripts + handlers


@pytest.mark.parametrize("path", PAGES_FOR_A_VISITOR)
def test_pages_for_a_visitor_hold_no_inline_script(client: FlaskClient, path: str) -> None:
    assert inline_scripts(client.get(path).text) == []


@pytest.mark.parametrize("path", PAGES_FOR_AN_OWNER)
def test_pages_for_a_member_hold_no_inline_script(owner_portal: Portal, path: str) -> None:
    response = owner_portal.client.get(path)
    assert response.status_code == 200
    assert inline_scripts(response.text) == []


@pytest.mark.parametrize("path", PAGES_FOR_AN_OWNER)
def test_pages_for_a_logged_in_person_are_not_cached(owner_portal: Portal, path: str) -> None:
    assert owner_portal.client.get(path).headers["Cache-Control"] == "no-store"


def test_api_answers_for_a_token_are_not_cached(make: Any, client: FlaskClient) -> None:
    token = make.token(make.person())
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.headers["Cache-Control"] == "no-store"


# ---------------------------------------------------------------- accessible forms


def unlabelled_inputs(page: str) -> list[str]:
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', page))
    inputs = re.findall(r"<(?:input|select|textarea)\b[^>]*>", page)
    missing = []
    for tag in inputs:
        if re.search(r'type="(hidden|submit)"', tag):
            continue
        found = re.search(r'\bid="([^"]+)"', tag)
        if found is None or found.group(1) not in labelled:
            missing.append(tag)
    return missing


@pytest.mark.parametrize("path", ["/login", "/signup"])
def test_every_input_for_a_visitor_has_a_label(client: FlaskClient, path: str) -> None:
    page = client.get(path).text
    assert "<input" in page
    assert unlabelled_inputs(page) == []


@pytest.mark.parametrize("path", ["/teams", "/account", "/t/core/members"])
def test_every_input_for_a_member_has_a_label(owner_portal: Portal, path: str) -> None:
    assert unlabelled_inputs(owner_portal.client.get(path).text) == []


# ---------------------------------------------------------------- session cookie


def session_cookie_header(portal: Portal, make: Any) -> str:
    response = portal.login(make.person())
    cookies = [value for value in response.headers.getlist("Set-Cookie")]
    found = [cookie for cookie in cookies if cookie.startswith("session=")]
    assert found, cookies
    return found[0]


def test_session_cookie_is_http_only_and_same_site_lax(portal: Portal, make: Any) -> None:
    cookie = session_cookie_header(portal, make)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


@pytest.fixture
def https_base_url(app_config: dict[str, Any]) -> None:
    """Serve under an https address (set before the app is created)."""
    app_config["BASE_URL"] = "https://teamkit.example"


@pytest.mark.usefixtures("https_base_url")
def test_session_cookie_is_secure_when_the_base_url_is_https(portal: Portal, make: Any) -> None:
    cookie = session_cookie_header(portal, make)
    assert "Secure" in cookie
    assert "HttpOnly" in cookie


def test_no_strict_transport_security_over_plain_http(client: FlaskClient) -> None:
    assert "Strict-Transport-Security" not in client.get("/login").headers


@pytest.mark.usefixtures("https_base_url")
@pytest.mark.parametrize("path", ["/", "/login", "/static/teamkit.css", "/api/v1/me", "/healthz"])
def test_every_response_asks_browsers_to_keep_to_https_when_the_base_url_is_https(
    client: FlaskClient, path: str
) -> None:
    assert client.get(path).headers["Strict-Transport-Security"] == "max-age=31536000"


# ---------------------------------------------------------------- secret key


@pytest.fixture
def no_secret_key(app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Path:
    """Give no secret key anywhere; return where the generated one is kept."""
    monkeypatch.delenv("TEAMKIT_SECRET_KEY", raising=False)
    del app_config["SECRET_KEY"]
    return Path(app_config["INSTANCE_PATH"]) / "secret_key"


def test_a_secret_key_is_generated_into_the_instance_folder(
    no_secret_key: Path, app: Flask
) -> None:
    assert no_secret_key.read_text().strip() == app.secret_key
    assert len(app.secret_key or "") >= 32
    assert no_secret_key.stat().st_mode & 0o077 == 0


def test_the_generated_secret_key_is_reused_so_sessions_survive_a_restart(
    no_secret_key: Path, app_config: dict[str, Any], make: Any, login_as: Any, client: FlaskClient
) -> None:
    login_as(make.person())
    cookie = client.get_cookie("session")
    assert cookie is not None
    restarted = create_app(app_config)
    try:
        assert restarted.secret_key == client.application.secret_key
        browser = restarted.test_client()
        browser.set_cookie("session", cookie.value)
        assert browser.get("/account").status_code == 200
    finally:
        get_engine(restarted).dispose()


# ---------------------------------------------------------------- error pages


@pytest.fixture
def failing_app(app: Flask) -> Flask:
    """The app with routes that fail on purpose, and errors handled as in production."""

    @app.get("/boom")
    def boom() -> str:
        create_person(get_session(), "half@example.com", "Half written", "a password")
        get_session().flush()
        raise RuntimeError("boom")

    @app.get("/api/v1/boom")
    def api_boom() -> str:
        raise RuntimeError("boom")

    @app.get("/forbidden")
    def forbidden() -> str:
        abort(403)

    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_an_unknown_page_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")
    assert heading(response.text) == "Nothing here"
    assert 'href="/"' in response.text


def test_a_forbidden_page_is_a_friendly_403(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/forbidden")
    assert response.status_code == 403
    assert heading(response.text) == "Your role doesn't allow this"


def test_a_failure_is_a_friendly_500_that_saved_nothing(
    failing_app: Flask, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    response = failing_app.test_client().get("/boom")
    assert response.status_code == 500
    assert heading(response.text) == "Something went wrong on our side"
    assert "RuntimeError" not in response.text
    assert session.scalar(select(func.count()).select_from(Person)) == 0
    assert any(record.exc_info for record in caplog.records if record.levelname == "ERROR")


def test_a_failure_in_the_api_is_a_500_problem(failing_app: Flask, make: Any) -> None:
    token = make.token(make.person())
    response = failing_app.test_client().get(
        "/api/v1/boom", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 500
    assert response.content_type == "application/problem+json"
    assert "nothing was saved" in response.json["detail"]


def test_a_wrong_method_page_names_the_allowed_methods(client: FlaskClient) -> None:
    response = client.put("/healthz")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_a_wrong_method_is_a_friendly_page_in_the_portal_layout(owner_portal: Portal) -> None:
    response = owner_portal.client.get("/t/core/invites")  # a form's button posts here
    assert response.status_code == 405
    assert heading(response.text) == "This page can't be opened this way"
    assert "Method Not Allowed" not in response.text
    assert '<details class="switcher">' in response.text
    assert "POST" in response.headers["Allow"]
    assert audit(response.text) == []


# ---------------------------------------------------------------- navigation


def nav_of(page: str) -> str:
    return page.split('<nav class="nav"', 1)[1].split("</nav>", 1)[0]


def links_marked_current(page: str) -> list[str]:
    """Return the text of the navigation links marked as the page being shown."""
    found = re.findall(r'<a [^>]*aria-current="page"[^>]*>(.*?)</a>', nav_of(page), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in found]


@pytest.mark.parametrize(
    ("path", "marked"),
    [
        ("/t/core/", "Home"),
        ("/t/core/goals", "Goals"),
        ("/t/core/members", "Members"),
        ("/teams", "All teams · new team"),
        ("/account", "Ada"),
    ],
)
def test_the_navigation_marks_the_page_being_shown(
    make: Any, login_as: Any, path: str, marked: str
) -> None:
    ada = make.person(name="Ada")
    make.team(ada, slug="core")
    page = login_as(ada).client.get(path).text
    assert links_marked_current(page) == [marked]


@pytest.mark.parametrize("path", ["/login", "/signup"])
def test_the_navigation_marks_the_page_for_a_visitor(client: FlaskClient, path: str) -> None:
    expected = {"/login": "Log in", "/signup": "Sign up"}[path]
    assert links_marked_current(client.get(path).text) == [expected]


@pytest.mark.parametrize(
    "path", ["/account", "/teams", "/no-such-page", "/logout", "/t/core/invites"]
)
def test_every_page_for_a_logged_in_person_keeps_the_team_switcher_and_links(
    owner_portal: Portal, path: str
) -> None:
    nav = nav_of(owner_portal.client.get(path).text)
    switcher = nav.split('<details class="switcher">', 1)[1].split("</details>", 1)[0]
    assert 'href="/t/core/"' in switcher
    assert 'href="/t/core/members">Members</a>' in nav


def test_away_from_team_pages_the_navigation_shows_the_team_visited_last(
    make: Any, login_as: Any
) -> None:
    ada = make.person()
    make.team(ada, slug="core", name="Core team")
    make.team(ada, slug="beta", name="Beta")
    portal = login_as(ada)
    portal.client.get("/t/beta/")
    nav = nav_of(portal.client.get("/account").text)
    assert "<summary>Beta" in nav
    assert 'href="/t/beta/members">Members</a>' in nav
    assert 'aria-current="true">Beta</a>' in nav


# ---------------------------------------------------------------- health and request log


def test_health_check_answers_ok_when_the_database_answers(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


@pytest.fixture
def unreachable_database_app(tmp_path: Path) -> Iterator[Flask]:
    """An app whose PostgreSQL does not answer (nothing listens on port 1)."""
    app = create_app(
        {
            "DATABASE_URL": "postgresql+psycopg://teamkit@127.0.0.1:1/teamkit",
            "SECRET_KEY": "test-secret-key",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
        }
    )
    yield app
    get_engine(app).dispose()


def test_health_check_answers_503_when_the_database_is_unreachable(
    unreachable_database_app: Flask,
) -> None:
    response = unreachable_database_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unreachable"}


def test_the_api_answers_503_when_the_database_is_unreachable(
    unreachable_database_app: Flask,
) -> None:
    client = unreachable_database_app.test_client()
    api = client.get("/api/v1/teams/core/goals", headers={"Authorization": "Bearer tk_x"})
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert api.json["status"] == 503 and api.headers["Retry-After"]


def test_each_request_is_logged_with_method_path_status_and_duration(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="teamkit.request"):
        client.get("/no-such-page?from=test")
    lines = [r.getMessage() for r in caplog.records if r.name == "teamkit.request"]
    assert len(lines) == 1
    assert re.fullmatch(r"GET /no-such-page\?from=test 404 \d+\.\dms", lines[0])


def test_the_request_timer_starts_before_every_guard(app: Flask) -> None:
    # The logged duration counts the guards' queries and the rate limit, not only the view.
    first = app.before_request_funcs[None][0]
    assert first.__name__ == "_start_timer"
