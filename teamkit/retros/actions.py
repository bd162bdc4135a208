"""Action items: what a retro commits the team to, followed until done or dropped.

Something another capability keeps can become one too: see teamkit.retros.follow_ups.

Any member adds one to a retro; the item's owner and the team's owners and facilitators
change it. Closing one (done, or won't do) takes a note that says what was done, or why not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session, joinedload

from teamkit import validation
from teamkit.auth.models import Person
from teamkit.db import utcnow
from teamkit.errors import InvalidInput, NotFound
from teamkit.goals.models import Goal
from teamkit.retros.models import (
    ACTION_TITLE_MAX,
    CLOSED_STATUSES,
    NOTE_MAX,
    OPEN_STATUSES,
    ActionItem,
    ActionStatus,
    Retro,
)
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import has_role, require_role
from teamkit.validation import Choice, Rule, Text, check_changes, team_row_id

#: Where an undated action item sorts: after every dated one.
UNDATED = date(9999, 12, 31)

TITLE_MISSING = "Say what will be done."
OWNER_MISSING = "Choose the member who sees it through."
OWNER_MESSAGE = "Choose a member of this team as owner."
DATE_MESSAGE = validation.DATE_MESSAGE
GOAL_MESSAGE = "Choose one of this team's goals, or none."
RETRO_MESSAGE = "Choose one of this team's retros."
CLOSING_NOTE_MISSING = "Say what was done, or why it won't be."
TITLE = Text(ACTION_TITLE_MAX, TITLE_MISSING, is_one_line=True)
CLOSING_NOTE = Text(NOTE_MAX)
#: The most items a page of the team's list shows.
PAGE_SIZE = 200


# ---------------------------------------------------------------- checks


def require_item_editor(actor: Membership, item: ActionItem) -> None:
    """Raise Forbidden unless `actor` owns the item or runs the team's retros."""
    if item.owner_id != actor.id:
        require_role(actor, Role.FACILITATOR, "change an action item someone else owns")


def to_date(value: date | str | None, field: str = "due_date") -> date | None:
    """Return `value` as a date from 1900 to 9999 (None when blank), or raise InvalidInput."""
    return validation.to_date(value, field)


def member_id_for_email(session: Session, team: Team, email: str | None) -> int:
    """Return the membership id of the team's member with `email`, or raise InvalidInput."""
    found = session.scalar(
        select(Membership.id)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.team_id == team.id, Person.email == (email or "").strip().lower())
    )
    if found is None:
        raise InvalidInput({"owner": OWNER_MESSAGE})
    return found


def _check_owner(session: Session, team: Team, owner_id: Any) -> int:
    number = team_row_id(session, Membership, team.id, owner_id, "owner_id", OWNER_MESSAGE)
    if number is None:
        raise InvalidInput({"owner_id": OWNER_MISSING})
    return number


def _check_fields(session: Session, team: Team, values: Mapping[str, Any]) -> dict[str, Any]:
    rules: dict[str, Rule] = {
        "title": TITLE,
        "owner_id": lambda value, _field: _check_owner(session, team, value),
        "due_date": lambda value, _field: to_date(value),
        "goal_id": lambda value, field: team_row_id(
            session, Goal, team.id, value, field, GOAL_MESSAGE
        ),
        "status": Choice(ActionStatus),
        "closing_note": CLOSING_NOTE,
    }
    return check_changes(values, rules)


# ---------------------------------------------------------------- writing


def create_action_item(
    session: Session,
    actor: Membership,
    retro: Retro,
    *,
    title: str,
    owner_id: int | str | None,
    due_date: date | str | None = None,
    goal_id: int | str | None = None,
) -> ActionItem:
    """Add an open action item to `retro` (any member), owned by a member of the team."""
    checked = _check_fields(
        session,
        retro.team,
        {"title": title, "owner_id": owner_id, "due_date": due_date, "goal_id": goal_id},
    )
    return add_open_item(session, actor, team_id=retro.team_id, retro_id=retro.id, **checked)


