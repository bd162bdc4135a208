"""An anonymous card holds no author: no column, no sequence, no time finer than the minute,
no insertion order (SQLite rowid, PostgreSQL ctid) and no writer's own transaction id."""

from __future__ import annotations

import re

import pytest
from residue import tick_until_vacuumed
from sqlalchemy import inspect, text

from teamkit.boards import jobs, services
from teamkit.boards.models import Board, Card
from teamkit.db import get_engine, job_session
from teamkit.teams.models import Membership

WRITERS = 6


def _rows(app, sql, **params):
    with app.app_context(), job_session(app) as session:
        return list(session.execute(text(sql), params))


@pytest.fixture
def anonymous_board(app, crew, add_board):
    retro_id = add_board(anonymous=True)
    with app.app_context(), job_session(app) as session:
        members = session.query(Membership).filter_by(team_id=crew.team.id).all()
    for n in range(WRITERS):
        # Each card in a transaction of its own, as each writer's request is.
        with app.app_context(), job_session(app) as session:
            board = services.lock_board(session, crew.team.id, retro_id)
            services.add_card(
                session, members[n % len(members)], board, column="start", text=f"Card {n:02d}"
            )
    return retro_id


def test_anonymous_cards_store_no_author_and_only_the_minute(app, anonymous_board):
    with app.app_context(), job_session(app) as session:
        cards = session.query(Card).filter_by(retro_id=anonymous_board).all()
        assert len(cards) == WRITERS
        assert all(card.author_id is None and card.is_anonymous for card in cards)
        assert all(card.written_at.second == card.written_at.microsecond == 0 for card in cards)


def test_card_keys_are_random_not_counters(app, anonymous_board):
    keys = [row[0] for row in _rows(app, "SELECT id FROM board_card")]
    assert all(re.fullmatch(r"[0-9a-f]{32}", key) for key in keys)
    columns = {c["name"] for c in inspect(get_engine(app)).get_columns("board_card")}
    assert "created_at" not in columns and "person_id" not in columns


def test_sqlite_keeps_no_rowid_on_the_card_table(app, anonymous_board, database_kind):
    if database_kind != "sqlite":
        pytest.skip("rowid is SQLite's")
    with pytest.raises(Exception, match="rowid"):
        _rows(app, "SELECT rowid FROM board_card")


def test_postgresql_cards_all_carry_the_last_writers_transaction_id(
    app, anonymous_board, database_kind
):
    if database_kind != "postgresql":
        pytest.skip("xmin is PostgreSQL's")
    xmins = {row[0] for row in _rows(app, "SELECT xmin::text FROM board_card")}
    assert len(xmins) == 1


def test_the_vacuum_tick_takes_the_mark_and_wipes_the_residue(app, anonymous_board):
    assert _rows(app, "SELECT is_vacuum_due FROM board")[0][0]
    tick_until_vacuumed(
        jobs.vacuum_cards, app, lambda: _rows(app, "SELECT is_vacuum_due FROM board")[0][0]
    )
    with app.app_context(), job_session(app) as session:
        assert not session.get(Board, anonymous_board).is_vacuum_due
    jobs.vacuum_cards(app)  # nothing due: nothing to do
