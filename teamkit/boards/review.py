"""A board's review phase: the team's still-open action items from earlier retros first.

Each needs a decision before the board moves on: done, continue with a new due date, or
dropped with a reason, so nothing is discussed twice and forgotten twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from teamkit.boards.models import Board, Phase, ReviewDecision
from teamkit.errors import Conflict, InvalidInput
from teamkit.retros import actions
from teamkit.retros.models import ActionItem, ActionStatus
from teamkit.teams.models import Membership, Role
from teamkit.teams.roles import require_role
from teamkit.validation import Text

DECISIONS = ("done", "continue", "dropped")
DECISION_MESSAGE = "Choose done, continue or dropped."
REASON = Text(2000, "Say why it is dropped.")
NEW_DUE_MISSING = "Give it a new due date to continue."
NOT_IN_REVIEW = "Earlier action items are decided in the review phase; this board is in {}."
NOT_EARLIER = "Choose one of the team's action items."
NOT_OPEN_EARLIER = "That action item is not an open one from an earlier retro: it was decided."
#: Earlier items a review lists at most.
SHOWN = 200


def earlier_items(session: Session, board: Board) -> list[ActionItem]:
    """Return the open action items of the team's earlier retros and incident reviews."""
    return actions.open_items_from_earlier_retros(session, board.retro, limit=SHOWN)


def decisions(session: Session, board: Board) -> dict[int, ReviewDecision]:
    """Return the board's review decisions, by action item."""
    return {
        d.action_item_id: d
        for d in session.scalars(
            select(ReviewDecision).where(ReviewDecision.retro_id == board.retro_id)
        )
    }


def review_items(session: Session, board: Board) -> list[tuple[ActionItem, ReviewDecision | None]]:
    """Return the items this board's review covers, each with its decision (None: pending).

    The earlier open items first (due first), then the ones this review closed (done or
    dropped), which are open no longer.
    """
    decided = decisions(session, board)
    items = earlier_items(session, board)
    listed = {item.id for item in items}
    closed = [key for key in decided if key not in listed]
    if closed:
        items += session.scalars(
            select(ActionItem)
            .options(
                joinedload(ActionItem.owner).joinedload(Membership.person),
                joinedload(ActionItem.retro),
            )
            .where(ActionItem.team_id == board.team_id, ActionItem.id.in_(closed))
            .order_by(ActionItem.id)
        )
    return [(item, decided.get(item.id)) for item in items]


def pending_count(session: Session, board: Board) -> int:
    """Return how many earlier open action items still wait for this board's decision."""
    if board.phase is not Phase.REVIEW:
        return 0
    decided = decisions(session, board)
    return sum(1 for item in earlier_items(session, board) if item.id not in decided)


def decide(
    session: Session,
    actor: Membership,
    board: Board,
    item_id: int,
    decision: str,
    *,
    due_date: date | str | None = None,
    reason: str | None = None,
) -> ReviewDecision:
    """Record the review's decision on an earlier action item (facilitators) and apply it."""
    require_role(actor, Role.FACILITATOR, "decide on earlier action items")
    if board.phase is not Phase.REVIEW:
        raise Conflict(NOT_IN_REVIEW.format(board.phase.label.lower()))
    if decision not in DECISIONS:
        raise InvalidInput({"decision": DECISION_MESSAGE})
    item = next((i for i in earlier_items(session, board) if i.id == item_id), None)
    if item is None:
        known = session.scalar(
            select(ActionItem.id).where(
                ActionItem.id == item_id, ActionItem.team_id == board.team_id
            )
        )
        if known is not None:  # the team's, but closed since or from this very retro
            raise Conflict(NOT_OPEN_EARLIER)
        raise InvalidInput({"action_item_id": NOT_EARLIER})
    retro_title = board.retro.title
    note = ""
    changes: dict[str, Any]
    if decision == "done":
        changes = {
            "status": ActionStatus.DONE.value,
            "closing_note": f"Done, as the team retro “{retro_title}” found.",
        }
    elif decision == "dropped":
        note = REASON.clean(reason, "reason")
        changes = {"status": ActionStatus.WONT_DO.value, "closing_note": note}
    else:
        new_due = actions.to_date(due_date)
        if new_due is None:
            raise InvalidInput({"due_date": NEW_DUE_MISSING})
        changes = {"due_date": new_due}
        note = new_due.isoformat()
    actions.update_action_item(session, actor, item, changes)
    found = session.get(ReviewDecision, (board.retro_id, item.id))
    if found is None:
        found = ReviewDecision(retro_id=board.retro_id, action_item_id=item.id)
        session.add(found)
    found.decision = decision
    found.note = note
    session.flush()
    return found
