"""Which goals a digest features: the resurfacing selector (spaced repetition).

A digest has K slots (the team's `goals_per_digest`). Pinned goals, the team's north star,
take their slots first, but never all of them while other goals are active: at least one
slot rotates. The rotating slots go to the goals the team was reminded of least recently.

A stale check-in or a near target date raises a goal among those never shown yet; it never
lets a goal overtake one shown longer ago. Goals last shown at the same instant are taken in
the order their reminders were recorded. That is what keeps the promise digests make: with u
active unpinned goals and s rotating slots, each goal is featured at least once in any
ceil(u/s) digests in a row (when u is a multiple of s, that promise allows only a fixed
rotation, so no boost could be stronger without breaking it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from teamkit.db import utcnow
from teamkit.goals import goal_timing
from teamkit.goals.models import CheckIn, Goal, GoalStatus, Reinforcement
from teamkit.goals.services import goal_settings
from teamkit.teams.models import Team


@dataclass(frozen=True)
class Candidate:
    """An active goal with what decides when it is due again."""

    goal: Goal
    last_reinforced_at: datetime | None
    #: Id of the goal's latest recorded reminder: the order of reminders at the same instant.
    last_reinforcement_id: int | None
    last_check_in_at: datetime | None

    def urgency(self, now: datetime, stale_days: int, near_days: int) -> int:
        """Return 0 to 2: one for a stale check-in, one for a target date near or past."""
        seen = self.last_check_in_at or self.goal.created_at
        stale = seen <= now - timedelta(days=stale_days)
        target: date | None = self.goal.target_date
        near = target is not None and (target - now.date()).days <= near_days
        return int(stale) + int(near)


def _candidates(session: Session, team: Team) -> list[Candidate]:
    """Return the team's active goals in use, with their last reinforcement and check-in."""
    team_goals = select(Goal.id).where(Goal.team_id == team.id)
    reminded = (
        select(
            Reinforcement.goal_id,
            func.max(Reinforcement.reinforced_at).label("last_at"),
            func.max(Reinforcement.id).label("last_id"),
        )
        .where(Reinforcement.goal_id.in_(team_goals))
        .group_by(Reinforcement.goal_id)
        .subquery()
    )
    checked = (
        select(CheckIn.goal_id, func.max(CheckIn.created_at).label("last_at"))
        .where(CheckIn.goal_id.in_(team_goals))
        .group_by(CheckIn.goal_id)
        .subquery()
    )
    rows = session.execute(
        select(Goal, reminded.c.last_at, reminded.c.last_id, checked.c.last_at)
        .outerjoin(reminded, reminded.c.goal_id == Goal.id)
        .outerjoin(checked, checked.c.goal_id == Goal.id)
        .where(
            Goal.team_id == team.id,
            Goal.status == GoalStatus.ACTIVE,
            Goal.archived_at.is_(None),
        )
    )
    return [Candidate(*row) for row in rows]


def select_goals_to_resurface(
    session: Session,
    team: Team,
    now: datetime | None = None,
    *,
    stale_days: int,
    near_days: int,
    limit: int | None = None,
) -> list[Goal]:
    """Return the goals a digest should feature now: pinned ones first, then the most due.

    A goal without a check-in for `stale_days`, or `near_days` or fewer from its target
    date, is raised among those never shown yet (callers pass the TEAMKIT_GOAL_* settings).
    Deterministic: the same goals, reinforcements, check-ins and `now` give the same answer.
    """
    now = now or utcnow()
    slots = limit if limit is not None else goal_settings(session, team).goals_per_digest
    if slots < 1:
        return []

    def due_first(candidate: Candidate) -> tuple[bool, datetime, int, int, int, int]:
        last = candidate.last_reinforced_at
        if last is None:
            urgency = candidate.urgency(now, stale_days, near_days)
            return (False, now, 0, -urgency, candidate.goal.position, candidate.goal.id)
        last_id = candidate.last_reinforcement_id or 0
        return (True, last, last_id, 0, candidate.goal.position, candidate.goal.id)

    candidates = sorted(_candidates(session, team), key=due_first)
    pinned = [c.goal for c in candidates if c.goal.is_pinned]
    rotating = [c.goal for c in candidates if not c.goal.is_pinned]
    pinned_slots = min(len(pinned), slots - 1 if rotating else slots)
    featured_pinned = sorted(pinned[:pinned_slots], key=lambda g: (g.position, g.id))
    return featured_pinned + rotating[: slots - pinned_slots]


def goals_to_feature(
    session: Session, team: Team, now: datetime | None = None, *, app: Flask | None = None
) -> list[Goal]:
    """Return the goals a digest of `team` features now, by the app's TEAMKIT_GOAL_* settings.

    What the digests call: the selector itself reads no settings, so it is tested with any.
    """
    timing = goal_timing(app)
    return select_goals_to_resurface(
        session, team, now, stale_days=timing.stale_days, near_days=timing.near_days
    )
