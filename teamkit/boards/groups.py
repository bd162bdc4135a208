"""A board's groups: cards that say the same thing, under a title (the group phase).

Any member makes, renames and deletes groups and moves cards into and out of them; a
deleted group's cards stay on the board, in no group.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamkit.boards.models import Board, Card, CardGroup, Phase
from teamkit.boards.services import GROUP_TITLE, NO_GROUPING, get_card, get_group, require_open
from teamkit.errors import Conflict
from teamkit.teams.models import Membership

HAS_ITEM = "An action item was made from this group: it stays, as the item's source."


def _groupable(board: Board) -> None:
    require_open(board)
    if board.phase is not Phase.GROUP:
        raise Conflict(NO_GROUPING.format(board.phase.label.lower()))


def create_group(
    session: Session,
    actor: Membership,
    board: Board,
    *,
    title: str,
    card_ids: Collection[str] = (),
) -> CardGroup:
    """Make a group of cards under a title (any member, in the group phase)."""
    _groupable(board)
    group = CardGroup(retro_id=board.retro_id, title=GROUP_TITLE.clean(title, "title"))
    cards = [get_card(session, board, card_id) for card_id in card_ids]
    session.add(group)
    session.flush()
    for card in cards:
        card.group_id = group.id
    session.flush()
    return group


def move_card(
    session: Session, actor: Membership, board: Board, card_id: str, group_id: int | None
) -> Card:
    """Move a card into a group, or out of any (any member, in the group phase)."""
    _groupable(board)
    card = get_card(session, board, card_id)
    card.group_id = None if group_id is None else get_group(session, board, group_id).id
    session.flush()
    return card


def rename_group(
    session: Session, actor: Membership, board: Board, group_id: int, *, title: str
) -> CardGroup:
    """Give a group another title (any member, in the group phase)."""
    _groupable(board)
    group = get_group(session, board, group_id)
    group.title = GROUP_TITLE.clean(title, "title")
    session.flush()
    return group


def delete_group(session: Session, actor: Membership, board: Board, group_id: int) -> None:
    """Delete a group; its cards stay on the board, in no group (in the group phase)."""
    _groupable(board)
    group = get_group(session, board, group_id)
    if group.action_item_id is not None:
        raise Conflict(HAS_ITEM)
    for card in session.scalars(select(Card).where(Card.group_id == group.id)):
        card.group_id = None
    session.delete(group)
    session.flush()
