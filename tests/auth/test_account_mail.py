"""Emailed account links: password reset, email change, sign-up with a taken email, and
invites sent by email — with a real SMTP server, following the links as a person would."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from clients import PASSWORD, Api, Portal, forge
from digests.servers import SmtpServer
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from pages import field_error, flashes, form_errors
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamkit.auth import recovery
from teamkit.auth.models import Person
from teamkit.teams.models import Invite

LINK = re.compile(r"http://teamkit\.test(/\S+)")
NEW_PASSWORD = "a brand new password"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(app: Flask, smtp: SmtpServer) -> Flask:
    """The app, sending its mail to the test's SMTP server."""
    app.config["TEAMKIT"]["SMTP_URL"] = smtp.url
    app.config["TEAMKIT"]["MAIL_FROM"] = "teamkit <teamkit@teamkit.test>"
    return app


def wait_for(smtp: SmtpServer, address: str, count: int = 1) -> list[EmailMessage]:
    """Return the messages to `address` once `count` arrived (the server takes them at once;
    this only lets its thread finish handing them over)."""
    for _ in range(200):
        found = smtp.box.to(address)
        if len(found) >= count:
            return found
        time.sleep(0.01)
    return smtp.box.to(address)


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def link_in(message: EmailMessage) -> str:
    match = LINK.search(body(message))
    assert match, body(message)
    return match.group(1)


def logged_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


def can_log_in(app: Flask, email: str, password: str) -> bool:
    portal = Portal(app.test_client())
    answer = portal.client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": portal.csrf_token("/login")},
    )
    return answer.status_code == 302


def ask_reset(app: Flask, email: str) -> Any:
    portal = Portal(app.test_client())
    return portal.post("/password/forgot", {"email": email})


def old_token(app: Flask, salt: str, payload: list[Any], age: int) -> str:
    """Return a token signed `age` seconds ago."""

    class PastSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - age

    serializer = URLSafeTimedSerializer(app.secret_key, salt=salt, signer=PastSigner)  # type: ignore[arg-type]
    return serializer.dumps(payload)


# ---------------------------------------------------------------- password reset


def test_a_reset_link_sets_a_new_password_once_and_ends_other_sessions(
    mail_app: Flask, smtp: SmtpServer, make: Any, portal_of: Callable[[Person], Portal]
) -> None:
    ada = make.person(name="Ada", email="ada@example.com")
    elsewhere = portal_of(ada)
    answer = ask_reset(mail_app, "ADA@example.com ")
    assert answer.status_code == 303
    [message] = wait_for(smtp, "ada@example.com")
    assert message["Subject"] == "Reset your teamkit password"
    assert "works once" in body(message) and "60 minutes" in body(message)
    path = link_in(message)
    assert path.startswith("/password/reset/")

    visitor = Portal(mail_app.test_client())
    page = visitor.client.get(path)
    assert page.status_code == 200 and "ada@example.com" in page.text
    done = visitor.post(path, {"new_password": NEW_PASSWORD})
    assert done.status_code == 303
    assert logged_in(visitor.client)
    assert not logged_in(elsewhere.client)  # every other session ended
    assert can_log_in(mail_app, "ada@example.com", NEW_PASSWORD)
    assert not can_log_in(mail_app, "ada@example.com", PASSWORD)

    again = Portal(mail_app.test_client())
    assert again.client.get(path).status_code == 410
    reused = again.post(path, {"new_password": "yet another password"})
    assert reused.status_code == 410
    assert "used already" in reused.text
    assert can_log_in(mail_app, "ada@example.com", NEW_PASSWORD)


