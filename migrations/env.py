"""Alembic environment: migrate through the engine teamkit hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

import teamkit.models  # noqa: F401 - registers every model on Base.metadata
from teamkit.db import Base, include_name

#: Any number of `teamkit serve` processes may start together; on PostgreSQL they take
#: turns through this advisory lock, and the later ones find the schema at head already.
MIGRATION_LOCK_ID = 7_243_115

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch step rebuilds a table and drops the old one; with foreign keys on,
            # that DROP first deletes every row referring to it (ON DELETE CASCADE).
            # SQLite only changes this setting outside a transaction: set it on the
            # driver's connection before Alembic begins one, and check the keys after.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            migrate(connection)
        finally:
            if sqlite:
                # Never hand a connection without foreign keys back to the pool.
                connection.invalidate()


def migrate(connection: Connection) -> None:
    """Run the migrations in one transaction on `connection`."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"the migration broke foreign keys: {broken}")


run_migrations_online()
