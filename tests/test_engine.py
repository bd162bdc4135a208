"""How teamkit talks to its database and keeps its templates, set for a web server's load."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text

from teamkit.db import POOL_OVERFLOW, get_engine


def test_sqlite_runs_in_wal_mode_syncing_at_checkpoints(app: Flask, database_kind: str) -> None:
    if database_kind != "sqlite":
        pytest.skip("SQLite's own settings")
    with get_engine(app).connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        # 1 is NORMAL: with WAL, durable at checkpoints and never corrupt (2 would be FULL).
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_the_pool_keeps_a_connection_for_each_server_thread(app: Flask) -> None:
    pool = get_engine(app).pool
    assert pool.size() == 8  # type: ignore[attr-defined]  # TEAMKIT_DATABASE_POOL_SIZE
    assert pool._max_overflow == POOL_OVERFLOW  # type: ignore[attr-defined]


def test_templates_are_compiled_once_not_checked_for_changes_on_every_render(app: Flask) -> None:
    assert app.jinja_env.auto_reload is False