def test_a_reset_link_revokes_every_api_token_and_says_so_first(
    mail_app: Flask, smtp: SmtpServer, make: Any
) -> None:
    ada = make.person(name="Ada", email="ada@example.com")
    bob = make.person(name="Bob", email="bob@example.com")
    api = Api(mail_app.test_client())
    ada_token, bob_token = make.token(ada), make.token(bob)
    assert api.get("/api/v1/me", token=ada_token).status_code == 200
    ask_reset(mail_app, "ada@example.com")
    path = link_in(wait_for(smtp, "ada@example.com")[0])

    visitor = Portal(mail_app.test_client())
    assert "your 1 API token will" in " ".join(visitor.client.get(path).text.split())
    refused = visitor.post(path, {"new_password": "short"})
    assert refused.status_code == 422
    assert api.get("/api/v1/me", token=ada_token).status_code == 200  # nothing changed yet

    done = visitor.post(path, {"new_password": NEW_PASSWORD})
    assert done.status_code == 303
    landing = visitor.client.get(done.location, follow_redirects=True)
    assert "your API tokens no longer work" in " ".join(flashes(landing.text))
    assert api.get("/api/v1/me", token=ada_token).status_code == 401
    assert api.get("/api/v1/me", token=bob_token).status_code == 200  # only hers


def test_asking_for_a_reset_answers_the_same_for_an_unknown_email(
    mail_app: Flask, smtp: SmtpServer, make: Any
) -> None:
    make.person(email="ada@example.com")
    known = ask_reset(mail_app, "ada@example.com")
    unknown = ask_reset(mail_app, "nobody@example.com")
    assert known.status_code == unknown.status_code == 303
    assert known.location == unknown.location
    wait_for(smtp, "ada@example.com")
    assert smtp.box.to("nobody@example.com") == []
    assert len(smtp.box.messages) == 1


def test_the_reset_answer_names_the_email_not_whether_it_exists(
    mail_app: Flask, smtp: SmtpServer, make: Any
) -> None:
    make.person(email="ada@example.com")
    texts = []
    for email in ("ada@example.com", "nobody@example.com"):
        portal = Portal(mail_app.test_client())
        answer = portal.post("/password/forgot", {"email": email}, follow_redirects=True)
        texts.append(" ".join(flashes(answer.text)).replace(email, "EMAIL"))
    assert texts[0] == texts[1]
    assert "If an account has the email EMAIL" in texts[0]


def test_a_bad_or_expired_reset_link_changes_nothing(
    mail_app: Flask, smtp: SmtpServer, make: Any, session: Session
) -> None:
    ada = make.person(email="ada@example.com")
    ask_reset(mail_app, "ada@example.com")
    path = link_in(wait_for(smtp, "ada@example.com")[0])
    token = path.rsplit("/", 1)[1]
    visitor = Portal(mail_app.test_client())
    forged = visitor.post(f"/password/reset/{forge(token)}", {"new_password": NEW_PASSWORD})
    assert forged.status_code == 404
    assert "not valid" in forged.text
    stale = session.get(Person, ada.id)
    assert stale is not None
    payload = [ada.id, stale.link_key, stale.session_token]
    expired = old_token(mail_app, recovery.RESET_SALT, payload, 2 * 3600)
    answer = visitor.post(f"/password/reset/{expired}", {"new_password": NEW_PASSWORD})
    assert answer.status_code == 410
    assert "expired" in answer.text
    other_purpose = old_token(mail_app, recovery.EMAIL_SALT, payload, 0)
    assert visitor.client.get(f"/password/reset/{other_purpose}").status_code == 404
    short = visitor.post(path, {"new_password": "short"})
    assert short.status_code == 422
    assert field_error(short.text, "new_password")
    assert can_log_in(mail_app, "ada@example.com", PASSWORD)


