"""Alembic environment: migrate through the engine teamkit hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

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
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID}
                )
            context.run_migrations()


run_migrations_online()
