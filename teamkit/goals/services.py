"""Set goals, order, archive and delete them; check the values they are given.

Every function takes a session and plain values, may flush, and never commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from teamkit.db import utcnow
from teamkit.errors import Conflict, InvalidInput, NotFound
from teamkit.goals.models import (
    SLOGAN_MAX,
    TITLE_MAX,
    UNIT_MAX,
    WHY_MAX,
    Goal,
    GoalStatus,
)
from teamkit.teams.models import Membership, Role, Team
from teamkit.teams.roles import require_role, require_same_team
from teamkit.validation import (
    Choice,
    Flag,
    Rule,
    Text,
    check_changes,
    check_date,
    parse_choice,
    to_number,
)

#: The rules of a goal's fields; its forms and API schemas are built from them.
TITLE = Text(TITLE_MAX, "Enter what the team wants to reach.", is_one_line=True)
WHY = Text(WHY_MAX, "Say why this goal matters: the belief behind it.")
SLOGAN = Text(SLOGAN_MAX, is_one_line=True)
UNIT = Text(UNIT_MAX, is_one_line=True)
NO_SUCH_GOAL = "No such goal in this team."
OWNER_MESSAGE = "Choose a member of this team as owner."

#: Ways `move_goal` moves a goal: before the one above it, or after the one below.
DIRECTIONS = ("up", "down")


# ---------------------------------------------------------------- checks


def require_facilitator(actor: Membership) -> None:
    """Raise Forbidden unless `actor` may create and edit the team's goals."""
    require_role(actor, Role.FACILITATOR, "create and edit goals")


def require_own_goal(actor: Membership, goal: Goal) -> None:
    """Raise NotFound unless `goal` is one of `actor`'s team's goals."""
    require_same_team(actor, goal.team_id, NO_SUCH_GOAL)


def require_in_progress(goal: Goal, what: str) -> None:
    """Raise Conflict unless `goal` is active and not archived: only those take `what`."""
    if goal.is_archived:
        raise Conflict(f"This goal is archived; unarchive it to add {what}.")
    if goal.status is not GoalStatus.ACTIVE:
        raise Conflict(f"This goal is {goal.status.value}; only active goals take {what}.")


@dataclass(frozen=True)
class Measure:
    """How progress on a goal is counted: from `start` to `target`, in `unit`."""

    start: float | int | str | None
    target: float | int | str | None
    unit: str | None = None


def check_measure(measure: Measure | None) -> dict[str, Any]:
    """Return the goal columns of a measure (all None for no measure), or raise InvalidInput."""
    if measure is None:
        return {"measure_unit": None, "measure_start": None, "measure_target": None}
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in ("start", "target"):
        try:
            values[name] = to_number(getattr(measure, name), f"measure.{name}")
        except InvalidInput as error:
            errors.update(error.errors)
        else:
            if values[name] is None:
                errors[f"measure.{name}"] = f"Enter the {name} value of the measure."
    try:
        unit = UNIT.clean(measure.unit, "measure.unit")
    except InvalidInput as error:
        errors.update(error.errors)
        unit = ""
    if not errors and values["start"] == values["target"]:
        errors["measure.target"] = "The target must differ from the start value."
    if errors:
        raise InvalidInput(errors)
    return {
        "measure_unit": unit or None,
        "measure_start": values["start"],
        "measure_target": values["target"],
    }


def _check_owner(session: Session, team: Team, owner_id: int | None) -> int | None:
    if owner_id is None:
        return None
    found = session.scalar(
        select(Membership.id).where(Membership.id == owner_id, Membership.team_id == team.id)
    )
    if found is None:
        raise InvalidInput({"owner_id": OWNER_MESSAGE})
    return owner_id


def parse_status(value: str | GoalStatus) -> GoalStatus:
    """Return the goal status named `value`, or raise InvalidInput."""
    return parse_choice(GoalStatus, value, "status")


#: The rule of a goal's `archived`.
ARCHIVED = Flag("Say true to archive the goal, false to bring it back.")