def test_a_reset_link_stops_working_once_the_password_is_changed_otherwise(
    mail_app: Flask, smtp: SmtpServer, make: Any, login_as: Any
) -> None:
    ada = make.person(email="ada@example.com")
    ask_reset(mail_app, "ada@example.com")
    path = link_in(wait_for(smtp, "ada@example.com")[0])
    portal = login_as(ada)
    changed = portal.post(
        "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 303
    assert Portal(mail_app.test_client()).client.get(path).status_code == 410


@pytest.fixture
def reset_limit_of_three(app_config: dict[str, Any]) -> None:
    app_config["LOGIN_RATE_LIMIT"] = "3 per minute"


@pytest.mark.usefixtures("reset_limit_of_three")
def test_asking_for_reset_links_is_rate_limited_like_log_in(
    mail_app: Flask, smtp: SmtpServer, make: Any
) -> None:
    make.person(email="ada@example.com")
    portal = Portal(mail_app.test_client())
    token = portal.csrf_token("/password/forgot")
    answers = [
        portal.client.post(
            "/password/forgot", data={"email": "ada@example.com", "csrf_token": token}
        ).status_code
        for _ in range(4)
    ]
    assert answers == [303, 303, 303, 429]
    assert len(wait_for(smtp, "ada@example.com", 3)) == 3


def test_without_mail_the_forgot_page_says_who_can_help(app: Flask, make: Any) -> None:
    make.person(email="ada@example.com")
    portal = Portal(app.test_client())
    page = portal.client.get("/password/forgot")
    assert page.status_code == 200
    assert "teamkit user reset-password EMAIL" in page.text
    assert "Email is not set up" in page.text
    assert 'name="email"' not in page.text
    answer = portal.post("/password/forgot", {"email": "ada@example.com"})
    assert answer.status_code == 200
    assert "teamkit user reset-password EMAIL" in answer.text
    assert "Forgot your password?" in portal.client.get("/login").text


def test_with_mail_the_log_in_page_offers_the_emailed_link(mail_app: Flask) -> None:
    page = mail_app.test_client().get("/login").text
    assert 'href="/password/forgot">Forgot your password?' in page
    assert "teamkit user reset-password" not in page


def test_a_mail_server_that_is_down_still_gives_the_same_answer(
    mail_app: Flask, smtp: SmtpServer, make: Any
) -> None:
    make.person(email="ada@example.com")
    smtp.box.refuse.add("ada@example.com")
    refused = ask_reset(mail_app, "ada@example.com")
    unknown = ask_reset(mail_app, "nobody@example.com")
    assert refused.status_code == unknown.status_code == 303
    assert refused.location == unknown.location


# ---------------------------------------------------------------- sign-up with a taken email


def sign_up(app: Flask, email: str, name: str = "Someone") -> Any:
    portal = Portal(app.test_client())
    return portal.post(
        "/signup",
        {"email": email, "name": name, "password": "another password"},
        follow_redirects=True,
    )


def test_signing_up_with_a_taken_email_asks_to_log_in_and_mails_the_account(
    mail_app: Flask, smtp: SmtpServer, make: Any, session: Session
) -> None:
    make.person(name="Ada", email="ada@example.com")
    taken = sign_up(mail_app, "ada@example.com")
    fresh = sign_up(mail_app, "new@example.com")
    assert taken.status_code == fresh.status_code == 200
    assert "we have emailed it" in " ".join(flashes(taken.text))
    assert flashes(fresh.text) == ["Welcome to teamkit, Someone."]
    [message] = wait_for(smtp, "ada@example.com")
    assert message["Subject"] == "Someone tried to sign up with your email"
    assert "log in with your password" in body(message)
    assert smtp.box.to("new@example.com") == []
    # The link in it resets the password.
    visitor = Portal(mail_app.test_client())
    path = link_in(message)
    assert visitor.post(path, {"new_password": NEW_PASSWORD}).status_code == 303
    assert can_log_in(mail_app, "ada@example.com", NEW_PASSWORD)
    assert session.scalar(select(func.count()).select_from(Person)) == 2


def test_without_mail_signing_up_with_a_taken_email_says_how_to_get_a_new_password(
    app: Flask, make: Any
) -> None:
    make.person(email="ada@example.com")
    taken = sign_up(app, "ada@example.com")
    assert "teamkit user reset-password EMAIL" in " ".join(flashes(taken.text))


# ---------------------------------------------------------------- email change


def change_email(portal: Portal, new: str, password: str = PASSWORD) -> Any:
    return portal.post("/account/email", {"new_email": new, "password": password})


def test_a_new_email_is_confirmed_by_a_link_sent_to_it(
    mail_app: Flask, smtp: SmtpServer, make: Any, login_as: Any
) -> None:
    ada = make.person(name="Ada", email="ada@example.com")
    portal = login_as(ada)
    asked = change_email(portal, "Ada@New.example")
    assert asked.status_code == 303
    page = portal.client.get("/account").text
    assert "We sent a link to ada@new.example" in " ".join(flashes(page))
    assert "ada@example.com" in page  # the old address stays until confirmed
    assert can_log_in(mail_app, "ada@example.com", PASSWORD)
    [message] = wait_for(smtp, "ada@new.example")
    assert smtp.box.to("ada@example.com") == []
    path = link_in(message)
    confirm = portal.client.get(path)
    assert confirm.status_code == 200 and "ada@new.example" in confirm.text
    done = portal.post(path)
    assert done.status_code == 303
    assert can_log_in(mail_app, "ada@new.example", PASSWORD)
    assert not can_log_in(mail_app, "ada@example.com", PASSWORD)
    assert logged_in(portal.client)  # the session goes on
    [note] = wait_for(smtp, "ada@example.com")  # the old address is told
    assert note["Subject"] == "Your teamkit email was changed"
    assert "now ada@new.example" in body(note)
    used = portal.post(path)
    assert used.status_code == 410
    assert "used already" in used.text


def test_a_wrong_password_taken_or_bad_email_changes_nothing_and_sends_nothing(
    mail_app: Flask, smtp: SmtpServer, make: Any, login_as: Any
) -> None:
    ada = make.person(email="ada@example.com")
    make.person(email="grace@example.com")
    portal = login_as(ada)
    wrong = change_email(portal, "ada@new.example", "not my password")
    assert wrong.status_code == 422
    assert field_error(wrong.text, "password") == "This is not your current password."
    taken = change_email(portal, "grace@example.com")
    assert taken.status_code == 409
    assert field_error(taken.text, "new_email") == recovery.EMAIL_TAKEN
    bad = change_email(portal, "not an email")
    assert bad.status_code == 422 and field_error(bad.text, "new_email")
    same = change_email(portal, "ada@example.com")
    assert field_error(same.text, "new_email") == "This is your email already."
    assert smtp.box.messages == []
    smtp.box.refuse.add("ada@new.example")
    refused = change_email(portal, "ada@new.example")
    assert refused.status_code == 503
    assert "could not be sent" in " ".join(form_errors(refused.text))
    assert can_log_in(mail_app, "ada@example.com", PASSWORD)


def test_a_bad_expired_or_overtaken_email_link_changes_nothing(
    mail_app: Flask, smtp: SmtpServer, make: Any, login_as: Any
) -> None:
    ada = make.person(email="ada@example.com")
    portal = login_as(ada)
    change_email(portal, "ada@new.example")
    path = link_in(wait_for(smtp, "ada@new.example")[0])
    token = path.rsplit("/", 1)[1]
    assert portal.post(f"/account/email/confirm/{forge(token)}").status_code == 404
    expired = old_token(
        mail_app, recovery.EMAIL_SALT, [ada.id, "ada@example.com", "ada@new.example"], 25 * 3600
    )
    answer = portal.post(f"/account/email/confirm/{expired}")
    assert answer.status_code == 410 and "expired" in answer.text
    # Someone else signs up with the address meanwhile: the link can no longer take it.
    make.person(email="ada@new.example")
    taken = portal.post(path)
    assert taken.status_code == 409
    assert can_log_in(mail_app, "ada@example.com", PASSWORD)


def test_a_second_email_change_overtakes_the_first_link(
    mail_app: Flask, smtp: SmtpServer, make: Any, login_as: Any
) -> None:
    portal = login_as(make.person(email="ada@example.com"))
    change_email(portal, "first@example.com")
    first = link_in(wait_for(smtp, "first@example.com")[0])
    change_email(portal, "second@example.com")
    second = link_in(wait_for(smtp, "second@example.com")[0])
    assert portal.post(second).status_code == 303
    stale = portal.post(first)
    assert stale.status_code == 410
    assert "changed since" in stale.text
    assert can_log_in(mail_app, "second@example.com", PASSWORD)


def test_without_mail_an_email_change_takes_effect_at_once(
    app: Flask, make: Any, login_as: Any
) -> None:
    portal = login_as(make.person(email="ada@example.com"))
    assert "the change takes effect at once" in portal.client.get("/account").text
    assert change_email(portal, "ada@new.example").status_code == 303
    assert can_log_in(app, "ada@new.example", PASSWORD)


# ---------------------------------------------------------------- invites by email


@pytest.fixture
def owner(make: Any) -> Person:
    ada = make.person(name="Ada Lovelace", email="ada@example.com")
    make.team(ada, slug="core", name="Core team")
    person: Person = ada
    return person


def invites(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Invite)) or 0)


