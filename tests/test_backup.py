"""Backups restore: a copy made as the README says, put in a fresh teamkit, serves the
same pages. SQLite through `teamkit db backup`; PostgreSQL through the README's `pg_dump`
and `pg_restore`, on a cluster of the test's own."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from clients import PASSWORD, Portal
from digests.support import add_goals
from flask import Flask
from pgcluster import Cluster, tool
from sqlalchemy import create_engine

from teamkit import create_app, migrate
from teamkit.auth.models import Person
from teamkit.auth.services import create_api_token, create_person
from teamkit.cli import main
from teamkit.db import get_engine, job_session
from teamkit.teams.models import Role
from teamkit.teams.services import add_member, create_team

PAGES = ("/t/core/", "/t/core/goals", "/t/core/members", "/account")
API = ("/api/v1/teams/core/goals", "/api/v1/teams/core/members")
#: What differs between two visits to the same page: the form token, and when the token
#: reading the API was last used (by the visit itself).
VARYING = re.compile(
    r'name="csrf_token" type="hidden" value="[^"]+"|<td data-label="Last used">.*?</td>'
)


def _config(url: str, tmp_path: Path) -> dict[str, Any]:
    return {
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "BASE_URL": "http://teamkit.test",
        "TESTING": True,
    }


def _seed(app: Flask) -> tuple[Person, str]:
    """Give `app` a team with an owner, a member, goals and an API token."""
    with app.app_context(), job_session(app) as session:
        owner = create_person(session, "ada@example.com", "Ada Owner", PASSWORD)
        team = create_team(session, "Core", "core", owner)
        add_member(
            session, team, create_person(session, "max@example.com", "Max", PASSWORD), Role.MEMBER
        )
        _token, plain = create_api_token(session, owner, "backup test")
    add_goals(app, team, owner, ["Answer fast", "Ship weekly"])
    # Logged in once already: the first log-in's welcome is not what a restore should show.
    assert Portal(app.test_client()).login(owner).status_code == 302
    return owner, plain


def _write_after_the_backup(app: Flask, owner: Person) -> None:
    with app.app_context(), job_session(app) as session:
        team = create_team(session, "Later", "later", session.get(Person, owner.id))
    add_goals(app, team, owner, ["After the backup"])


def what_it_serves(app: Flask, person: Any, token: str) -> dict[str, Any]:
    """Return the pages `person` sees and the API's answers, as text."""
    portal = Portal(app.test_client())
    assert portal.login(person).status_code == 302
    seen: dict[str, Any] = {}
    for path in PAGES:
        answer = portal.client.get(path)
        assert answer.status_code == 200, path
        seen[path] = VARYING.sub("", answer.get_data(as_text=True))
    for path in API:
        answer = app.test_client().get(path, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, path
        seen[path] = answer.json
    return seen


@pytest.fixture
def fresh_app(tmp_path: Path) -> Iterator[list[Flask]]:
    """Apps a test starts on a restored database; disposed of at the end."""
    apps: list[Flask] = []
    yield apps
    for started in apps:
        get_engine(started).dispose()


def test_a_sqlite_backup_restored_into_a_fresh_teamkit_serves_the_same_pages(
    app: Flask, tmp_path: Path, database_kind: str, fresh_app: list[Flask]
) -> None:
    if database_kind != "sqlite":
        pytest.skip("`teamkit db backup` copies SQLite; PostgreSQL has its own test")
    owner, token = _seed(app)
    before = what_it_serves(app, owner, token)
    copy = tmp_path / "teamkit-backup.sqlite3"
    result = app.test_cli_runner().invoke(main, ["db", "backup", str(copy)])
    assert result.exit_code == 0, result.output
    # Written after the backup: not in the copy.
    _write_after_the_backup(app, owner)

    restored = create_app(_config(f"sqlite:///{copy}", tmp_path / "restored"))
    fresh_app.append(restored)
    assert what_it_serves(restored, owner, token) == before
    listed = restored.test_client().get(
        "/api/v1/teams", headers={"Authorization": f"Bearer {token}"}
    )
    assert [team["slug"] for team in listed.json["items"]] == ["core"]


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{command[0]} failed: {done.stderr}"


def test_the_readmes_postgresql_backup_restores_in_place_and_into_a_fresh_database(
    pg_cluster: Cluster, tmp_path: Path, fresh_app: list[Flask]
) -> None:
    url = pg_cluster.create_database("backup_source")
    engine = create_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    source = create_app(_config(url, tmp_path / "source"))
    fresh_app.append(source)
    owner, token = _seed(source)
    before = what_it_serves(source, owner, token)

    dump = tmp_path / "teamkit.dump"
    database = pg_cluster.libpq_url("backup_source")
    # The README's two commands, as written there.
    _run(tool("pg_dump"), "--format=custom", f"--file={dump}", database)
    _write_after_the_backup(source, owner)
    _run(tool("pg_restore"), "--clean", f"--dbname={database}", str(dump))
    get_engine(source).dispose()  # its connections saw the tables that were replaced
    assert what_it_serves(source, owner, token) == before

    # A fresh instance: a new, empty database, restored from the same file.
    fresh = pg_cluster.create_database("backup_fresh")
    _run(tool("pg_restore"), f"--dbname={pg_cluster.libpq_url('backup_fresh')}", str(dump))
    restored = create_app(_config(fresh, tmp_path / "fresh"))
    fresh_app.append(restored)
    assert what_it_serves(restored, owner, token) == before
