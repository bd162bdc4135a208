"""The `teamkit` command: every command, through Click's test runner on the test database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from apscheduler.schedulers.blocking import BlockingScheduler
from click.testing import Result
from clients import PASSWORD, Api, Portal
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from teamkit import create_app, migrate
from teamkit.auth.models import Person
from teamkit.cli import main
from teamkit.db import get_engine
from teamkit.demo import DEMO_PASSWORD, DEMO_PEOPLE
from teamkit.teams.models import Membership, Role, Team

Invoke = Callable[..., Result]


@pytest.fixture
def teamkit(app: Flask) -> Invoke:
    """Run `teamkit ARGS…` against the test app."""
    runner = app.test_cli_runner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(main, list(args), input=input)

    return invoke


@pytest.fixture
def ada(make: Any) -> Person:
    return make.person(name="Ada", email="ada@example.com")


def role_of(session: Session, slug: str, email: str) -> Role | None:
    return session.scalar(
        select(Membership.role)
        .join(Team, Team.id == Membership.team_id)
        .join(Person, Person.id == Membership.person_id)
        .where(Team.slug == slug, Person.email == email)
    )


def count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


# ---------------------------------------------------------------- help


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


def test_every_command_answers_help(teamkit: Invoke) -> None:
    commands = list(all_commands(main))
    assert {("serve",), ("scheduler",), ("db", "upgrade"), ("token", "create"), ("demo",)} <= set(
        commands
    )
    for command in [(), *commands]:
        result = teamkit(*command, "--help")
        assert result.exit_code == 0, (command, result.output)
        assert result.output.startswith("Usage:")


# ---------------------------------------------------------------- user


def test_user_create_makes_a_person_who_can_log_in(
    teamkit: Invoke, portal: Portal, session: Session
) -> None:
    result = teamkit("user", "create", "Ada@Example.com", "--name", "Ada", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert result.output == "created ada@example.com\n"
    ada = session.scalar(select(Person))
    assert ada is not None
    assert portal.login(ada).status_code == 302


def test_user_create_asks_for_the_password_twice_when_not_given(
    teamkit: Invoke, portal: Portal, session: Session
) -> None:
    result = teamkit("user", "create", "ada@example.com", "--name", "Ada", input="s3cret-pw\n" * 2)
    assert result.exit_code == 0, result.output
    assert "Password" in result.output
    assert "s3cret-pw" not in result.output
    ada = session.scalar(select(Person))
    assert ada is not None
    assert portal.login(ada, password="s3cret-pw").status_code == 302


def test_user_create_with_an_invalid_email_fails_and_creates_no_one(
    teamkit: Invoke, session: Session
) -> None:
    result = teamkit("user", "create", "not-an-email", "--name", "X", "--password", PASSWORD)
    assert result.exit_code == 1
    assert "not a valid email address" in result.output
    assert count(session, Person) == 0


def test_user_create_with_a_taken_email_fails(teamkit: Invoke, ada: Person) -> None:
    result = teamkit("user", "create", "ada@example.com", "--name", "X", "--password", PASSWORD)
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_user_create_requires_a_name(teamkit: Invoke) -> None:
    result = teamkit("user", "create", "ada@example.com", "--password", PASSWORD)
    assert result.exit_code == 2
    assert "--name" in result.output


# ---------------------------------------------------------------- team


def test_team_create_makes_the_owner_owner(teamkit: Invoke, ada: Person, session: Session) -> None:
    result = teamkit("team", "create", "Core team", "--slug", "core", "--owner", "ada@example.com")
    assert result.exit_code == 0, result.output
    assert result.output == "created team core\n"
    assert role_of(session, "core", "ada@example.com") is Role.OWNER


def test_team_create_with_an_unknown_owner_fails(teamkit: Invoke, session: Session) -> None:
    result = teamkit("team", "create", "Core", "--slug", "core", "--owner", "who@example.com")
    assert result.exit_code == 1
    assert "No person with email who@example.com" in result.output
    assert count(session, Team) == 0


def test_team_create_with_a_taken_slug_fails(
    teamkit: Invoke, make: Any, ada: Person, session: Session
) -> None:
    make.team(slug="core")
    result = teamkit("team", "create", "Core", "--slug", "core", "--owner", "ada@example.com")
    assert result.exit_code == 1
    assert "taken" in result.output
    assert count(session, Team) == 1


def test_team_add_member_adds_with_the_role_given(
    teamkit: Invoke, make: Any, ada: Person, session: Session
) -> None:
    make.team(slug="core")
    result = teamkit("team", "add-member", "core", "ada@example.com", "--role", "facilitator")
    assert result.exit_code == 0, result.output
    assert role_of(session, "core", "ada@example.com") is Role.FACILITATOR


def test_team_add_member_defaults_to_member(
    teamkit: Invoke, make: Any, ada: Person, session: Session
) -> None:
    make.team(slug="core")
    teamkit("team", "add-member", "core", "ada@example.com")
    assert role_of(session, "core", "ada@example.com") is Role.MEMBER


def test_team_add_member_refuses_an_unknown_role(teamkit: Invoke, make: Any, ada: Person) -> None:
    make.team(slug="core")
    result = teamkit("team", "add-member", "core", "ada@example.com", "--role", "admin")
    assert result.exit_code == 2
    assert "admin" in result.output


def test_team_add_member_to_an_unknown_team_fails(teamkit: Invoke, ada: Person) -> None:
    result = teamkit("team", "add-member", "nope", "ada@example.com")
    assert result.exit_code == 1
    assert "No team" in result.output


def test_team_add_member_twice_fails(teamkit: Invoke, make: Any, ada: Person) -> None:
    make.team(ada, slug="core")
    result = teamkit("team", "add-member", "core", "ada@example.com")
    assert result.exit_code == 1
    assert "already a member" in result.output


# ---------------------------------------------------------------- token


def test_token_create_prints_only_a_token_that_works_against_the_api(
    teamkit: Invoke, ada: Person, client: FlaskClient
) -> None:
    result = teamkit("token", "create", "ada@example.com", "--name", "release script")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    me = Api(client, lines[0]).get("/api/v1/me")
    assert me.status_code == 200
    assert me.json["email"] == "ada@example.com"


def test_token_create_for_an_unknown_person_prints_no_token(teamkit: Invoke) -> None:
    result = teamkit("token", "create", "who@example.com")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "No person with email who@example.com" in result.stderr


# ---------------------------------------------------------------- db


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[Invoke]:
    """Run `teamkit …` against an app of its own, on a database with no tables yet."""
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
            "SECRET_KEY": "test-secret-key",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TESTING": True,
        }
    )
    runner = app.test_cli_runner()
    yield lambda *args: runner.invoke(main, list(args))
    get_engine(app).dispose()


def test_db_upgrade_migrates_an_empty_database_to_the_newest_revision(
    empty_database: Invoke, app: Flask
) -> None:
    head = migrate.current_revision(get_engine(app))
    result = empty_database("db", "upgrade")
    assert result.exit_code == 0, result.output
    assert result.output == f"database at {head}\n"


def test_db_downgrade_base_empties_the_database(empty_database: Invoke) -> None:
    empty_database("db", "upgrade")
    result = empty_database("db", "downgrade", "base")
    assert result.exit_code == 0, result.output
    assert result.output == "database at base\n"
    assert "(not migrated)" in empty_database("db", "current").output


def test_db_current_names_the_revision(teamkit: Invoke, app: Flask) -> None:
    result = teamkit("db", "current")
    assert result.exit_code == 0
    assert result.output.strip() == migrate.current_revision(get_engine(app))


def test_db_downgrade_needs_a_revision(teamkit: Invoke) -> None:
    assert teamkit("db", "downgrade").exit_code == 2


# ---------------------------------------------------------------- serve, scheduler, demo


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Stand in for waitress (which would block) and record what it was asked to serve."""
    seen: dict[str, Any] = {}

    def serve(app: Any, **options: Any) -> None:
        seen.update(options, app=app)

    monkeypatch.setattr("waitress.serve", serve)
    return seen


