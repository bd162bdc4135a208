"""No residue: after the scheduler's next tick, the raw database holds no link between an
answer and who gave it (DESIGN.md, invariant 2).

PostgreSQL: the tests read the answer tables' raw pages with `pageinspect`; before the
tick, old row versions carry each writer's transaction id and stale copies of every key;
after it, only live rows remain, all from one transaction. SQLite: the tests read the
database file and its WAL; before the tick the WAL holds each submission's pages in the
order people answered; after it the WAL is empty and each page keeps its rows in the
order of their random keys, not of their writing.
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

from teamkit import residue
from teamkit.db import get_engine, job_session
from teamkit.pulses import anonymity, jobs
from teamkit.pulses.anonymity import ANSWER_TABLES
from teamkit.pulses.models import Pulse, PulseAnswer, PulseComment


@pytest.fixture
def answered(app, acting, squad):
    """A pulse answered by all eight, in a known order, each with a comment."""
    pulse_id = acting.open()
    for n, person in enumerate(squad.everyone):
        acting.answer(person, pulse_id, [1 + n % 7] * 7, comment=f"Comment number {n}")
    return pulse_id


def _keys(app, model):
    with app.app_context(), job_session(app) as session:
        return list(session.scalars(select(model.id)))


def _is_vacuum_due(app, pulse_id):
    with app.app_context(), job_session(app) as session:
        return session.get(Pulse, pulse_id).is_vacuum_due


def test_an_answer_marks_its_pulse_for_the_next_vacuum_and_the_tick_takes_the_mark(app, answered):
    assert _is_vacuum_due(app, answered)
    with app.app_context():
        tick_until_vacuumed(jobs.vacuum_answers, app, lambda: _is_vacuum_due(app, answered))
    assert not _is_vacuum_due(app, answered)
    with app.app_context(), job_session(app) as session:
        assert residue.claim_vacuum(session, anonymity.VACUUM) == []


# ---------------------------------------------------------------- PostgreSQL


def test_postgresql_pages_hold_no_old_row_version_after_the_tick(app, answered, pageinspect):
    answers, comments = _keys(app, PulseAnswer), _keys(app, PulseComment)
    writers = {
        xid for (xid,) in pageinspect.execute(text("SELECT xmin::text FROM pulse_participation"))
    }
    # Before the tick, the raw pages link answers to their writers: the test can tell.
    assert stale_copies(pageinspect, "pulse_answer", answers)
    before = {xmin for _, xmin, _ in tuple_headers(pageinspect, "pulse_answer") if xmin}
    assert len(before & writers) > 1

    with app.app_context():
        tick_until_vacuumed(jobs.vacuum_answers, app, lambda: _is_vacuum_due(app, answered))

    assert stale_copies(pageinspect, "pulse_answer", answers) == {}
    assert stale_copies(pageinspect, "pulse_comment", comments) == {}
    for table in ANSWER_TABLES:
        headers = tuple_headers(pageinspect, table)
        assert headers, table
        assert {flag for flag, _, _ in headers} == {1}, f"{table} keeps dead or unused items"
        # Every row carries the one transaction that rewrote the whole pulse last.
        assert len({xmin for _, xmin, _ in headers}) == 1, table
        assert {xmax for _, _, xmax in headers} == {"0"}, table


# ---------------------------------------------------------------- SQLite


def test_sqlite_connections_overwrite_what_they_delete(app):
    sqlite_file(app)
    with app.app_context(), get_engine(app).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_sqlite_wal_is_empty_and_pages_keep_key_order_after_the_tick(app, answered):
    database = sqlite_file(app)
    wal = wal_of(database)
    answers = _keys(app, PulseAnswer)
    # Before the tick, each submission's pages sit in the WAL, in the order people answered.
    assert any(key.encode() in wal.read_bytes() for key in answers)

    with app.app_context():
        tick_until_vacuumed(jobs.vacuum_answers, app, lambda: _is_vacuum_due(app, answered))

    assert not wal.exists() or wal.stat().st_size == 0
    raw = database.read_bytes()
    for keys in (answers, _keys(app, PulseComment)):
        assert_cells_in_key_order(raw, keys)
