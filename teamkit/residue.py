"""Wipe what the database keeps of past writes to rows that must not tell who wrote them.

Pulses' answers and boards' anonymous cards are stored without their writer, under random
keys. What could still link a row to its writer is how the database wrote it: on
PostgreSQL every row version carries `xmin` (the writer's transaction) and sits at a
physical place (`ctid`) in the order of writing, and dead versions stay in the pages
until VACUUM FULL; on SQLite the WAL holds each transaction's pages in order, and a
page's cells sit where they were inserted.

So a capability (1) rewrites the rows of the same owner (a pulse, a board) in a random
order in the writing transaction (`rewrite_in_random_order`, PostgreSQL only), (2) marks
the owner's row (`is_vacuum_due`), and (3) its scheduler job (`vacuum_when_due`) takes
the marks and runs VACUUM FULL on the tables (PostgreSQL), or VACUUM and a WAL checkpoint
with truncation (SQLite, whose connections use `secure_delete`), outside a transaction.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import Engine, Executable, text, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from teamkit.db import get_engine, job_session

log = logging.getLogger("teamkit.residue")
_shuffler = random.SystemRandom()


@dataclass(frozen=True)
class VacuumMark:
    """Where a capability marks the owners of rows written since the last vacuum."""

    #: The owners' flag column, e.g. `Pulse.is_vacuum_due`.
    flag: InstrumentedAttribute[bool]
    #: The owners' key, e.g. `Pulse.id`.
    key: InstrumentedAttribute[Any]
    #: The tables whose rows must not tell who wrote them.
    tables: tuple[str, ...]


def needs_scatter(session: Session) -> bool:
    """Tell whether this database shows row versions and physical order (PostgreSQL)."""
    return session.get_bind().dialect.name == "postgresql"


def rewrite_in_random_order(session: Session, statement: Executable, keys: Sequence[Any]) -> None:
    """Run `statement` (a rewrite of one row, bound as `:key`) for every key, shuffled."""
    shuffled = list(keys)
    _shuffler.shuffle(shuffled)
    if shuffled:
        session.execute(statement, [{"key": key} for key in shuffled])


def claim_vacuum(session: Session, mark: VacuumMark) -> list[Any]:
    """Take the marks set since the last vacuum; return the owners' keys.

    Two schedulers' ticks take turns on the rows: only one gets each mark.
    """
    return list(
        session.scalars(
            update(mark.flag.class_)
            .where(mark.flag.is_(True))
            .values({mark.flag.key: False})
            .returning(mark.key)
            .execution_options(synchronize_session=False)
        )
    )


def mark_vacuum_due(session: Session, mark: VacuumMark, keys: Sequence[Any]) -> None:
    """Put back the marks of a vacuum that failed, so the next tick tries again."""
    if keys:
        session.execute(
            update(mark.flag.class_)
            .where(mark.key.in_(keys))
            .values({mark.flag.key: True})
            .execution_options(synchronize_session=False)
        )


#: Whether every transaction that could still see a row version older than transaction
#: `%(after)s` has ended: no transaction id running anywhere from before it (VACUUM FULL's
#: own snapshot would keep what they might see), and no snapshot of this database's
#: other sessions from before it.
_SETTLED = """
SELECT txid_snapshot_xmin(txid_current_snapshot()) > %(after)s
   AND NOT EXISTS (
       SELECT 1 FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
          AND backend_xmin IS NOT NULL
          AND age(backend_xmin) >= age((%(after)s %% 4294967296)::text::xid))
"""


def vacuum_tables(engine: Engine, tables: Sequence[str], *, after: int | None = None) -> bool:
    """Wipe what the database keeps of past writes to `tables` (outside a transaction).

    PostgreSQL: VACUUM FULL rewrites the tables and their indexes with live rows only. It
    keeps the old versions a running transaction might still see, so with `after` (a
    transaction id later than the writes) it does nothing and returns False while a
    transaction older than that runs. SQLite: VACUUM rebuilds the file, then the WAL is
    checkpointed and truncated.
    """
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        if engine.dialect.name == "postgresql":
            driver.autocommit = True  # type: ignore[union-attr]
            try:
                if after is not None:
                    settled = driver.execute(_SETTLED, {"after": after}).fetchone()  # type: ignore[union-attr]
                    if not settled[0]:
                        return False
                driver.execute(f"VACUUM (FULL) {', '.join(tables)}")  # type: ignore[union-attr]
            finally:
                driver.autocommit = False  # type: ignore[union-attr]
        else:
            level = driver.isolation_level  # type: ignore[union-attr]
            driver.isolation_level = None  # type: ignore[union-attr]
            try:
                driver.execute("VACUUM")  # type: ignore[union-attr]
                busy, _, _ = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()  # type: ignore[union-attr]
                if busy:
                    raise RuntimeError("the WAL could not be truncated: a reader held it")
            finally:
                driver.isolation_level = level  # type: ignore[union-attr]
    finally:
        raw.close()
    return True


def vacuum_when_due(app: Flask, mark: VacuumMark) -> list[Any]:
    """Vacuum `mark.tables` if any owner was marked since the last time (a scheduler job).

    Return the owners whose marks were taken. The marks are put back when the vacuum
    fails, and when a transaction older than the claim still runs (PostgreSQL): the
    vacuum would keep the row versions it might see, so the next tick tries again.
    """
    with job_session(app) as session:
        claimed = claim_vacuum(session, mark)
        # The claim saw the writes' marks: its transaction id is later than theirs.
        after = session.scalar(text("SELECT txid_current()")) if needs_scatter(session) else None
    if not claimed:
        return []
    try:
        done = vacuum_tables(get_engine(app), mark.tables, after=after)
    except Exception:
        with job_session(app) as session:
            mark_vacuum_due(session, mark, claimed)
        raise
    if not done:
        with job_session(app) as session:
            mark_vacuum_due(session, mark, claimed)
        log.info("vacuum put off to the next tick: a transaction older than the writes runs")
        return []
    return claimed
