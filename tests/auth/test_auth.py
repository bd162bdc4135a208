"""Sign-up, log-in, log-out, sessions, CSRF and the log-in rate limit."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from clients import CSRF_RE, PASSWORD, Portal
from flask import Flask
from flask.testing import FlaskClient
from pages import field_error, field_is_described_by_its_error, flashes, form_errors, heading
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from urlmap import build_url

from teamkit.api.setup import API_PATH
from teamkit.auth.models import ApiToken, Person

SIGNUP = {"name": "Ada Lovelace", "email": "ada@example.com", "password": PASSWORD}


@pytest.fixture
def sign_up(portal: Portal) -> Callable[..., Any]:
    """Post the sign-up form with `SIGNUP`, changed by keyword."""

    def post(**changes: str) -> Any:
        return portal.post("/signup", {**SIGNUP, **changes})

    return post


def people(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Person)) or 0


def is_logged_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


# ---------------------------------------------------------------- sign-up


def test_signing_up_creates_an_account_and_logs_in_with_a_first_welcome(
    sign_up: Any, client: FlaskClient, session: Session
) -> None:
    response = sign_up()
    assert response.status_code == 303
    assert response.location == "/"
    page = client.get("/teams").text
    assert "Welcome to teamkit, Ada Lovelace." in flashes(page)
    assert people(session) == 1
    account = client.get("/account").get_data(as_text=True)
    assert "Ada Lovelace" in account
    assert "ada@example.com" in account


def test_signing_up_goes_on_to_the_page_asked_for_on_this_site_only(app: Flask) -> None:
    assert Portal(app.test_client()).post("/signup?next=/account", SIGNUP).location == "/account"
    other = {**SIGNUP, "email": "grace@example.com"}
    assert Portal(app.test_client()).post("/signup?next=//evil.test/", other).location == "/"


def test_the_first_log_in_says_welcome_and_later_ones_welcome_back(make: Any, app: Flask) -> None:
    ada = make.person(name="Ada")
    first = Portal(app.test_client())
    first.login(ada)
    assert "Welcome to teamkit, Ada." in flashes(first.client.get("/teams").text)
    again = Portal(app.test_client())
    again.login(ada)
    assert "Welcome back, Ada." in flashes(again.client.get("/teams").text)


def test_password_is_stored_as_an_argon2id_hash(sign_up: Any, session: Session) -> None:
    sign_up()
    stored = session.scalar(select(Person.password_hash))
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_email_is_stored_lower_cased(sign_up: Any, session: Session) -> None:
    sign_up(email="Ada@Example.COM")
    assert session.scalar(select(Person.email)) == "ada@example.com"


@pytest.mark.parametrize("email", ["not-an-email", "ada@", "@example.com", "ada example@x.org"])
def test_sign_up_with_an_invalid_email_shows_the_error_beside_the_field(
    sign_up: Any, session: Session, email: str
) -> None:
    response = sign_up(email=email)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "email")
    assert field_is_described_by_its_error(page, "email")
    assert people(session) == 0


@pytest.mark.parametrize(
    "email", ["ada@company.local", "ada@build.test", "ada@LOCALHOST.localhost"]
)
def test_sign_up_with_an_address_on_a_reserved_name_says_why_it_is_refused(
    sign_up: Any, session: Session, email: str
) -> None:
    response = sign_up(email=email)
    assert response.status_code == 422
    error = field_error(response.get_data(as_text=True), "email")
    assert error is not None and "reserved for local networks and testing" in error
    assert "mail sent from teamkit can't reach them" in error
    assert people(session) == 0


def test_sign_up_with_an_overlong_email_is_refused(sign_up: Any, session: Session) -> None:
    response = sign_up(email="a" * 250 + "@example.com")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "email")
    assert people(session) == 0


def test_sign_up_with_an_overlong_name_is_refused(sign_up: Any, session: Session) -> None:
    response = sign_up(name="n" * 121)
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "name")
    assert people(session) == 0


def test_sign_up_with_a_short_password_is_refused(sign_up: Any, session: Session) -> None:
    response = sign_up(password="short")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "password")
    assert people(session) == 0


def test_sign_up_with_a_taken_email_asks_to_log_in_and_changes_nothing(
    app: Flask, make: Any, session: Session
) -> None:
    ada = make.person(email="ada@example.com", name="Ada")
    portal = Portal(app.test_client())
    response = portal.post("/signup", {**SIGNUP, "email": "ADA@example.com", "name": "Someone"})
    assert response.status_code == 303
    assert response.location == "/login"
    login_page = portal.client.get("/login").text
    assert "You already have an account with this email" in " ".join(flashes(login_page))
    assert 'value="ada@example.com"' in login_page  # filled in
    assert not is_logged_in(portal.client)
    assert people(session) == 1
    found = session.scalar(select(Person).where(Person.email == "ada@example.com"))
    assert found is not None and found.name == "Ada" and found.password_hash == ada.password_hash


def test_sign_up_keeps_what_was_typed_after_an_error(sign_up: Any) -> None:
    page = sign_up(email="not-an-email").get_data(as_text=True)
    assert 'value="Ada Lovelace"' in page
    assert PASSWORD not in page


# ---------------------------------------------------------------- log-in and log-out


def test_logging_in_with_the_right_password_opens_a_session(
    make: Any, portal: Portal, client: FlaskClient
) -> None:
    ada = make.person(name="Ada")
    response = portal.login(ada)
    assert response.status_code == 302
    assert is_logged_in(client)


@pytest.mark.parametrize("email_of", [lambda p: p.email, lambda p: "nobody@example.com"])
def test_logging_in_with_a_wrong_email_or_password_shows_one_message(
    make: Any, portal: Portal, client: FlaskClient, email_of: Callable[[Person], str]
) -> None:
    ada = make.person()
    token = portal.csrf_token("/login")
    response = client.post(
        "/login", data={"email": email_of(ada), "password": "wrong password", "csrf_token": token}
    )
    assert response.status_code == 422
    assert form_errors(response.get_data(as_text=True)) == [
        "That email and password don't match an account."
    ]
    assert not is_logged_in(client)


def test_logging_in_accepts_the_email_in_any_case(make: Any, portal: Portal) -> None:
    ada = make.person(email="ada@example.com")
    ada.email = "ADA@Example.com"
    assert portal.login(ada).status_code == 302


def test_logging_out_ends_the_session(make: Any, login_as: Any, client: FlaskClient) -> None:
    portal = login_as(make.person())
    response = portal.post("/logout")
    assert response.status_code == 302
    assert not is_logged_in(client)


def test_opening_log_out_by_its_address_offers_the_log_out_button(
    make: Any, login_as: Any, client: FlaskClient
) -> None:
    portal = login_as(make.person(name="Ada"))
    response = client.get("/logout")
    assert response.status_code == 200
    assert heading(response.text) == "Log out of teamkit?"
    main = response.text.split("<main", 1)[1]
    form = re.search(r'<form method="post"[^>]*>(.*?)</form>', main, re.S)
    assert form is not None
    assert 'name="csrf_token"' in form.group(1)
    assert "Log out</button>" in form.group(1)
    assert is_logged_in(client)
    portal.client.post("/logout", data={"csrf_token": CSRF_RE.findall(response.text)[-1]})
    assert not is_logged_in(client)


def test_opening_log_out_when_logged_out_leads_to_log_in(client: FlaskClient) -> None:
    response = client.get("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"


@pytest.mark.parametrize("path", ["/account", "/teams", "/t/core/", "/t/core/members"])
def test_every_page_for_people_asks_a_visitor_to_log_in_in_the_same_words(
    make: Any, client: FlaskClient, path: str
) -> None:
    make.team(slug="core")
    response = client.get(path, follow_redirects=True)
    assert response.request.path == "/login"
    assert flashes(response.text) == ["Log in to see this page."]


def test_a_page_for_people_sends_a_visitor_to_log_in_and_back(
    make: Any, portal: Portal, client: FlaskClient
) -> None:
    asked = client.get("/account")
    assert asked.status_code == 302
    assert asked.headers["Location"] == "/login?next=%2Faccount"
    ada = make.person()
    token = portal.csrf_token("/login")
    response = client.post(
        asked.headers["Location"],
        data={"email": ada.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\t/evil.example", "evil.example", "data:,x"],
)
def test_log_in_ignores_a_next_address_off_this_site(
    make: Any, portal: Portal, client: FlaskClient, target: str
) -> None:
    ada = make.person()
    token = portal.csrf_token("/login")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": ada.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_backslash_in_next_cannot_lead_off_this_site(
    make: Any, portal: Portal, client: FlaskClient
) -> None:
    ada = make.person()
    token = portal.csrf_token("/login")
    response = client.post(
        "/login",
        query_string={"next": "/\\evil.example"},
        data={"email": ada.email, "password": PASSWORD, "csrf_token": token},
    )
    location = response.headers["Location"]
    assert "\\" not in location
    assert not location.startswith("//")


# ---------------------------------------------------------------- sessions


def test_logging_in_clears_what_the_session_held_before(
    make: Any, portal: Portal, client: FlaskClient
) -> None:
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    portal.login(make.person())
    with client.session_transaction() as after:
        assert "planted" not in after
        assert "_user_id" in after


def test_a_session_cookie_from_before_log_in_stays_anonymous(
    app: Flask, make: Any, portal: Portal, client: FlaskClient
) -> None:
    portal.csrf_token("/login")
    fixated = client.get_cookie("session")
    assert fixated is not None
    portal.login(make.person())
    attacker = app.test_client()
    attacker.set_cookie("session", fixated.value)
    assert not is_logged_in(attacker)


def test_session_cookie_changes_on_log_in(make: Any, portal: Portal, client: FlaskClient) -> None:
    portal.csrf_token("/login")
    before = client.get_cookie("session")
    portal.login(make.person())
    after = client.get_cookie("session")
    assert before is not None and after is not None
    assert after.value != before.value


def test_logging_out_everywhere_ends_the_sessions_on_other_devices(
    make: Any, portal_of: Callable[[Person], Portal]
) -> None:
    ada = make.person()
    laptop, phone = portal_of(ada), portal_of(ada)
    laptop.post("/account/logout-everywhere")
    assert not is_logged_in(laptop.client)
    assert not is_logged_in(phone.client)


def test_an_old_session_cookie_is_refused_after_logging_out_everywhere(
    app: Flask, make: Any, login_as: Any, client: FlaskClient
) -> None:
    portal = login_as(make.person())
    stolen = client.get_cookie("session")
    assert stolen is not None
    portal.post("/account/logout-everywhere")
    thief = app.test_client()
    thief.set_cookie("session", stolen.value)
    assert not is_logged_in(thief)


def test_logging_in_again_after_logging_out_everywhere_works(
    make: Any, login_as: Any, portal: Portal, client: FlaskClient
) -> None:
    ada = make.person()
    login_as(ada).post("/account/logout-everywhere")
    assert portal.login(ada).status_code == 302
    assert is_logged_in(client)


# ---------------------------------------------------------------- password change


def test_a_new_password_works_and_ends_the_other_sessions(
    app: Flask, make: Any, login_as: Any, client: FlaskClient
) -> None:
    ada = make.person()
    phone = app.test_client()
    assert Portal(phone).login(ada).status_code == 302
    laptop = login_as(ada)
    response = laptop.post(
        "/account/password", {"current_password": PASSWORD, "new_password": "a brand new secret"}
    )
    assert response.status_code == 303
    assert is_logged_in(client)
    assert not is_logged_in(phone)
    assert Portal(app.test_client()).login(ada, "a brand new secret").status_code == 302
    assert Portal(app.test_client()).login(ada, PASSWORD).status_code == 422


def test_a_wrong_current_password_is_shown_beside_its_field_and_changes_nothing(
    app: Flask, make: Any, login_as: Any
) -> None:
    ada = make.person()
    response = login_as(ada).post(
        "/account/password", {"current_password": "not it", "new_password": "a brand new secret"}
    )
    assert response.status_code == 422
    assert field_error(response.text, "current_password") == "This is not your current password."
    assert Portal(app.test_client()).login(ada, PASSWORD).status_code == 302


def test_a_short_new_password_is_shown_beside_its_field(make: Any, login_as: Any) -> None:
    response = login_as(make.person()).post(
        "/account/password", {"current_password": PASSWORD, "new_password": "short"}
    )
    assert response.status_code == 422
    assert "at least 8 characters" in (field_error(response.text, "new_password") or "")


# ---------------------------------------------------------------- CSRF


def test_a_form_posted_without_its_csrf_token_is_refused(
    client: FlaskClient, session: Session
) -> None:
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert people(session) == 0


#: Posts a mail client makes, not a page: RFC 8058's one-click unsubscribe carries no CSRF
#: token, and acts only on the signed token in its URL (tests/digests test it). And posts
#: Slack makes, trusted only when signed with the team's signing secret (tests/slack_app).
CSRF_EXEMPT = {
    "digests.unsubscribe",
    "digests.unsubscribe_pulse_mail",
    "slack.slack_command",
    "slack.slack_interaction",
}


def test_every_portal_form_refuses_a_post_without_csrf_token(
    app: Flask, make: Any, login_as: Any, client: FlaskClient
) -> None:
    owner = make.person()
    make.team(owner, slug="core")
    login_as(owner)
    urls = [
        build_url(rule, "core")
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set())
        and not rule.rule.startswith(API_PATH)
        and rule.endpoint not in CSRF_EXEMPT
    ]
    assert len(urls) >= 5
    answers = {url: client.post(url, data={}).status_code for url in urls}
    assert {url: status for url, status in answers.items() if status != 400} == {}


# ---------------------------------------------------------------- rate limit


@pytest.fixture
def login_limit_of_three(app_config: dict[str, Any]) -> None:
    """Allow three log-in attempts a minute (set before the app is created)."""
    app_config["LOGIN_RATE_LIMIT"] = "3 per minute"


@pytest.mark.usefixtures("login_limit_of_three")
def test_the_fourth_log_in_attempt_within_a_minute_is_refused(
    make: Any, portal: Portal, client: FlaskClient
) -> None:
    ada = make.person()
    token = portal.csrf_token("/login")
    wrong = {"email": ada.email, "password": "wrong password", "csrf_token": token}
    assert [client.post("/login", data=wrong).status_code for _ in range(3)] == [422] * 3
    response = client.post("/login", data={**wrong, "password": PASSWORD})
    assert response.status_code == 429
    assert "Wait a minute, then try again." in response.get_data(as_text=True)
    assert not is_logged_in(client)


@pytest.mark.usefixtures("login_limit_of_three")
def test_forwarded_client_addresses_are_ignored_unless_a_proxy_is_trusted(
    make: Any, portal: Portal, client: FlaskClient
) -> None:
    ada = make.person()
    token = portal.csrf_token("/login")
    wrong = {"email": ada.email, "password": "wrong password", "csrf_token": token}
    statuses = [
        client.post("/login", data=wrong, headers={"X-Forwarded-For": f"10.0.0.{n}"}).status_code
        for n in range(4)
    ]
    assert statuses == [422, 422, 422, 429]


@pytest.fixture
def one_trusted_proxy(app_config: dict[str, Any]) -> None:
    """Run behind one reverse proxy (set before the app is created)."""
    app_config["TRUSTED_PROXIES"] = 1


@pytest.mark.usefixtures("login_limit_of_three", "one_trusted_proxy")
def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(
    make: Any, portal: Portal, client: FlaskClient
) -> None:
    ada = make.person()
    token = portal.csrf_token("/login")
    wrong = {"email": ada.email, "password": "wrong password", "csrf_token": token}
    statuses = [
        client.post("/login", data=wrong, headers={"X-Forwarded-For": f"10.0.0.{n}"}).status_code
        for n in range(4)
    ]
    assert statuses == [422] * 4


@pytest.mark.usefixtures("login_limit_of_three")
def test_the_log_in_page_itself_is_not_rate_limited(client: FlaskClient) -> None:
    assert {client.get("/login").status_code for _ in range(5)} == {200}


# ---------------------------------------------------------------- API tokens in the portal


def test_a_new_api_token_is_shown_once_and_only_its_hash_is_kept(
    make: Any, login_as: Any, client: FlaskClient, session: Session
) -> None:
    portal = login_as(make.person())
    page = portal.post("/account", {"name": "release script"}).get_data(as_text=True)
    stored = session.scalar(select(ApiToken))
    assert stored is not None
    shown = page.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert shown.startswith(stored.prefix)
    assert stored.token_hash != shown
    assert shown not in client.get("/account").get_data(as_text=True)


def test_an_api_token_needs_a_name(make: Any, login_as: Any, session: Session) -> None:
    portal = login_as(make.person())
    response = portal.post("/account", {"name": ""})
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "name")
    assert session.scalar(select(func.count()).select_from(ApiToken)) == 0


@pytest.fixture
def signup_limit_of_three(app_config: dict[str, Any]) -> None:
    """Allow three sign-up attempts a minute (set before the app is created)."""
    app_config["SIGNUP_RATE_LIMIT"] = "3 per minute"


@pytest.mark.usefixtures("signup_limit_of_three")
def test_the_fourth_sign_up_within_a_minute_is_refused(app: Flask, session: Session) -> None:
    # Each from a browser of its own (a sign-up logs in), all from one address.
    answers = [
        Portal(app.test_client()).post("/signup", {**SIGNUP, "email": f"p{n}@example.com"})
        for n in range(4)
    ]
    assert [a.status_code for a in answers] == [303, 303, 303, 429]
    assert "Wait a minute, then try again." in answers[-1].text
    assert people(session) == 3


def test_the_log_in_page_says_how_to_get_a_forgotten_password_reset(client: FlaskClient) -> None:
    page = " ".join(client.get("/login").text.split())
    assert "Forgot your password?" in page and "<code>teamkit user reset-password</code>" in page