def test_serve_migrates_then_serves_the_app_on_the_address_given(
    empty_database: Invoke, served: dict[str, Any]
) -> None:
    result = empty_database("serve", "--host", "0.0.0.0", "--port", "8123", "--no-scheduler")
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"]) == ("0.0.0.0", 8123)
    assert "teamkit is serving at http://0.0.0.0:8123/" in result.output
    assert "scheduler started" not in result.output
    assert "(not migrated)" not in empty_database("db", "current").output


def test_serve_starts_the_scheduler_unless_told_not_to(
    teamkit: Invoke, served: dict[str, Any]
) -> None:
    result = teamkit("serve")
    assert result.exit_code == 0, result.output
    assert "scheduler started" in result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 5000)


def test_serve_runs_a_thread_for_each_pooled_database_connection(
    app_config: dict[str, Any], served: dict[str, Any]
) -> None:
    app = create_app({**app_config, "DATABASE_POOL_SIZE": 3})
    try:
        result = app.test_cli_runner().invoke(main, ["serve", "--no-scheduler"])
        assert result.exit_code == 0, result.output
        assert served["threads"] == 3
        assert get_engine(app).pool.size() == 3  # type: ignore[attr-defined]
        result = app.test_cli_runner().invoke(main, ["serve", "--no-scheduler", "--threads", "5"])
        assert served["threads"] == 5
    finally:
        get_engine(app).dispose()


