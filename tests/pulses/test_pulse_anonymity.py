"""Invariant 2: nothing a reader of the database sees links an answer to who gave it.

Eight known people answer in a known order, each in a way we can recognise. Then every
way a reader could try to line answers up with participation rows is tried — key order,
SQLite's rowid, PostgreSQL's ctid (physical order) and xmin (writing transaction) — and
each must fail to recover who said what. A schema check on the migrated database fails
if a person-like, sequential or timestamp column is added to an answer table.

The orders are random, so an ordering attack lines all eight up by pure chance once in
8! = 40,320 runs; the transaction-id and rowid checks are exact.
"""

from __future__ import annotations

import itertools
import re

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError, OperationalError

from teamkit.db import get_engine, job_session
from teamkit.pulses import answers as answering
from teamkit.pulses.models import PulseAnswer

from .conftest import NOW

#: The tables that hold answers; any new one must be listed here and pass the same checks.
ANSWER_TABLES = ("pulse_answer", "pulse_answer_value", "pulse_comment")
#: Words of a column name (split at "_") that say it names a person...
PERSON_WORDS = {
    "person",
    "people",
    "member",
    "membership",
    "user",
    "author",
    "email",
    "who",
    "by",
    "ip",
    "agent",
    "session",
    "respondent",
    "participant",
    "participation",
    "token",
}
#: ...or a time or a place in a sequence.
TIME_WORDS = {
    "at",
    "on",
    "date",
    "day",
    "time",
    "timestamp",
    "ts",
    "created",
    "updated",
    "written",
    "submitted",
    "seq",
    "sequence",
    "serial",
    "position",
    "order",
    "rank",
    "counter",
}
TIME_TYPES = re.compile(r"DATE|TIME", re.IGNORECASE)
PEOPLE_TABLES = {"person", "membership", "api_token", "invite", "pulse_participation"}


def violations(engine: Engine, table: str) -> list[str]:
    """Return every way `table` could tie its rows to a person or to when they were written."""
    inspector = inspect(engine)
    found = []
    for column in inspector.get_columns(table):
        name, kind = column["name"], str(column["type"])
        words = set(name.lower().split("_"))
        if words & PERSON_WORDS:
            found.append(f"{table}.{name} looks like a person")
        if words & TIME_WORDS or TIME_TYPES.search(kind):
            found.append(f"{table}.{name} looks like a time or a sequence")
        if column.get("autoincrement") is True or "nextval" in str(column.get("default") or ""):
            found.append(f"{table}.{name} is sequential")
    for key in inspector.get_foreign_keys(table):
        if key["referred_table"] in PEOPLE_TABLES:
            found.append(f"{table} refers to {key['referred_table']}")
    primary = inspector.get_pk_constraint(table)["constrained_columns"]
    columns = {c["name"]: str(c["type"]) for c in inspector.get_columns(table)}
    if table != "pulse_answer_value":  # its key is (random answer key, item)
        for name in primary:
            if "INT" in columns[name].upper():
                found.append(f"{table}.{name} is an integer key: ids would follow insertion")
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            sql = connection.scalar(
                text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                {"t": table},
            )
        if "WITHOUT ROWID" not in (sql or "").upper():
            found.append(f"{table} has a rowid, which follows insertion order")
    return found


@pytest.mark.parametrize("table", ANSWER_TABLES)
def test_answer_tables_hold_no_person_no_sequence_and_no_time(app, table):
    assert violations(get_engine(app), table) == []


@pytest.mark.parametrize(
    ("column", "complaint"),
    [
        ("person_id INTEGER", "looks like a person"),
        ("submitted_at TIMESTAMP", "looks like a time"),
        ("answered_on DATE", "looks like a time"),
        ("seq INTEGER", "looks like a time or a sequence"),
    ],
)
def test_the_schema_check_catches_a_column_that_would_link(app, column, complaint):
    engine = get_engine(app)
    rowid = " WITHOUT ROWID" if engine.dialect.name == "sqlite" else ""
    with engine.begin() as connection:
        connection.execute(
            text(f"CREATE TABLE pulse_answer_probe (id VARCHAR(32) PRIMARY KEY, {column}){rowid}")
        )
    try:
        assert any(complaint in problem for problem in violations(engine, "pulse_answer_probe"))
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE pulse_answer_probe"))


def test_the_schema_check_catches_an_integer_key_and_a_rowid(app):
    engine = get_engine(app)
    key = "INTEGER PRIMARY KEY" if engine.dialect.name == "sqlite" else "SERIAL PRIMARY KEY"
    with engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE pulse_answer_probe (id {key}, total INTEGER)"))
    try:
        problems = " ".join(violations(engine, "pulse_answer_probe"))
        assert "integer key" in problems
        if engine.dialect.name == "sqlite":
            assert "rowid" in problems
        else:
            assert "sequential" in problems
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE pulse_answer_probe"))


# ---------------------------------------------------------------- eight known answers


@pytest.fixture
def eight_answers(acting, squad, app):
    """Eight people answer one pulse in a known order; return (pulse id, who said what).

    Person n (0-7) rates every item n % 7 + 1 the way that makes their total unique, and
    writes the comment "comment n".
    """
    pulse_id = acting.open()
    truth = []
    for n, person in enumerate(squad.everyone):
        # Item 2 (not reverse-scored) carries n; the rest stay at 4, so totals differ.
        values = [4, 1 + n % 7, 4, 4, 4, 4, 4 if n < 7 else 5]
        acting.answer(person, pulse_id, values, comment=f"comment {n}")
        truth.append(f"comment {n}")
    assert len(squad.everyone) == 8
    return pulse_id, truth


