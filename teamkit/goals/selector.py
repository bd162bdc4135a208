"""Which goals a digest features: the resurfacing selector (spaced repetition).

A digest has K slots (the team's `goals_per_digest`). Pinned goals, the team's north star,
take their slots first, but never all of them while other goals are active: at least one
slot rotates. The rotating slots go to the goals the team was reminded of least recently.

A stale check-in or a near target date raises a goal among those never shown yet. Goals last
shown at the same instant are taken in the order their reminders were recorded. That order
keeps the promise digests make: with u active unpinned goals and s rotating slots, each goal
is featured at least once in any W = ceil(u/s) digests in a row.

Deadline-aware: digests are counted (the distinct instants a digest recorded reminders), so
each goal has a deadline, the number of digests it may still wait (W minus the digests since
it was last shown). A stale or near-target goal already shown may then take the slot of a
goal whose deadline is further off, but only when every goal can still meet its deadline:
after the swap, for every k < W, at most s*k of the goals left out may be due within k + 1
digests (the condition under which earliest-deadline-first never misses one). When u is a
multiple of s there is no slack, and the rotation stays fixed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Flask
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from teamkit.db import utcnow
from teamkit.goals import goal_timing
from teamkit.goals.models import Channel, CheckIn, Goal, GoalStatus, Reinforcement
from teamkit.goals.settings import get_settings
from teamkit.teams.models import Team

#: The channels that are digests: the promise counts these, not reviews together.
DIGEST_CHANNELS = (Channel.EMAIL, Channel.SLACK)


@dataclass(frozen=True)
class Candidate:
    """An active goal with what decides when it is due again."""

    goal: Goal
    last_reinforced_at: datetime | None
    #: Id of the goal's latest recorded reminder: the order of reminders at the same instant.
    last_reinforcement_id: int | None
    last_check_in_at: datetime | None
    #: When a digest (email or Slack, not a review) last featured it.
    last_digest_at: datetime | None = None

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
            func.max(
                case(
                    (Reinforcement.channel.in_(DIGEST_CHANNELS), Reinforcement.reinforced_at),
                    else_=None,
                )
            ).label("last_digest_at"),
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
        select(
            Goal,
            reminded.c.last_at,
            reminded.c.last_id,
            checked.c.last_at,
            reminded.c.last_digest_at,
        )
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
    slots = limit if limit is not None else get_settings(session, team).goals_per_digest
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
    rotating = [c for c in candidates if not c.goal.is_pinned]
    pinned_slots = min(len(pinned), slots - 1 if rotating else slots)
    featured_pinned = sorted(pinned[:pinned_slots], key=lambda g: (g.position, g.id))
    rotating_slots = slots - pinned_slots
    chosen = rotating[:rotating_slots]
    if rotating:

        def urgency(candidate: Candidate) -> int:
            return candidate.urgency(now, stale_days, near_days)

        # Run even when every goal fits, so a digest costs the same statements for any team.
        chosen = _pull_urgent_forward(session, team, rotating, rotating_slots, urgency)
    return featured_pinned + [candidate.goal for candidate in chosen]


def _digest_instants(session: Session, team: Team, limit: int) -> list[datetime]:
    """Return the latest `limit` instants a digest reminded the team of goals, newest first."""
    return list(
        session.scalars(
            select(Reinforcement.reinforced_at)
            .join(Goal, Goal.id == Reinforcement.goal_id)
            .where(
                Goal.team_id == team.id,
                Reinforcement.channel.in_(DIGEST_CHANNELS),
            )
            .group_by(Reinforcement.reinforced_at)
            .order_by(Reinforcement.reinforced_at.desc())
            .limit(limit)
        )
    )


def _pull_urgent_forward(
    session: Session,
    team: Team,
    rotating: list[Candidate],
    slots: int,
    urgency: Callable[[Candidate], int],
) -> list[Candidate]:
    """Return `slots` of the `rotating` goals (most due first): the most due ones, with urgent
    goals swapped in wherever every goal still meets its deadline (see the module's doc)."""
    window = math.ceil(len(rotating) / slots)
    instants = _digest_instants(session, team, window)
    if len(rotating) <= slots:
        return rotating

    def deadline(candidate: Candidate) -> int:
        last = candidate.last_digest_at
        if last is None:
            return 1  # never in a digest: as due as can be
        shown_since = sum(1 for instant in instants if instant > last)
        return max(1, window - shown_since)

    deadlines = {id(c): deadline(c) for c in rotating}
    rank = {id(c): index for index, c in enumerate(rotating)}

    def keeps_every_deadline(chosen: list[Candidate]) -> bool:
        picked = {id(c) for c in chosen}
        left = sorted(deadlines[id(c)] for c in rotating if id(c) not in picked)
        if left and left[0] <= 1:
            return False
        return all(sum(1 for d in left if d <= k + 1) <= slots * k for k in range(1, window))

    chosen = rotating[:slots]
    urgent = sorted(
        (c for c in rotating[slots:] if c.last_reinforced_at is not None and urgency(c) > 0),
        key=lambda c: (-urgency(c), rank[id(c)]),
    )
    for candidate in urgent:
        calmer = [
            c
            for c in chosen
            if c.last_reinforced_at is not None and urgency(c) < urgency(candidate)
        ]
        if not calmer:
            continue
        give_way = max(calmer, key=lambda c: (deadlines[id(c)], rank[id(c)]))
        trial = [c for c in chosen if c is not give_way] + [candidate]
        if keeps_every_deadline(trial):
            chosen = trial
    return sorted(chosen, key=lambda c: rank[id(c)])


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
