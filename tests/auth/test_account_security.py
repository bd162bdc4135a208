"""Accounts, links and sessions: each log-in its own credential, ended on log-out; pending
links revoked by a password change, a reset, an email change and log-out everywhere; ids
never reused and links that die with their person; forgot-password the same work for any
email."""

from __future__ import annotations

import re
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from types import FrameType
from typing import Any

import pytest
import time_machine
from clients import PASSWORD, Portal
from digests.servers import SmtpServer
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

import teamkit
from teamkit import migrate
from teamkit.auth.models import LoginSession, Person
from teamkit.cli import main
from teamkit.db import get_engine, job_session, make_engine, utcnow
from teamkit.digests.deliver import unsubscribe_url
from teamkit.digests.models import EmailOptOut
from teamkit.teams.services import delete_account

LINK = re.compile(r"http://teamkit\.test(/\S+)")
NEW_PASSWORD = "a brand new password"

TEAMKIT_CODE = teamkit.__file__.rsplit("/", 1)[0] + "/"


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
    """Return the messages to `address` once `count` arrived."""
    for _ in range(200):
        found = smtp.box.to(address)
        if len(found) >= count:
            return found
        time.sleep(0.01)
    return smtp.box.to(address)


def work_of_asking_reset(app: Flask, email: str) -> tuple[list[str], list[str]]:
    """Return the teamkit functions the request thread called, in order, and the names of
    the threads it started, while asking for a reset link for `email`."""
    portal = Portal(app.test_client())
    token = portal.csrf_token("/password/forgot")
    calls: list[str] = []
    started: list[str] = []

    def trace(frame: FrameType, event: str, _arg: Any) -> None:
        code = frame.f_code
        if event == "call" and code.co_filename.startswith(TEAMKIT_CODE):
            calls.append(f"{code.co_filename.removeprefix(TEAMKIT_CODE)}:{code.co_name}")

    original_start = threading.Thread.start
    request_thread = threading.current_thread()

    def start(thread: threading.Thread) -> None:
        # teamkit's own threads: not the rate-limit store's expiry timer, nor the SMTP server's.
        if threading.current_thread() is request_thread and thread.name.startswith("teamkit"):
            started.append(thread.name)
        original_start(thread)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(threading.Thread, "start", start)
        sys.setprofile(trace)
        try:
            answer = portal.client.post(
                "/password/forgot", data={"email": email, "csrf_token": token}
            )
        finally:
            sys.setprofile(None)
    assert answer.status_code == 303
    return calls, started


def test_forgot_password_does_the_same_work_whether_or_not_the_email_has_an_account(
    mail_app: Flask, smtp: SmtpServer, make: Any
) -> None:
    make.person(email="ada@example.com")
    work_of_asking_reset(mail_app, "warm@example.com")  # first-request set-up, once
    known = work_of_asking_reset(mail_app, "ada@example.com")
    unknown = work_of_asking_reset(mail_app, "nobody@example.com")
    assert known == unknown
    assert known[1] == ["teamkit-account-mail"]
    # The thread still sends the link to the account, and nothing to the unknown address.
    [message] = wait_for(smtp, "ada@example.com")
    assert message["Subject"] == "Reset your teamkit password"
    assert "http://teamkit.test/password/reset/" in message.get_body().get_content()  # type: ignore[union-attr]
    assert smtp.box.to("nobody@example.com") == []


# ---------------------------------------------------------------- helpers


def logged_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Return another browser holding a copy of `client`'s session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def link_in(message: EmailMessage) -> str:
    match = LINK.search(str(message.get_body(preferencelist=("plain",)).get_content()))  # type: ignore[union-attr]
    assert match
    return match.group(1)


def ask_reset(app: Flask, smtp: SmtpServer, email: str, count: int = 1) -> str:
    """Ask for a reset link for `email` and return its path (the `count`th to arrive)."""
    portal = Portal(app.test_client())
    assert portal.post("/password/forgot", {"email": email}).status_code == 303
    messages = wait_for(smtp, email, count)
    assert len(messages) == count
    return link_in(messages[-1])


def ask_email_change(portal: Portal, smtp: SmtpServer, new: str) -> str:
    answer = portal.post("/account/email", {"new_email": new, "password": PASSWORD})
    assert answer.status_code == 303, answer.text
    [message] = wait_for(smtp, new)
    return link_in(message)


def confirm(app: Flask, path: str) -> Any:
    visitor = Portal(app.test_client())
    return visitor.post(path)


# ---------------------------------------------------------------- log-in sessions


def test_each_log_in_gets_a_credential_of_its_own(
    make: Any, portal_of: Any, session: Session
) -> None:
    ada = make.person()
    first, second = portal_of(ada), portal_of(ada)
    cookies = [p.client.get_cookie("session") for p in (first, second)]
    assert cookies[0] is not None and cookies[1] is not None
    assert cookies[0].value != cookies[1].value
    assert session.scalar(select(func.count()).select_from(LoginSession)) == 2


