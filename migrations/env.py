"""Alembic environment: migrate through the engine teamkit hands over."""

from __future__ import annotations

from alembic import context

import teamkit.models  # noqa: F401 - registers every model on Base.metadata
from teamkit.db import Base

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
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