def test_an_owner_emails_a_new_invite_and_the_link_in_it_joins_the_team(
    mail_app: Flask, smtp: SmtpServer, owner: Person, login_as: Any, make: Any
) -> None:
    portal = login_as(owner)
    assert 'name="email"' in portal.client.get("/t/core/members").text
    sent = portal.post(
        "/t/core/invites",
        {"role": "facilitator", "email": "Grace@Example.com"},
        follow_redirects=True,
    )
    assert sent.status_code == 200
    assert "The invite link is on its way to grace@example.com." in flashes(sent.text)
    assert 'id="invite-url"' in sent.text  # the link is shown too
    [message] = wait_for(smtp, "grace@example.com")
    assert message["Subject"] == "Ada Lovelace invites you to Core team on teamkit"
    assert "as a facilitator" in body(message)
    path = link_in(message)
    grace = make.person(name="Grace", email="grace@example.com")
    other = Portal(mail_app.test_client())
    other.login(grace)
    page = other.client.get(path)
    assert "Ada Lovelace" in page.text and "Core team" in page.text
    assert other.post(path).status_code in {302, 303}
    assert other.client.get("/t/core/").status_code == 200


def test_an_invite_the_mail_server_refuses_is_not_made(
    mail_app: Flask, smtp: SmtpServer, owner: Person, login_as: Any, session: Session
) -> None:
    smtp.box.refuse.add("grace@example.com")
    portal = login_as(owner)
    answer = portal.post("/t/core/invites", {"role": "member", "email": "grace@example.com"})
    assert answer.status_code == 503
    assert "could not be sent" in " ".join(form_errors(answer.text))
    bad = portal.post("/t/core/invites", {"role": "member", "email": "not an email"})
    assert bad.status_code == 422 and field_error(bad.text, "email")
    assert invites(session) == 0