def test_a_cookie_copied_before_log_out_no_longer_opens_the_account(
    app: Flask, make: Any, portal_of: Any
) -> None:
    ada = make.person()
    portal = portal_of(ada)
    thief = copy_of(app, portal.client)
    assert logged_in(thief)
    assert portal.post("/logout").status_code == 302
    assert not logged_in(thief)
    assert thief.get("/t/anything/").status_code == 302  # asked to log in, not let in


def test_logging_out_on_one_device_keeps_the_others(make: Any, portal_of: Any) -> None:
    ada = make.person()
    laptop, phone = portal_of(ada), portal_of(ada)
    laptop.post("/logout")
    assert not logged_in(laptop.client)
    assert logged_in(phone.client)


def test_log_out_everywhere_ends_every_log_in_on_the_server(
    app: Flask, make: Any, portal_of: Any, session: Session
) -> None:
    ada = make.person()
    laptop, phone = portal_of(ada), portal_of(ada)
    thief = copy_of(app, phone.client)
    laptop.post("/account/logout-everywhere")
    assert not logged_in(thief)
    assert session.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_a_log_in_used_every_day_lasts_and_one_unused_for_the_lifetime_ends(
    make: Any, portal_of: Any
) -> None:
    ada = make.person()
    daily, idle = portal_of(ada), portal_of(ada)
    for day in range(1, 20):
        with time_machine.travel(utcnow() + timedelta(days=day)):
            assert logged_in(daily.client)
    with time_machine.travel(utcnow() + timedelta(days=20)):
        assert not logged_in(idle.client)


def test_deleting_an_account_deletes_its_log_ins(
    app: Flask, make: Any, portal_of: Any, session: Session
) -> None:
    ada = make.person()
    make.team(make.person())
    portal = portal_of(ada)
    portal.post("/account/delete", {"password": PASSWORD})
    assert session.scalar(select(func.count()).select_from(LoginSession)) == 0


# ---------------------------------------------------------------- pending links revoked


