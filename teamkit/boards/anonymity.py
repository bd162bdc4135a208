"""Keep the database from telling who wrote an anonymous card, as the pulses' answers do.

An anonymous card has no author column value, a random key (not a sequential id) and the
minute it was written, never finer. The card table is WITHOUT ROWID on SQLite, so its
rows sit in the order of their random keys. On PostgreSQL every anonymous card written
rewrites all of its board's anonymous cards in a random order, so their physical order
(`ctid`) is a fresh shuffle and they all carry the last writer's transaction id (`xmin`).
The board is marked, and the scheduler's next tick runs VACUUM FULL on the card table
(PostgreSQL) or VACUUM and a WAL truncation (SQLite), so no old row version or WAL frame
keeps the order of writing. The honest limit (README): WAL archives and replicas, and
someone who watches every write as it happens.
"""

from __future__ import annotations

import random
from typing import cast

from sqlalchemy import Engine, Table, bindparam, select, update
from sqlalchemy.orm import Session

from teamkit.boards.models import Board, Card

_shuffler = random.SystemRandom()
_cards = cast(Table, Card.__table__)
_REWRITE_CARD = update(_cards).where(_cards.c.id == bindparam("key")).values(text=_cards.c.text)
#: The tables whose rows must not tell who wrote them.
CARD_TABLES = ("board_card",)


def scatter_cards(session: Session, retro_id: int) -> None:
    """Rewrite every anonymous card of a board in a random order (PostgreSQL only)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = list(
        session.scalars(
            select(Card.id).where(Card.retro_id == retro_id, Card.is_anonymous.is_(True))
        )
    )
    _shuffler.shuffle(keys)
    if keys:
        session.execute(_REWRITE_CARD, [{"key": key} for key in keys])


def claim_vacuum(session: Session) -> list[int]:
    """Take the marks of boards with anonymous cards written since the last vacuum."""
    return list(
        session.scalars(
            update(Board)
            .where(Board.is_vacuum_due.is_(True))
            .values(is_vacuum_due=False)
            .returning(Board.retro_id)
            .execution_options(synchronize_session=False)
        )
    )


def mark_vacuum_due(session: Session, retro_ids: list[int]) -> None:
    """Put back the marks of a vacuum that failed, so the next tick tries again."""
    if retro_ids:
        session.execute(
            update(Board)
            .where(Board.retro_id.in_(retro_ids))
            .values(is_vacuum_due=True)
            .execution_options(synchronize_session=False)
        )


def vacuum_card_tables(engine: Engine) -> None:
    """Wipe what the database keeps of past writes to the card table (outside a transaction)."""
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        if engine.dialect.name == "postgresql":
            driver.autocommit = True  # type: ignore[union-attr]
            try:
                driver.execute(f"VACUUM (FULL) {', '.join(CARD_TABLES)}")  # type: ignore[union-attr]
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
