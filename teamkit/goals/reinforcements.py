"""Record when the team was shown a goal: in a digest, or in a review together.

Every function takes a session and plain values, may flush, and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from teamkit.db import utcnow
from teamkit.goals.models import Channel, Goal, Reinforcement
from teamkit.goals.services import require_in_progress, require_own_goal
from teamkit.teams.models import Membership, Role
from teamkit.teams.roles import require_role
from teamkit.validation import parse_choice


def parse_channel(value: str | Channel) -> Channel:
    """Return the reinforcement channel named `value`, or raise InvalidInput."""
    return parse_choice(Channel, value, "channel")


def record_reinforcement(
    session: Session,
    goal: Goal,
    channel: str | Channel,
    at: datetime | None = None,
    *,
    by_person_id: int | None = None,
) -> Reinforcement:
    """Record that the team was shown `goal` through `channel` (a digest, or a review)."""
    reinforcement = Reinforcement(
        goal=goal,
        channel=parse_channel(channel),
        reinforced_at=at or utcnow(),
        recorded_by_id=by_person_id,
    )
    session.add(reinforcement)
    session.flush()
    return reinforcement


def record_digest_reminder(
    session: Session, goal: Goal, channels: Sequence[str], at: datetime | None = None
) -> Reinforcement:
    """Record that a digest showed `goal` to the team: one reminder, whatever its channels
    (all of them kept on the record)."""
    parsed = [parse_channel(channel) for channel in channels]
    reinforcement = Reinforcement(
        goal=goal,
        channel=parsed[0],
        channels=" ".join(channel.value for channel in parsed),
        reinforced_at=at or utcnow(),
    )
    session.add(reinforcement)
    session.flush()
    return reinforcement


#: A review of a goal this close to the one before it is the same review (a double click,
#: or two facilitators marking one meeting): it is recorded once.
REVIEW_WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Review:
    """A review of a goal together, and whether this call recorded it or found it recorded."""

    reinforcement: Reinforcement
    is_new: bool


def mark_reviewed(
    session: Session, actor: Membership, goal: Goal, at: datetime | None = None
) -> Review:
    """Record that the team reviewed `goal` together, once per REVIEW_WINDOW (facilitators)."""
    require_role(actor, Role.FACILITATOR, "mark a goal as reviewed together")
    require_own_goal(actor, goal)
    require_in_progress(goal, "reviews")
    at = at or utcnow()
    # Lock the goal, so two clicks at once can't both find no review and both record one.
    session.execute(select(Goal.id).where(Goal.id == goal.id).with_for_update())
    recent = session.scalar(
        select(Reinforcement)
        .where(
            Reinforcement.goal_id == goal.id,
            Reinforcement.channel == Channel.REVIEW,
            Reinforcement.reinforced_at > at - REVIEW_WINDOW,
            Reinforcement.reinforced_at < at + REVIEW_WINDOW,
        )
        .order_by(Reinforcement.reinforced_at.desc(), Reinforcement.id.desc())
        .limit(1)
    )
    if recent is not None:
        return Review(recent, is_new=False)
    reinforcement = record_reinforcement(
        session, goal, Channel.REVIEW, at, by_person_id=actor.person_id
    )
    return Review(reinforcement, is_new=True)


#: `:goal_id`'s reinforcements, newest first (built once, at import).
_REINFORCEMENTS = (
    select(Reinforcement)
    .where(Reinforcement.goal_id == bindparam("goal_id"))
    .options(joinedload(Reinforcement.recorded_by))
    .order_by(Reinforcement.reinforced_at.desc(), Reinforcement.id.desc())
)
#: The latest `:take` of them.
_LATEST_REINFORCEMENTS = _REINFORCEMENTS.limit(bindparam("take", type_=Integer))


def reinforcements_statement(goal: Goal) -> Select[Any]:
    """Return the query of a goal's reinforcements, newest first."""
    return _REINFORCEMENTS.params(goal_id=goal.id)


def latest_reinforcements(session: Session, goal: Goal, count: int) -> list[Reinforcement]:
    """Return the latest `count` reinforcements of `goal`, newest first."""
    return list(session.scalars(_LATEST_REINFORCEMENTS, {"goal_id": goal.id, "take": count}))