def _totals_in_answer_order(n: int) -> int:
    return 24 + 1 + n % 7 + (1 if n >= 7 else 0)


def _rows(app, sql, **params):
    with app.app_context(), job_session(app) as session:
        return [tuple(row) for row in session.execute(text(sql), params)]


def _recovered(ordered_labels: list[str], truth: list[str]) -> int:
    """How many answers a reader pairs with the right person by lining the two orders up."""
    return sum(1 for said, right in zip(ordered_labels, truth, strict=True) if said == right)


def test_key_order_of_comments_does_not_follow_who_answered_when(app, eight_answers):
    pulse_id, truth = eight_answers
    comments = [
        row[0]
        for row in _rows(
            app, "SELECT text FROM pulse_comment WHERE pulse_id = :p ORDER BY id", p=pulse_id
        )
    ]
    assert sorted(comments) == sorted(truth)
    assert comments != truth, "comments in key order are in the order people answered"


def test_key_order_of_answers_does_not_follow_who_answered_when(app, eight_answers):
    pulse_id, _truth = eight_answers
    totals = [
        row[0]
        for row in _rows(
            app, "SELECT total FROM pulse_answer WHERE pulse_id = :p ORDER BY id", p=pulse_id
        )
    ]
    in_order = [_totals_in_answer_order(n) for n in range(8)]
    assert sorted(totals) == sorted(in_order)
    assert totals != in_order


def test_answer_keys_are_random_not_counters(app, eight_answers):
    keys = [row[0] for row in _rows(app, "SELECT id FROM pulse_answer")]
    assert all(re.fullmatch(r"[0-9a-f]{32}", key) for key in keys)
    numbers = sorted(int(key, 16) for key in keys)
    # Eight 128-bit random keys are never within a million of each other.
    assert min(b - a for a, b in itertools.pairwise(numbers)) > 10**6


def test_sqlite_keeps_no_rowid_on_answer_tables(app, eight_answers, database_kind):
    if database_kind != "sqlite":
        pytest.skip("rowid is SQLite's")
    for table in ANSWER_TABLES:
        with pytest.raises(OperationalError, match="no such column"):
            _rows(app, f"SELECT rowid FROM {table}")
        with pytest.raises(OperationalError, match="no such column"):
            _rows(app, f"SELECT _rowid_ FROM {table}")


def test_postgresql_physical_order_does_not_follow_who_answered_when(
    app, eight_answers, database_kind
):
    if database_kind != "postgresql":
        pytest.skip("ctid is PostgreSQL's")
    pulse_id, truth = eight_answers
    by_place = [
        row[0]
        for row in _rows(
            app, "SELECT text FROM pulse_comment WHERE pulse_id = :p ORDER BY ctid", p=pulse_id
        )
    ]
    assert _recovered(by_place, truth) < len(truth)
    totals = [
        row[0]
        for row in _rows(
            app, "SELECT total FROM pulse_answer WHERE pulse_id = :p ORDER BY ctid", p=pulse_id
        )
    ]
    assert totals != [_totals_in_answer_order(n) for n in range(8)]


def test_postgresql_transaction_ids_do_not_tie_answers_to_participation(
    app, eight_answers, database_kind
):
    if database_kind != "postgresql":
        pytest.skip("xmin is PostgreSQL's")
    pulse_id, _truth = eight_answers
    answer_xmins = set()
    for table in ANSWER_TABLES:
        column = "answer_id IN (SELECT id FROM pulse_answer WHERE pulse_id = :p)"
        where = column if table == "pulse_answer_value" else "pulse_id = :p"
        answer_xmins |= {
            row[0]
            for row in _rows(app, f"SELECT xmin::text FROM {table} WHERE {where}", p=pulse_id)
        }
    participation = [
        row[0]
        for row in _rows(
            app, "SELECT xmin::text FROM pulse_participation WHERE pulse_id = :p", p=pulse_id
        )
    ]
    # Every answer row was last written by the last submission: one xmin for all of them,
    # which names no answer in particular.
    assert len(answer_xmins) == 1
    assert len(set(participation)) == 8
    assert answer_xmins <= set(participation)


def test_no_non_content_column_of_an_answer_orders_them_by_who_answered(app, eight_answers):
    pulse_id, _truth = eight_answers
    in_order = [_totals_in_answer_order(n) for n in range(8)]
    for column in ("id", "pulse_id", "names_goal", "recall_goal_id", "names_north_star"):
        rows = _rows(
            app,
            f"SELECT {column}, total FROM pulse_answer WHERE pulse_id = :p ORDER BY {column}, id",
            p=pulse_id,
        )
        assert [total for _key, total in rows] != in_order, column


def test_an_answer_that_fails_to_store_leaves_no_participation(app, acting, squad, committed):
    pulse_id = acting.open()

    def store_out_of_scale(session, actor):
        pulse = acting.pulse(session, pulse_id)
        item = pulse.items[0]
        # Past the service's checks: the database's own check refuses the value, and the
        # participation written first in the same transaction goes with it.
        answering.store_answer(session, pulse, actor.person_id, ratings={item.id: 9})

    with pytest.raises(IntegrityError):
        acting(squad.members[0], store_out_of_scale)
    counts = committed(
        lambda s: (
            s.query(PulseAnswer).count(),
            s.execute(text("SELECT count(*) FROM pulse_participation")).scalar(),
        )
    )
    assert counts == (0, 0)
    assert NOW  # the pulse is open at NOW; see conftest