def test_without_mail_the_members_page_says_so_and_an_emailed_invite_is_refused(
    app: Flask, owner: Person, login_as: Any, session: Session
) -> None:
    portal = login_as(owner)
    page = portal.client.get("/t/core/members").text
    assert 'name="email"' not in page
    assert "Email is not set up on this teamkit" in page
    answer = portal.post("/t/core/invites", {"role": "member", "email": "grace@example.com"})
    assert answer.status_code == 503
    assert "TEAMKIT_SMTP_URL" in (field_error(answer.text, "email") or "")
    assert invites(session) == 0
    assert portal.post("/t/core/invites", {"role": "member"}).status_code == 303


def test_the_api_emails_an_invite_when_asked(
    mail_app: Flask,
    smtp: SmtpServer,
    owner: Person,
    api_as: Callable[[Person], Api],
    session: Session,
) -> None:
    api = api_as(owner)
    made = api.post("/api/v1/teams/core/invites", json={"email": "grace@example.com"})
    assert made.status_code == 201, made.json
    assert made.json["emailed_to"] == "grace@example.com"
    [message] = wait_for(smtp, "grace@example.com")
    assert made.json["url"] in body(message)
    plain = api.post("/api/v1/teams/core/invites", json={})
    assert plain.status_code == 201 and plain.json["emailed_to"] is None
    smtp.box.refuse.add("max@example.com")
    refused = api.post("/api/v1/teams/core/invites", json={"email": "max@example.com"})
    assert refused.status_code == 503
    assert refused.mimetype == "application/problem+json"
    bad = api.post("/api/v1/teams/core/invites", json={"email": "nope"})
    assert bad.status_code == 422
    assert invites(session) == 2


