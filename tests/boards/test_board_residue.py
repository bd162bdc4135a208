"""No residue: after the scheduler's next tick, the raw database holds no link between an
anonymous card and who wrote it, as for the pulses' answers (tests/pulses/test_pulse_residue).

PostgreSQL: the raw pages of the card table, read with `pageinspect`; before the tick,
old row versions carry each writer's transaction id; after it, only live rows remain, all
from one transaction, and a deleted card's text is gone. SQLite: the database file and
its WAL; before the tick the WAL holds each card's page in the order of writing; after it
the WAL is empty, cells sit in the order of their random keys, and a deleted card's text
is gone.
"""

from __future__ import annotations

import pytest
from residue import (
    assert_cells_in_key_order,
    sqlite_file,
    stale_copies,
    tick_until_vacuumed,
    tuple_headers,
    wal_of,
)
from sqlalchemy import select, text

from teamkit.boards import jobs, services
from teamkit.boards.anonymity import CARD_TABLES
from teamkit.boards.models import Board, Card
from teamkit.db import get_engine, job_session
from teamkit.teams.models import Membership

WRITERS = 8
EDITED = "A card its writer changed"


@pytest.fixture
def written(app, crew, add_board):
    """An anonymous board: cards written, one edited and one deleted, each in its own
    transaction as each writer's request is; return the board and the writers' xids."""
    retro_id = add_board(anonymous=True)
    with app.app_context(), job_session(app) as session:
        members = list(session.scalars(select(Membership).filter_by(team_id=crew.team.id)))
    writers: set[str] = set()
    keys: list[tuple[Membership, str]] = []

    def as_writer(member, act):
        with app.app_context(), job_session(app) as session:
            board = services.lock_board(session, crew.team.id, retro_id)
            done = act(session, session.merge(member), board)
            if session.get_bind().dialect.name == "postgresql":
                # What any other row this writer's request wrote would carry.
                writers.add(str(session.scalar(text("SELECT txid_current()"))))
            return done

    for n in range(WRITERS):
        member = members[n % len(members)]
        card = as_writer(
            member,
            lambda s, m, b, n=n: services.add_card(s, m, b, column="start", text=f"Card {n:02d}"),
        )
        keys.append((member, card.id))
    (m1, gone), (m2, changed) = keys[1], keys[2]
    as_writer(m1, lambda s, m, b: services.delete_card(s, m, b, gone, mine={gone}))
    as_writer(m2, lambda s, m, b: services.edit_card(s, m, b, changed, text=EDITED, mine={changed}))
    return retro_id, writers


def _is_vacuum_due(app, retro_id):
    with app.app_context(), job_session(app) as session:
        return session.get(Board, retro_id).is_vacuum_due


def _vacuum(app, retro_id):
    tick_until_vacuumed(jobs.vacuum_cards, app, lambda: _is_vacuum_due(app, retro_id))


def _keys(app):
    with app.app_context(), job_session(app) as session:
        return list(session.scalars(select(Card.id)))


def test_a_deleted_or_edited_anonymous_card_marks_the_board_for_the_vacuum(app, written):
    retro_id, _ = written
    assert _is_vacuum_due(app, retro_id)
    _vacuum(app, retro_id)
    assert not _is_vacuum_due(app, retro_id)


def test_postgresql_pages_hold_no_writers_transaction_after_the_tick(app, written, pageinspect):
    _, writers = written
    keys = _keys(app)
    assert len(keys) == WRITERS - 1
    # Before the tick, the raw pages link cards to their writers: the test can tell.
    assert stale_copies(pageinspect, "board_card", keys)
    before = {xmin for _, xmin, _ in tuple_headers(pageinspect, "board_card") if xmin}
    assert len(before & writers) > 1

    _vacuum(app, written[0])

    assert stale_copies(pageinspect, "board_card", keys) == {}
    for table in CARD_TABLES:
        headers = tuple_headers(pageinspect, table)
        assert {flag for flag, _, _ in headers} == {1}, f"{table} keeps dead or unused items"
        # Every card carries the one transaction that rewrote the whole board last.
        assert len({xmin for _, xmin, _ in headers}) == 1, table
        assert {xmax for _, _, xmax in headers} == {"0"}, table
    raw = b"".join(
        pageinspect.scalar(text(f"SELECT get_raw_page('board_card', {n})"))
        for n in range(
            pageinspect.scalar(text("SELECT pg_relation_size('board_card') / 8192")) or 0
        )
    )
    assert b"Card 01" not in raw and b"Card 02" not in raw


def test_sqlite_wal_is_empty_and_cells_keep_key_order_after_the_tick(app, written):
    database = sqlite_file(app)
    keys = _keys(app)
    assert any(key.encode() in wal_of(database).read_bytes() for key in keys)

    _vacuum(app, written[0])

    wal = wal_of(database)
    assert not wal.exists() or wal.stat().st_size == 0
    raw = database.read_bytes()
    assert_cells_in_key_order(raw, keys)
    # secure_delete and VACUUM: what was deleted or overwritten is gone from the file.
    assert b"Card 01" not in raw and b"Card 02" not in raw


def test_the_vacuum_waits_for_a_transaction_older_than_the_writes(app, written, pageinspect):
    retro_id, _ = written
    with app.app_context(), get_engine(app).connect() as older:
        # A transaction that began before the vacuum's claim and still runs: VACUUM FULL
        # would keep every row version it might see.
        older.execute(text("SELECT txid_current()"))
        jobs.vacuum_cards(app)
        assert _is_vacuum_due(app, retro_id)
        assert stale_copies(pageinspect, "board_card", _keys(app))
        older.rollback()
    _vacuum(app, retro_id)
    assert stale_copies(pageinspect, "board_card", _keys(app)) == {}
