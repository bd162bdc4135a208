"""Notes for the next retro: a card put on the team's next open board from elsewhere (the
Slack app's `/teamkit note` and *Save as retro card*), so what is noticed during the sprint
isn't lost by the retro.

The card goes into the board's first column, anonymous when the board is; like every card
written before the reveal, only its writer sees it until then (an anonymous one: nobody,
since no session of theirs knows it).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.boards.models import Board, Card, Phase
from teamkit.boards.services import add_card
from teamkit.errors import Conflict
from teamkit.teams.models import Membership

#: The phases of a board that still takes a note: before the meeting, and while writing.
TAKES_NOTES = (Phase.REVIEW, Phase.WRITE, Phase.REVEAL, Phase.GROUP)
NO_OPEN_BOARD = (
    "The team has no open retro board to put it on: a facilitator starts a team retro first."
)


def next_open_board(session: Session, team_id: int) -> Board | None:
    """Return the team's next board that takes notes: the oldest one not past writing."""
    return session.scalars(
        select(Board)
        .where(Board.team_id == team_id, Board.phase.in_(TAKES_NOTES))
        .order_by(Board.retro_id)
        .limit(1)
        .with_for_update()
    ).first()


def add_note(session: Session, actor: Membership, text: str) -> tuple[Board, Card]:
    """Put `text` on the team's next open board as `actor`'s card (Conflict when none)."""
    board = next_open_board(session, actor.team_id)
    if board is None:
        raise Conflict(NO_OPEN_BOARD)
    card = add_card(
        session,
        actor,
        board,
        column=board.column_keys()[0],
        text=text,
        anonymous=True if board.is_anonymous else None,
        early=True,
    )
    return board, card
