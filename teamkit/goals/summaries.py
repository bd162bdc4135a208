"""What a page says about each goal: check-ins, latest value, reminders, progress, staleness.

The aggregates come from one SQL statement for any number of goals, so a page's number of
queries doesn't grow with the goals or their check-ins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from teamkit.db import utcnow
from teamkit.goals.models import CheckIn, Goal, GoalStatus, Reinforcement


@dataclass(frozen=True)
class GoalStats:
    """A goal's aggregates, computed in SQL."""

    check_in_count: int = 0
    last_check_in_at: datetime | None = None
    #: Value of the latest check-in that gave one.
    latest_value: float | None = None
    #: Confidence of the latest check-in.
    latest_confidence: int | None = None
    reinforcement_count: int = 0
    last_reinforced_at: datetime | None = None


@dataclass(frozen=True)
class GoalSummary:
    """A goal as a page shows it."""

    goal: Goal
    stats: GoalStats
    #: Active, and without a check-in (or, if never checked in, unchanged) for the stale days.
    is_stale: bool
    #: Active, and its target date has passed.
    is_overdue: bool = False

    # Cached: a goal card asks for these several times (percent, words, numbers).
    @cached_property
    def current_value(self) -> float | None:
        """Return the measure's current value: the latest checked-in one, else the start."""
        if not self.goal.is_measured:
            return None
        if self.stats.latest_value is not None:
            return self.stats.latest_value
        return self.goal.measure_start

    @property
    def is_decreasing(self) -> bool:
        """Tell whether the goal aims to bring its measure down (target below start)."""
        goal = self.goal
        if goal.measure_start is None or goal.measure_target is None:
            return False
        return goal.measure_target < goal.measure_start

    @cached_property
    def distance(self) -> float | None:
        """Return how far the measure has come from start (0) to target (1), not capped.

        Below 0 when it went the wrong way, above 1 when it went past the target.
        """
        goal, current = self.goal, self.current_value
        if current is None or goal.measure_start is None or goal.measure_target is None:
            return None
        return (current - goal.measure_start) / (goal.measure_target - goal.measure_start)

    @property
    def measure(self) -> GoalSummary | None:
        """Return this summary where a goal has a measure (what its measure is read from)."""
        return self if self.goal.is_measured else None

    @property
    def progress(self) -> float | None:
        """Return how far the measure has come from start to target, 0 to 1."""
        distance = self.distance
        return None if distance is None else min(1.0, max(0.0, distance))

    @property
    def percent(self) -> int | None:
        """Return the progress in whole percent; 100 only once the target is reached."""
        distance = self.distance
        if distance is None:
            return None
        if distance >= 1:
            return 100
        return min(99, max(0, round(distance * 100)))

    @property
    def progress_text(self) -> str:
        """Return where the measure stands, in words: "beyond the target", "40% of the way"…"""
        distance = self.distance
        if distance is None:
            return ""
        if distance > 1:
            # Not "target passed": beside a target date, that reads like a missed deadline.
            return "beyond the target"
        if distance == 1:
            return "target reached"
        if distance < 0:
            return "behind the start"
        return f"{self.percent}% of the way"


def goal_stats(session: Session, goal_ids: Sequence[int]) -> dict[int, GoalStats]:
    """Return the aggregates of each goal in `goal_ids`, in one statement."""
    if not goal_ids:
        return {}
    ids = list(goal_ids)
    counts = (
        select(
            CheckIn.goal_id,
            func.count().label("n"),
            func.max(CheckIn.created_at).label("last_at"),
        )
        .where(CheckIn.goal_id.in_(ids))
        .group_by(CheckIn.goal_id)
        .subquery()
    )
    newest_first = (CheckIn.created_at.desc(), CheckIn.id.desc())
    valued = (
        select(
            CheckIn.goal_id,
            CheckIn.value,
            func.row_number()
            .over(partition_by=CheckIn.goal_id, order_by=newest_first)
            .label("rank"),
        )
        .where(CheckIn.goal_id.in_(ids), CheckIn.value.is_not(None))
        .subquery()
    )
    latest = (
        select(
            CheckIn.goal_id,
            CheckIn.confidence,
            func.row_number()
            .over(partition_by=CheckIn.goal_id, order_by=newest_first)
            .label("rank"),
        )
        .where(CheckIn.goal_id.in_(ids))
        .subquery()
    )
    reminders = (
        select(
            Reinforcement.goal_id,
            func.count().label("n"),
            func.max(Reinforcement.reinforced_at).label("last_at"),
        )
        .where(Reinforcement.goal_id.in_(ids))
        .group_by(Reinforcement.goal_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Goal.id,
            counts.c.n.label("check_ins"),
            counts.c.last_at.label("last_check_in_at"),
            valued.c.value,
            latest.c.confidence,
            reminders.c.n.label("reinforcements"),
            reminders.c.last_at.label("last_reinforced_at"),
        )
        .outerjoin(counts, counts.c.goal_id == Goal.id)
        .outerjoin(valued, and_(valued.c.goal_id == Goal.id, valued.c.rank == 1))
        .outerjoin(latest, and_(latest.c.goal_id == Goal.id, latest.c.rank == 1))
        .outerjoin(reminders, reminders.c.goal_id == Goal.id)
        .where(Goal.id.in_(ids))
    )
    return {
        row.id: GoalStats(
            check_in_count=row.check_ins or 0,
            last_check_in_at=row.last_check_in_at,
            latest_value=row.value,
            latest_confidence=row.confidence,
            reinforcement_count=row.reinforcements or 0,
            last_reinforced_at=row.last_reinforced_at,
        )
        for row in rows
    }


def is_stale(goal: Goal, last_check_in_at: datetime | None, now: datetime, days: int) -> bool:
    """Tell whether an active goal has gone `days` without a check-in."""
    if goal.status is not GoalStatus.ACTIVE or goal.is_archived:
        return False
    return (last_check_in_at or goal.created_at) <= now - timedelta(days=days)


def is_overdue(goal: Goal, now: datetime) -> bool:
    """Tell whether an active goal's target date has passed."""
    if not goal.takes_check_ins or goal.target_date is None:
        return False
    return goal.target_date < now.date()


def summarize(
    session: Session,
    goals: Sequence[Goal],
    *,
    stale_days: int,
    now: datetime | None = None,
) -> list[GoalSummary]:
    """Return `goals`, in the same order, with their aggregates (one query).

    A goal is stale after `stale_days` without a check-in (callers pass TEAMKIT_GOAL_STALE_DAYS).
    """
    now = now or utcnow()
    stats = goal_stats(session, [goal.id for goal in goals])
    summaries = []
    for goal in goals:
        found = stats.get(goal.id, GoalStats())
        stale = is_stale(goal, found.last_check_in_at, now, stale_days)
        summaries.append(GoalSummary(goal, found, stale, is_overdue(goal, now)))
    return summaries


def summarize_goal(
    session: Session, goal: Goal, *, stale_days: int, now: datetime | None = None
) -> GoalSummary:
    """Return one goal with its aggregates (one query)."""
    return summarize(session, [goal], stale_days=stale_days, now=now)[0]
