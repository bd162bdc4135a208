"""Keep the database from telling who wrote an anonymous card, as the pulses' answers do.

An anonymous card has no author column value, a random key (not a sequential id) and the
minute it was written, never finer. The card table is WITHOUT ROWID on SQLite, so its
rows sit in the order of their random keys. On PostgreSQL every anonymous card written
rewrites all of its board's anonymous cards in a random order, so their physical order
(`ctid`) is a fresh shuffle and they all carry the last writer's transaction id (`xmin`).
The board is marked, and the scheduler's next tick runs VACUUM FULL on the card table
(PostgreSQL) or VACUUM and a WAL truncation (SQLite), so no old row version or WAL frame
keeps the order of writing (`teamkit.residue`). The honest limit (README): WAL archives
and replicas, and someone who watches every write as it happens.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from teamkit import residue
from teamkit.boards.models import Board, Card

_cards = cast(Table, Card.__table__)
_REWRITE_CARD = update(_cards).where(_cards.c.id == bindparam("key")).values(text=_cards.c.text)
#: The tables whose rows must not tell who wrote them.
CARD_TABLES = ("board_card",)
#: Boards with anonymous cards written since the card table was last vacuumed.
VACUUM = residue.VacuumMark(flag=Board.is_vacuum_due, key=Board.retro_id, tables=CARD_TABLES)


def scatter_cards(session: Session, retro_id: int) -> None:
    """Rewrite every anonymous card of a board in a random order (PostgreSQL only)."""
    if not residue.needs_scatter(session):
        return
    keys = list(
        session.scalars(
            select(Card.id).where(Card.retro_id == retro_id, Card.is_anonymous.is_(True))
        )
    )
    residue.rewrite_in_random_order(session, _REWRITE_CARD, keys)
