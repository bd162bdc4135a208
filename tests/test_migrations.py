"""Invariant 5: migrations make the schema, both ways, and it equals the models.

These tests migrate the suite's own database, so each leaves it at head and empty.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, text

from teamkit import migrate
from teamkit.db import Base, include_name, is_full_text_table, make_engine

VERSION_TABLE = "alembic_version"


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the suite's database, put back at head whatever the test did."""
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        migrate.upgrade(engine)
        engine.dispose()


def tables(engine: Engine) -> set[str]:
    return {name for name in inspect(engine).get_table_names() if not is_full_text_table(name)}


def head(engine: Engine) -> str:
    heads = ScriptDirectory.from_config(migrate.alembic_config(engine)).get_heads()
    assert len(heads) == 1, heads
    return heads[0]


def test_migrations_have_a_single_head(engine: Engine) -> None:
    heads = ScriptDirectory.from_config(migrate.alembic_config(engine)).get_heads()
    assert len(heads) == 1, f"several heads, merge them: {heads}"


def test_downgrading_to_base_leaves_no_table_but_alembics(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    assert tables(engine) == {VERSION_TABLE}
    assert migrate.current_revision(engine) is None


def test_upgrading_from_base_makes_every_model_table(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    migrate.upgrade(engine)
    assert tables(engine) == set(Base.metadata.tables) | {VERSION_TABLE}
    assert migrate.current_revision(engine) == head(engine)


def test_every_migration_steps_down_and_up_again(engine: Engine) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(engine))
    revisions = [revision.revision for revision in script.walk_revisions()]
    for _ in revisions:
        migrate.downgrade(engine, "-1")
    assert migrate.current_revision(engine) is None
    for revision in reversed(revisions):
        migrate.upgrade(engine, "+1")
        assert migrate.current_revision(engine) == revision


def test_autogenerate_finds_no_difference_between_models_and_migrations(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_goals_per_digest_moves_to_goal_settings_and_back(engine: Engine) -> None:
    migrate.downgrade(engine, "6282c432a4ed")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO team (id, name, slug, goals_per_digest, created_at) VALUES "
                "(1, 'Five', 'five', 5, CURRENT_TIMESTAMP), "
                "(2, 'Three', 'three', 3, CURRENT_TIMESTAMP)"
            )
        )
    migrate.upgrade(engine, "d1a6c0a15e77")
    with engine.connect() as connection:
        moved = connection.execute(text("SELECT team_id, goals_per_digest FROM goal_settings"))
        assert list(moved) == [(1, 5)]  # the default needs no row
    migrate.downgrade(engine, "6282c432a4ed")
    with engine.begin() as connection:
        back = connection.execute(text("SELECT slug, goals_per_digest FROM team ORDER BY id"))
        assert list(back) == [("five", 5), ("three", 3)]
        connection.execute(text("DELETE FROM team"))


def test_upgrading_a_populated_database_keeps_the_rows_that_refer_to_rebuilt_tables(
    database_url: str,
) -> None:
    """Rebuilding `team` or `person` on SQLite (a dropped column) must not cascade-delete
    the memberships that refer to them, with foreign keys on as teamkit runs."""
    engine = make_engine(database_url)
    try:
        migrate.downgrade(engine, "6282c432a4ed")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO person (id, email, name, password_hash, session_token, "
                    "created_at) VALUES (1, 'ada@example.com', 'Ada', 'x', 't', CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO team (id, name, slug, goals_per_digest, created_at) "
                    "VALUES (1, 'Kept', 'kept', 3, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO membership (team_id, person_id, role, joined_at) "
                    "VALUES (1, 1, 'owner', CURRENT_TIMESTAMP)"
                )
            )
        migrate.upgrade(engine)
        with engine.begin() as connection:
            kept = connection.execute(text("SELECT team_id, person_id, role FROM membership"))
            assert list(kept) == [(1, 1, "owner")]
            for table in ("membership", "team_settings", "team", "person"):
                connection.execute(text(f"DELETE FROM {table}"))
            if engine.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        migrate.upgrade(engine)
        engine.dispose()
