"""Votes on a board's cards: a person's limit, a card's cap, and taking them back.

One row per vote, with the day and no time of day; totals stay hidden until voting ends
(teamkit.boards.state).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from teamkit.boards import services
from teamkit.boards.models import Board, Phase, Vote
from teamkit.db import utcnow
from teamkit.errors import Conflict
from teamkit.teams.models import Membership


def cast_vote(session: Session, actor: Membership, board: Board, card_id: str) -> Vote:
    """Give a card one vote (in the vote phase), within the limit and the card's cap."""
    services.require_open(board)
    if board.phase is not Phase.VOTE:
        raise Conflict(services.NO_VOTING.format(board.phase.label.lower()))
    card = services.get_card(session, board, card_id)
    used, on_card = session.execute(
        select(
            func.count(Vote.id),
            func.count(Vote.id).filter(Vote.card_id == card.id),
        ).where(Vote.retro_id == board.retro_id, Vote.membership_id == actor.id)
    ).one()
    if used >= board.vote_limit:
        raise Conflict(services.OVER_LIMIT.format(board.vote_limit))
    if on_card >= board.card_vote_cap:
        raise Conflict(services.OVER_CAP.format(board.card_vote_cap))
    vote = Vote(retro_id=board.retro_id, card_id=card.id, membership_id=actor.id, cast_on=_today())
    session.add(vote)
    session.flush()
    return vote


def take_back_vote(session: Session, actor: Membership, board: Board, card_id: str) -> None:
    """Take back one of one's votes on a card (until voting ends)."""
    services.require_open(board)
    if board.phase is not Phase.VOTE:
        raise Conflict(services.NO_VOTING.format(board.phase.label.lower()))
    card = services.get_card(session, board, card_id)
    vote_id = session.scalar(
        select(Vote.id)
        .where(Vote.card_id == card.id, Vote.membership_id == actor.id)
        .order_by(Vote.id.desc())
        .limit(1)
    )
    if vote_id is None:
        raise Conflict(services.NO_VOTE)
    session.execute(delete(Vote).where(Vote.id == vote_id))
    session.flush()


def _today() -> date:
    return utcnow().date()


def votes_left(session: Session, board: Board, actor: Membership, card_id: str) -> dict[str, int]:
    """Return how many votes `actor` has left on the board, and has on the card."""
    used, on_card = session.execute(
        select(
            func.count(Vote.id),
            func.count(Vote.id).filter(Vote.card_id == card_id),
        ).where(Vote.retro_id == board.retro_id, Vote.membership_id == actor.id)
    ).one()
    return {"votes_left": max(board.vote_limit - used, 0), "my_votes": on_card}