def test_scheduler_runs_every_periodic_job(
    teamkit: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []

    def start(scheduler: BlockingScheduler, *args: Any, **kwargs: Any) -> None:
        started.extend(job.id for job in scheduler.get_jobs())
        raise KeyboardInterrupt

    monkeypatch.setattr(BlockingScheduler, "start", start)
    result = teamkit("scheduler")
    assert result.exit_code == 0, result.output
    assert "heartbeat" in started


def test_demo_creates_the_demo_team_whose_people_can_log_in(
    teamkit: Invoke, portal: Portal, session: Session
) -> None:
    result = teamkit("demo")
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    email, _name, role = DEMO_PEOPLE[0]
    assert role_of(session, "demo", email) is role
    assert count(session, Membership) == len(DEMO_PEOPLE)
    person = session.scalar(select(Person).where(Person.email == email))
    assert person is not None
    assert portal.login(person, password=DEMO_PASSWORD).status_code == 302


def test_demo_run_twice_creates_nothing_more(teamkit: Invoke, session: Session) -> None:
    teamkit("demo")
    result = teamkit("demo")
    assert result.exit_code == 0, result.output
    assert "already there" in result.output
    assert count(session, Team) == 1
    assert count(session, Person) == len(DEMO_PEOPLE)


def test_db_backup_copies_the_sqlite_database_with_everything_in_it(
    teamkit: Invoke, make: Any, tmp_path: Path, database_kind: str, app: Flask
) -> None:
    if database_kind != "sqlite":
        pytest.skip("a SQLite copy; PostgreSQL is backed up with pg_dump")
    make.team(make.person(email="ada@example.com"), slug="core")
    target = tmp_path / "backup.sqlite3"
    result = teamkit("db", "backup", str(target))
    assert result.exit_code == 0, result.output
    assert result.output == f"copied the database to {target}\n"
    copy = create_engine(f"sqlite:///{target}")
    try:
        with copy.connect() as connection:
            assert connection.scalar(select(Team.slug)) == "core"
            assert connection.scalar(select(Person.email)) == "ada@example.com"
        assert migrate.current_revision(copy) == migrate.current_revision(get_engine(app))
    finally:
        copy.dispose()


def test_db_backup_never_overwrites_a_file(
    teamkit: Invoke, tmp_path: Path, database_kind: str
) -> None:
    if database_kind != "sqlite":
        pytest.skip("a SQLite copy; PostgreSQL is backed up with pg_dump")
    target = tmp_path / "precious.sqlite3"
    target.write_text("keep me")
    result = teamkit("db", "backup", str(target))
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert target.read_text() == "keep me"


def test_db_backup_on_postgresql_points_to_pg_dump(
    teamkit: Invoke, tmp_path: Path, database_kind: str
) -> None:
    if database_kind != "postgresql":
        pytest.skip("PostgreSQL refuses; SQLite is copied")
    result = teamkit("db", "backup", str(tmp_path / "backup.sqlite3"))
    assert result.exit_code == 1
    assert "use pg_dump for PostgreSQL" in result.output
    assert not (tmp_path / "backup.sqlite3").exists()


def test_db_backup_into_a_missing_folder_says_so_and_leaves_no_file(
    teamkit: Invoke, tmp_path: Path, database_kind: str
) -> None:
    if database_kind != "sqlite":
        pytest.skip("a SQLite copy; PostgreSQL is backed up with pg_dump")
    target = tmp_path / "no-such-folder" / "backup.sqlite3"
    result = teamkit("db", "backup", str(target))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: could not copy the database to {target}")
    assert not target.exists()


def test_user_reset_password_sets_a_new_one_and_ends_every_session(
    teamkit: Invoke, ada: Person, portal: Portal, session: Session, make: Any, app: Flask
) -> None:
    token = make.token(ada)
    assert portal.login(ada).status_code == 302
    result = teamkit(
        "user", "reset-password", "ADA@example.com", input="brand new pw\nbrand new pw\n"
    )
    assert result.exit_code == 0, result.output
    assert "brand new pw" not in result.output
    assert portal.client.get("/account").status_code == 302  # that session has ended
    assert portal.login(ada).status_code == 422  # the old password is gone
    assert portal.login(ada, password="brand new pw").status_code == 302
    me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401  # the API tokens are revoked too


def test_user_reset_password_for_an_unknown_email_fails(teamkit: Invoke) -> None:
    result = teamkit("user", "reset-password", "nobody@example.com", "--password", PASSWORD)
    assert result.exit_code == 1
    assert "No account has the email nobody@example.com." in result.output


def test_user_reset_password_refuses_a_short_one(teamkit: Invoke, ada: Person) -> None:
    result = teamkit("user", "reset-password", "ada@example.com", "--password", "short")
    assert result.exit_code == 1
    assert "at least 8 characters" in result.output