def add_open_item(session: Session, actor: Membership, **fields: Any) -> ActionItem:
    """Add an open action item with `fields` (its team, title, owner, where it came from),
    created by `actor` now: the one place a new item's starting state is written."""
    now = utcnow()
    item = ActionItem(
        status=ActionStatus.OPEN,
        closing_note="",
        created_by_id=actor.person_id,
        created_at=now,
        updated_at=now,
        **fields,
    )
    session.add(item)
    session.flush()
    return item


def update_action_item(
    session: Session, actor: Membership, item: ActionItem, changes: Mapping[str, Any]
) -> ActionItem:
    """Change an action item (its owner, or owners and facilitators).

    Moving it to done or won't do closes it, and needs a closing note; moving it back to
    open or in progress reopens it, keeping the note.
    """
    require_item_editor(actor, item)
    checked = _check_fields(session, actor.team, changes)
    status = checked.get("status", item.status)
    note = checked.get("closing_note", item.closing_note)
    if status in CLOSED_STATUSES and not note:
        raise InvalidInput({"closing_note": CLOSING_NOTE_MISSING})
    now = utcnow()
    if status in CLOSED_STATUSES and item.status not in CLOSED_STATUSES:
        item.closed_at = now
    elif status in OPEN_STATUSES:
        item.closed_at = None
    for name, value in checked.items():
        setattr(item, name, value)
    item.updated_at = now
    session.flush()
    return item


# ---------------------------------------------------------------- reading


def _loaded(statement: Select[Any]) -> Select[Any]:
    return statement.options(
        joinedload(ActionItem.owner).joinedload(Membership.person),
        joinedload(ActionItem.retro),
        joinedload(ActionItem.goal),
    )


def get_action_item(session: Session, team: Team, item_id: int) -> ActionItem:
    """Return the team's action item `item_id`, or raise NotFound."""
    item = session.scalar(
        _loaded(select(ActionItem).where(ActionItem.id == item_id, ActionItem.team_id == team.id))
    )
    if item is None:
        raise NotFound("No such action item in this team.")
    return item


def items_statement(
    team: Team,
    *,
    today: date,
    status: ActionStatus | None = None,
    owner_id: int | None = None,
    overdue: bool = False,
    open_only: bool = False,
) -> Select[Any]:
    """Return the query of a team's action items: open ones first, overdue first among them,
    then by due date (undated last)."""
    is_open = ActionItem.status.in_(OPEN_STATUSES)
    is_overdue = and_(is_open, ActionItem.due_date.is_not(None), ActionItem.due_date < today)
    statement = _loaded(select(ActionItem).where(ActionItem.team_id == team.id)).order_by(
        case((is_overdue, 0), (is_open, 1), else_=2),
        # Undated last; one key that is never NULL, so the API can page by it.
        func.coalesce(ActionItem.due_date, UNDATED),
        ActionItem.id,
    )
    if status is not None:
        statement = statement.where(ActionItem.status == status)
    if owner_id is not None:
        statement = statement.where(ActionItem.owner_id == owner_id)
    if overdue:
        statement = statement.where(is_overdue)
    if open_only:
        statement = statement.where(is_open)
    return statement


def list_action_items(
    session: Session,
    team: Team,
    *,
    today: date,
    status: ActionStatus | None = None,
    owner_id: int | None = None,
    overdue: bool = False,
    open_only: bool = False,
    limit: int = PAGE_SIZE,
) -> list[ActionItem]:
    """Return the team's action items matching the filters, open and overdue first."""
    statement = items_statement(
        team, today=today, status=status, owner_id=owner_id, overdue=overdue, open_only=open_only
    )
    return list(session.scalars(statement.limit(limit)))