def test_the_api_refuses_to_email_an_invite_without_a_mail_server(
    app: Flask, owner: Person, api_as: Callable[[Person], Api], session: Session
) -> None:
    answer = api_as(owner).post("/api/v1/teams/core/invites", json={"email": "g@example.com"})
    assert answer.status_code == 503
    assert answer.mimetype == "application/problem+json"
    assert "TEAMKIT_SMTP_URL" in answer.text
    assert invites(session) == 0


def test_the_openapi_document_describes_the_invite_email(client: FlaskClient) -> None:
    spec = client.get("/api/openapi.json").json
    schemas = spec["components"]["schemas"]
    create = next(v for k, v in schemas.items() if k.startswith("InviteCreate"))
    assert create["properties"]["email"]["format"] == "email"
    made = next(v for k, v in schemas.items() if k == "Invite")
    assert "emailed_to" in made["properties"]


# ---------------------------------------------------------------- statements per page


def test_each_link_page_runs_a_fixed_few_statements(
    mail_app: Flask, smtp: SmtpServer, make: Any, login_as: Any, count_queries: Any
) -> None:
    ada = make.person(email="ada@example.com")
    ask_reset(mail_app, "ada@example.com")
    reset = link_in(wait_for(smtp, "ada@example.com")[0])
    portal = login_as(ada)
    change_email(portal, "ada@new.example")
    confirm = link_in(wait_for(smtp, "ada@new.example")[0])
    visitor = mail_app.test_client()
    counts = {}
    for name, client, path in (
        ("forgot", visitor, "/password/forgot"),
        ("reset", visitor, reset),
        ("confirm", portal.client, confirm),
    ):
        with count_queries() as queries:
            assert client.get(path).status_code == 200
        counts[name] = queries.count
    # The forgot page reads nothing; a reset link its person and how many API tokens the
    # reset will revoke; a confirmation the person logged in, the link's person and whether
    # the new address is taken.
    assert counts == {"forgot": 0, "reset": 2, "confirm": 3}, counts


@pytest.mark.usefixtures("reset_limit_of_three")
def test_guessing_the_password_on_the_email_form_is_rate_limited(
    app: Flask, make: Any, login_as: Any
) -> None:
    portal = login_as(make.person(email="ada@example.com"))
    token = portal.csrf_token("/account")
    guesses = [
        portal.client.post(
            "/account/email",
            data={"new_email": "ada@new.example", "password": f"guess {n}", "csrf_token": token},
        ).status_code
        for n in range(4)
    ]
    assert guesses == [422, 422, 422, 429]
    assert can_log_in(app, "ada@example.com", PASSWORD)


def test_an_invite_to_a_local_network_address_says_why_it_is_refused(
    mail_app: Flask,
    owner: Person,
    login_as: Any,
    api_as: Callable[[Person], Api],
    session: Session,
) -> None:
    form = login_as(owner).post("/t/core/invites", {"role": "member", "email": "x@company.local"})
    assert form.status_code == 422
    assert "reserved for local networks" in (field_error(form.text, "email") or "")
    api = api_as(owner).post("/api/v1/teams/core/invites", json={"email": "x@company.local"})
    assert api.status_code == 422
    assert "reserved for local networks" in api.json["errors"][0]["message"]
    assert invites(session) == 0
