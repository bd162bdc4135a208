"""What a board shows a member: its columns, cards, groups and votes, as the phase allows.

Others' card texts are hidden (null) until the reveal; vote totals are hidden until
voting ends; an anonymous card's author is always null, and `is_mine` comes from the
card ids kept in the viewer's signed session. A board of any size is read in a fixed
number of statements.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamkit.auth.models import Person
from teamkit.boards.models import Board, Card, CardGroup, Phase, Readiness, Vote
from teamkit.retros import coach
from teamkit.teams.models import Membership

SHOWS_TOTALS = (Phase.DISCUSS, Phase.CLOSED)


def _vote_counts(session: Session, board: Board, me: Membership) -> dict[str, tuple[int, int]]:
    rows = session.execute(
        select(
            Vote.card_id,
            func.count(Vote.id),
            func.count(Vote.id).filter(Vote.membership_id == me.id),
        )
        .where(Vote.retro_id == board.retro_id)
        .group_by(Vote.card_id)
    )
    return {card_id: (total, mine) for card_id, total, mine in rows}


def board_state(
    session: Session, board: Board, me: Membership, mine: Collection[str]
) -> dict[str, Any]:
    """Return the board as `me` sees it (the API's and the page script's shape)."""
    cards = session.execute(
        select(Card, Person.name)
        .outerjoin(Membership, Membership.id == Card.author_id)
        .outerjoin(Person, Person.id == Membership.person_id)
        .where(Card.retro_id == board.retro_id)
        .order_by(Card.written_at, Card.id)
    ).all()
    groups = list(
        session.scalars(
            select(CardGroup).where(CardGroup.retro_id == board.retro_id).order_by(CardGroup.id)
        )
    )
    votes = _vote_counts(session, board, me)
    ready, mine_ready, members = session.execute(
        select(
            func.count(),
            func.count().filter(Readiness.membership_id == me.id),
            select(func.count(Membership.id))
            .where(Membership.team_id == board.team_id)
            .scalar_subquery(),
        )
        .select_from(Readiness)
        .where(Readiness.retro_id == board.retro_id, Readiness.phase == board.phase)
    ).one()
    names = list(
        session.scalars(
            select(Person.name)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.team_id == board.team_id)
        )
    )
    revealed = board.phase.is_revealed
    totals = board.phase in SHOWS_TOTALS
    columns: dict[str, dict[str, Any]] = {
        column["key"]: {**column, "card_count": 0, "cards": []} for column in board.columns
    }
    group_votes: dict[int, int] = {}
    group_cards: dict[int, list[str]] = {}
    used = 0
    for card, name in cards:
        total, my_votes = votes.get(card.id, (0, 0))
        used += my_votes
        is_mine = (
            card.id in mine
            if card.is_anonymous
            else (card.author_id is not None and card.author_id == me.id)
        )
        shown = revealed or is_mine
        column = columns.get(card.column_key)
        if column is None:
            continue
        column["card_count"] += 1
        column["cards"].append(
            {
                "id": card.id,
                "text": card.text if shown else None,
                "author": (
                    None
                    if card.is_anonymous or not shown or card.author_id is None
                    else {"id": card.author_id, "name": name}
                ),
                "is_anonymous": card.is_anonymous,
                "votes": total if totals else None,
                "my_votes": my_votes,
                "group_id": card.group_id,
                "is_mine": is_mine,
                "is_late": card.is_late,
                "written_at": card.written_at,
                "action_item_id": card.action_item_id,
                "etag": card.etag if is_mine else None,
                # The blameless coach reads every card; its flags go to the writer only.
                "coach": (
                    [flag.as_dict() for flag in coach.check_text(card.text, names)]
                    if is_mine
                    else []
                ),
            }
        )
        if card.group_id is not None:
            group_votes[card.group_id] = group_votes.get(card.group_id, 0) + total
            group_cards.setdefault(card.group_id, []).append(card.id)
    if totals:
        for column in columns.values():
            column["cards"].sort(key=lambda c: -(c["votes"] or 0))
    group_list: list[dict[str, Any]] = [
        {
            "id": group.id,
            "title": group.title,
            "votes": group_votes.get(group.id, 0) if totals else None,
            "card_ids": group_cards.get(group.id, []),
            "action_item_id": group.action_item_id,
        }
        for group in groups
    ]
    if totals:
        group_list.sort(key=lambda g: -(g["votes"] or 0))
    return {
        "version": board.version,
        "phase": board.phase.value,
        "vote_limit": board.vote_limit,
        "card_vote_cap": board.card_vote_cap,
        "votes_left": max(board.vote_limit - used, 0),
        "is_anonymous": board.is_anonymous,
        "timer_ends_at": board.timer_ends_at,
        "ready_count": ready or 0,
        "is_ready": bool(mine_ready),
        "member_count": members or 0,
        "columns": list(columns.values()),
        "groups": group_list,
    }