def _check_fields(session: Session, team: Team, values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the goal columns for `values` (the fields a goal has); raise every error at once."""
    rules: dict[str, Rule] = {
        "title": TITLE,
        "why": WHY,
        "slogan": lambda value, field: SLOGAN.clean(value, field) or None,
        "is_pinned": lambda value, _field: bool(value),
        "target_date": check_date,
        "measure": lambda value, _field: check_measure(value),
        "owner_id": lambda value, _field: _check_owner(session, team, value),
        "status": Choice(GoalStatus),
        "archived": ARCHIVED,
    }
    columns = check_changes(values, rules)
    if "measure" in columns:
        columns.update(columns.pop("measure"))
    return columns


# ---------------------------------------------------------------- goals


def create_goal(
    session: Session,
    actor: Membership,
    *,
    title: str,
    why: str,
    slogan: str | None = None,
    is_pinned: bool = False,
    target_date: date | None = None,
    measure: Measure | None = None,
    owner_id: int | None = None,
) -> Goal:
    """Create an active goal at the end of the team's order (owners and facilitators)."""
    require_facilitator(actor)
    team = actor.team
    columns = _check_fields(
        session,
        team,
        {
            "title": title,
            "why": why,
            "slogan": slogan,
            "is_pinned": is_pinned,
            "target_date": target_date,
            "measure": measure,
            "owner_id": owner_id,
        },
    )
    last = session.scalar(select(func.max(Goal.position)).where(Goal.team_id == team.id))
    now = utcnow()
    goal = Goal(
        team=team,
        status=GoalStatus.ACTIVE,
        position=(last or 0) + 1,
        created_by_id=actor.person_id,
        created_at=now,
        updated_at=now,
        **columns,
    )
    session.add(goal)
    session.flush()
    return goal


def update_goal(
    session: Session, actor: Membership, goal: Goal, changes: Mapping[str, Any]
) -> Goal:
    """Change some of a goal's fields (owners and facilitators).

    `measure=None` removes the measure; `archived=True` archives the goal (hidden, kept)
    and `archived=False` brings it back.
    """
    require_facilitator(actor)
    require_own_goal(actor, goal)
    columns = _check_fields(session, actor.team, changes)
    archived = columns.pop("archived", None)
    for name, value in columns.items():
        setattr(goal, name, value)
    now = utcnow()
    if archived is not None and archived != goal.is_archived:
        goal.archived_at = now if archived else None
    goal.updated_at = now
    session.flush()
    return goal


def _goals(*conditions: Any) -> Select[Any]:
    """Return the query of `:team_id`'s goals meeting `conditions`, in display order."""
    return (
        select(Goal)
        .where(Goal.team_id == bindparam("team_id"), *conditions)
        .options(joinedload(Goal.owner).joinedload(Membership.person))
        .order_by(Goal.is_pinned.desc(), Goal.position, Goal.id)
    )


# Built once, at import: a page binds only its values (building one costs more than running it).
#: A team's goals, by (archived?, with a `:status`?): pinned first, then manual order.
GOAL_LISTS = {
    (archived, by_status): _goals(
        Goal.archived_at.is_not(None) if archived else Goal.archived_at.is_(None),
        *([Goal.status == bindparam("status")] if by_status else []),
    )
    for archived in (False, True)
    for by_status in (False, True)
}
#: How many of `:team_id`'s goals in use have each status.
_STATUS_COUNTS = (
    select(Goal.status, func.count())
    .where(Goal.team_id == bindparam("team_id"), Goal.archived_at.is_(None))
    .group_by(Goal.status)
)
#: Goal `:goal_id` of team `:team_id`, with its owner.
_GOAL = (
    select(Goal)
    .where(Goal.id == bindparam("goal_id"), Goal.team_id == bindparam("team_id"))
    .options(joinedload(Goal.owner).joinedload(Membership.person))
)


def goals_statement(
    team: Team, *, archived: bool = False, status: GoalStatus | None = None
) -> Select[Any]:
    """Return the query of a team's goals in display order: pinned first, then manual order."""
    kind, params = goal_list(team, archived=archived, status=status)
    return GOAL_LISTS[kind].params(**params)


def goal_list(
    team: Team, *, archived: bool = False, status: GoalStatus | None = None
) -> tuple[tuple[bool, bool], dict[str, Any]]:
    """Return which of GOAL_LISTS lists these goals, and the values it binds."""
    params: dict[str, Any] = {"team_id": team.id}
    if status is not None:
        params["status"] = status
    return (archived, status is not None), params


def has_goals(session: Session, team: Team) -> bool:
    """Tell whether the team ever wrote a goal (archived ones count)."""
    return session.scalar(select(Goal.id).where(Goal.team_id == team.id).limit(1)) is not None


def count_goals(session: Session, team: Team) -> dict[GoalStatus, int]:
    """Return how many of the team's goals in use have each status, in one query."""
    counts = dict.fromkeys(GoalStatus, 0)
    rows = session.execute(_STATUS_COUNTS, {"team_id": team.id})
    counts.update({status: number for status, number in rows})
    return counts


def list_goals(
    session: Session, team: Team, *, archived: bool = False, status: GoalStatus | None = None
) -> list[Goal]:
    """Return the team's goals in use (or archived ones), in display order."""
    kind, params = goal_list(team, archived=archived, status=status)
    return list(session.scalars(GOAL_LISTS[kind], params))


def get_goal(session: Session, team: Team, goal_id: int) -> Goal:
    """Return the team's goal `goal_id`; another team's goal is NotFound, like a missing one."""
    goal = session.scalar(_GOAL, {"goal_id": goal_id, "team_id": team.id})
    if goal is None:
        raise NotFound(NO_SUCH_GOAL)
    return goal


def archive_goal(session: Session, actor: Membership, goal: Goal) -> Goal:
    """Hide a goal from the home page and digests, keeping it and its history."""
    require_facilitator(actor)
    require_own_goal(actor, goal)
    if goal.archived_at is None:
        goal.archived_at = goal.updated_at = utcnow()
        session.flush()
    return goal


def unarchive_goal(session: Session, actor: Membership, goal: Goal) -> Goal:
    """Bring an archived goal back."""
    require_facilitator(actor)
    require_own_goal(actor, goal)
    if goal.archived_at is not None:
        goal.archived_at = None
        goal.updated_at = utcnow()
        session.flush()
    return goal


def move_goal(session: Session, actor: Membership, goal: Goal, direction: str) -> bool:
    """Move a goal one place "up" or "down" among the team's goals in use of the same pinning.

    Return whether it moved: a goal already first (or last) stays where it is.
    """
    require_facilitator(actor)
    require_own_goal(actor, goal)
    if direction not in DIRECTIONS:
        raise InvalidInput({"direction": "Move a goal up or down."})
    if goal.is_archived:
        raise Conflict("Unarchive this goal before moving it.")
    group = list(
        session.scalars(
            select(Goal)
            .where(
                Goal.team_id == goal.team_id,
                Goal.archived_at.is_(None),
                Goal.is_pinned == goal.is_pinned,
            )
            .order_by(Goal.position, Goal.id)
        )
    )
    index = group.index(goal)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(group):
        return False
    group[index], group[other] = group[other], group[index]
    # Renumber the group: equal positions (two goals created at once) get apart too.
    base = min(item.position for item in group)
    for offset, item in enumerate(group):
        if item.position != base + offset:
            item.position = base + offset
    session.flush()
    return True


def not_moved_message(goal: Goal, direction: str) -> str:
    """Say that `goal` stays where it is: it is already first (up) or last (down)."""
    edge = "first" if direction == "up" else "last"
    return f"“{goal.title}” is already {edge}; nothing moved."


def require_may_delete(actor: Membership) -> None:
    """Raise Forbidden unless `actor` may delete goals for good (the portal asks first)."""
    require_role(actor, Role.OWNER, "delete a goal for good; archive it instead")


def delete_goal(session: Session, actor: Membership, goal: Goal) -> None:
    """Delete a goal with its check-ins and reinforcements, for good (owners only)."""
    require_may_delete(actor)
    require_own_goal(actor, goal)
    session.delete(goal)
    session.flush()
