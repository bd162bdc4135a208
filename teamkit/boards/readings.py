"""What the API shows of a card it answers with: the row, and what is read beside it."""

from __future__ import annotations

from dataclasses import dataclass

from teamkit.boards.models import Card


@dataclass(frozen=True)
class CardReading:
    """A card just written, edited or moved, and whether it is the reader's.

    Its votes show on the board once voting ends, and the coach speaks there too: here,
    none yet.
    """

    card: Card
    is_mine: bool
    votes: int | None = None
    my_votes: int = 0
    coach: tuple[dict[str, object], ...] = ()