def test_a_password_change_revokes_a_pending_email_change_link(
    mail_app: Flask, smtp: SmtpServer, make: Any, portal_of: Any, session: Session
) -> None:
    ada = make.person(email="ada@example.com")
    portal = portal_of(ada)
    path = ask_email_change(portal, smtp, "intruder@example.net")
    changed = portal.post(
        "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 303
    answer = confirm(mail_app, path)
    assert answer.status_code == 410
    assert "the password was changed" in answer.text
    assert session.scalar(select(Person.email).where(Person.id == ada.id)) == "ada@example.com"


def test_logging_out_everywhere_revokes_pending_email_change_and_reset_links(
    mail_app: Flask, smtp: SmtpServer, make: Any, portal_of: Any, session: Session
) -> None:
    ada = make.person(email="ada@example.com")
    portal = portal_of(ada)
    change = ask_email_change(portal, smtp, "intruder@example.net")
    reset = ask_reset(mail_app, smtp, "ada@example.com")
    portal.post("/account/logout-everywhere")
    assert confirm(mail_app, change).status_code == 410
    visitor = Portal(mail_app.test_client())
    assert visitor.client.get(reset).status_code == 410
    assert visitor.post(reset, {"new_password": NEW_PASSWORD}).status_code == 410
    assert session.scalar(select(Person.email).where(Person.id == ada.id)) == "ada@example.com"


def test_a_reset_revokes_the_other_pending_links(
    mail_app: Flask, smtp: SmtpServer, make: Any, portal_of: Any
) -> None:
    ada = make.person(email="ada@example.com")
    change = ask_email_change(portal_of(ada), smtp, "intruder@example.net")
    first = ask_reset(mail_app, smtp, "ada@example.com")
    second = ask_reset(mail_app, smtp, "ada@example.com", count=2)
    visitor = Portal(mail_app.test_client())
    assert visitor.post(second, {"new_password": NEW_PASSWORD}).status_code == 303
    assert Portal(mail_app.test_client()).client.get(first).status_code == 410
    assert confirm(mail_app, change).status_code == 410


def test_a_reset_link_sent_to_the_old_address_dies_when_the_email_changes(
    mail_app: Flask, smtp: SmtpServer, make: Any, portal_of: Any
) -> None:
    ada = make.person(email="ada@example.com")
    reset = ask_reset(mail_app, smtp, "ada@example.com")
    change = ask_email_change(portal_of(ada), smtp, "ada@new.example")
    assert confirm(mail_app, change).status_code == 303
    visitor = Portal(mail_app.test_client())
    assert visitor.client.get(reset).status_code == 410
    assert visitor.post(reset, {"new_password": NEW_PASSWORD}).status_code == 410


def test_the_command_line_reset_revokes_pending_links(
    mail_app: Flask, smtp: SmtpServer, make: Any, portal_of: Any
) -> None:
    ada = make.person(email="ada@example.com")
    change = ask_email_change(portal_of(ada), smtp, "intruder@example.net")
    result = mail_app.test_cli_runner().invoke(
        main, ["user", "reset-password", "ada@example.com", "--password", NEW_PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert confirm(mail_app, change).status_code == 410


# ---------------------------------------------------------------- ids and links of the gone


def test_a_deleted_persons_id_is_never_given_to_someone_new(app: Flask, make: Any) -> None:
    make.person()
    gone = make.person()
    with job_session(app) as db:
        delete_account(db, db.get(Person, gone.id))
    newcomer = make.person()
    assert newcomer.id > gone.id


def test_a_deleted_teams_id_is_never_given_to_a_new_team(app: Flask, make: Any) -> None:
    owner = make.person()
    make.team(owner)
    gone = make.team(owner)
    with get_engine(app).begin() as connection:
        connection.execute(text("DELETE FROM team WHERE id = :id"), {"id": gone.id})
    assert make.team(owner).id > gone.id


def test_an_old_unsubscribe_link_of_a_deleted_person_does_not_act_on_anyone(
    app: Flask, make: Any, session: Session
) -> None:
    owner = make.person()
    team = make.team(owner)
    gone = make.member(team)
    link = unsubscribe_url(app, gone.id, team.id, gone.link_key)
    with job_session(app) as db:
        delete_account(db, db.get(Person, gone.id))
        # As a database that reuses ids would: a new person under the old id.
        db.add(
            Person(
                id=gone.id,
                email="new@example.com",
                name="New",
                password_hash="-",
                session_token="-",
            )
        )
    newcomer = session.get(Person, gone.id)
    assert newcomer is not None
    make.member(team, newcomer)
    answer = app.test_client().post(link.removeprefix("http://teamkit.test"))
    assert answer.status_code == 410
    assert "no longer exists" in answer.text
    assert session.scalar(select(func.count()).select_from(EmailOptOut)) == 0


def test_an_old_reset_link_of_a_deleted_person_does_not_act_on_anyone(
    mail_app: Flask, smtp: SmtpServer, make: Any, session: Session
) -> None:
    make.team(make.person())
    gone = make.person(email="gone@example.com")
    reset = ask_reset(mail_app, smtp, "gone@example.com")
    with job_session(mail_app) as db:
        delete_account(db, db.get(Person, gone.id))
        db.add(
            Person(
                id=gone.id,
                email="new@example.com",
                name="New",
                password_hash="-",
                session_token="-",
            )
        )
    visitor = Portal(mail_app.test_client())
    assert visitor.client.get(reset).status_code == 404
    assert visitor.post(reset, {"new_password": NEW_PASSWORD}).status_code == 404
    assert session.scalar(select(Person.password_hash).where(Person.id == gone.id)) == "-"


def test_the_migration_keeps_every_row_and_makes_sqlite_ids_never_reused(
    tmp_path: Any,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")  # foreign keys on
    try:
        migrate.upgrade(engine, "7c3d9e1f2b45")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO person (id, email, name, password_hash, session_token, "
                    "created_at) VALUES (1, 'a@x.org', 'A', '-', '-', CURRENT_TIMESTAMP), "
                    "(2, 'b@x.org', 'B', '-', '-', CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO team (id, name, slug, created_at) "
                    "VALUES (1, 'T', 't', CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO membership (team_id, person_id, role, joined_at) VALUES "
                    "(1, 1, 'owner', CURRENT_TIMESTAMP), (1, 2, 'member', CURRENT_TIMESTAMP)"
                )
            )
        migrate.upgrade(engine)
        with engine.begin() as connection:
            assert connection.execute(text("SELECT count(*) FROM membership")).scalar() == 2
            keys = connection.execute(text("SELECT link_key FROM person")).scalars().all()
            assert len(set(keys)) == 2 and all(len(key) == 32 for key in keys)
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            connection.execute(text("DELETE FROM person WHERE id = 2"))
            connection.execute(
                text(
                    "INSERT INTO person (email, name, password_hash, session_token, link_key, "
                    "created_at) VALUES ('c@x.org', 'C', '-', '-', 'k', CURRENT_TIMESTAMP)"
                )
            )
            ids = connection.execute(text("SELECT id FROM person ORDER BY id")).scalars().all()
            assert ids == [1, 3]
        migrate.downgrade(engine, "7c3d9e1f2b45")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM membership")).scalar() == 1
    finally:
        engine.dispose()