def items_of_retro(session: Session, retro: Retro) -> list[ActionItem]:
    """Return the action items of a retro, in the order they were added."""
    return list(
        session.scalars(
            _loaded(select(ActionItem).where(ActionItem.retro_id == retro.id)).order_by(
                ActionItem.id
            )
        )
    )


def open_items_from_earlier_retros(
    session: Session, retro: Retro, *, limit: int = PAGE_SIZE
) -> list[ActionItem]:
    """Return the team's still-open action items from retros before `retro`, due first."""
    earlier = select(Retro.id).where(
        Retro.team_id == retro.team_id,
        Retro.id != retro.id,
        Retro.created_at <= retro.created_at,
    )
    statement = _loaded(
        select(ActionItem).where(
            ActionItem.team_id == retro.team_id,
            ActionItem.status.in_(OPEN_STATUSES),
            ActionItem.retro_id.in_(earlier),
        )
    ).order_by(ActionItem.due_date.is_(None), ActionItem.due_date, ActionItem.id)
    return list(session.scalars(statement.limit(limit)))


def items_serving_goal(session: Session, goal: Goal, *, limit: int = PAGE_SIZE) -> list[ActionItem]:
    """Return the action items that serve `goal`, open ones first."""
    is_open = ActionItem.status.in_(OPEN_STATUSES)
    return list(
        session.scalars(
            _loaded(select(ActionItem).where(ActionItem.goal_id == goal.id))
            .order_by(
                case((is_open, 0), else_=1),
                ActionItem.due_date.is_(None),
                ActionItem.due_date,
                ActionItem.id,
            )
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class ActionCounts:
    """How many of a team's action items are open and overdue, and how many are the viewer's."""

    open: int
    overdue: int
    mine_open: int
    mine_overdue: int


def count_action_items(session: Session, member: Membership, *, today: date) -> ActionCounts:
    """Count the team's open and overdue items, and the member's own, in one query."""
    is_overdue = and_(ActionItem.due_date.is_not(None), ActionItem.due_date < today)
    mine = ActionItem.owner_id == member.id

    def counted(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = session.execute(
        select(
            func.count(),
            counted(is_overdue),
            counted(mine),
            counted(and_(mine, is_overdue)),
        ).where(ActionItem.team_id == member.team_id, ActionItem.status.in_(OPEN_STATUSES))
    ).one()
    return ActionCounts(*(int(value) for value in row))


@dataclass(frozen=True)
class OwnerItems:
    """One owner's open action items, overdue first (owner None: nobody owns them now)."""

    owner: Membership | None
    items: list[ActionItem]
    overdue: int


def open_items_by_owner(session: Session, team: Team, *, today: date) -> list[OwnerItems]:
    """Return the team's open action items grouped by owner: owners with overdue items
    first, each owner's overdue items first."""
    items = list_action_items(session, team, today=today, limit=PAGE_SIZE)
    groups: dict[int | None, list[ActionItem]] = {}
    for item in items:
        if item.status in OPEN_STATUSES:
            groups.setdefault(item.owner_id, []).append(item)
    result = [
        OwnerItems(
            owner=group[0].owner,
            items=group,
            overdue=sum(1 for item in group if item.is_overdue(today)),
        )
        for group in groups.values()
    ]
    result.sort(key=lambda g: (-g.overdue, g.owner is None, g.owner.person.name if g.owner else ""))
    return result


def acknowledge_coach(
    session: Session, actor: Membership, item: ActionItem, *, keep: bool = True
) -> ActionItem:
    """Keep the item's wording against the coach's flags, or stop keeping it (its owner,
    owners and facilitators). The digest carries a kept wording; a new title asks again.
    """
    require_item_editor(actor, item)
    item.coach_acknowledged_title = item.title if keep else None
    item.updated_at = utcnow()
    session.flush()
    return item


def may_edit_item(actor: Membership, item: ActionItem) -> bool:
    """Tell whether `actor` may change `item` (its owner, or owners and facilitators)."""
    return item.owner_id == actor.id or has_role(actor, Role.FACILITATOR)
